package dev.pgqrs.bridge.connect;

import dev.pgqrs.OutageLog;
import dev.pgqrs.Store;
import dev.pgqrs.bridge.store.ConnectorRecord;
import dev.pgqrs.bridge.store.ConnectorRepository;
import dev.pgqrs.bridge.store.DeadLetterRepository;
import dev.pgqrs.bridge.store.SourceLeases;
import dev.pgqrs.bridge.store.TargetState;
import dev.pgqrs.bridge.store.TaskRecord;
import dev.pgqrs.bridge.store.TaskRepository;
import dev.pgqrs.bridge.store.WorkerRepository;
import dev.pgqrs.bridge.validate.KameletCatalog;
import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.apache.camel.support.ProcessorEndpoint;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Makes this instance run what the store says: every {@code pollInterval} (and at once after a change made
 * through this instance's REST API, or a failure) one control thread reads the connectors' rows and converges —
 * loads a new connector or a new version of one, removes a deleted one, restarts on a restart request, starts,
 * suspends or stops routes for the target state, takes or renews the lease of sources that run on one
 * instance — then writes the state of this instance's tasks for every instance to read. All route changes
 * happen on that thread, so they never race. A change made on any instance reaches the others within a poll.
 */
public final class ConnectorRuntime extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectorRuntime.class);

    /** Settings of the runtime. */
    public record Settings(String workerId, String url, Duration pollInterval, Duration leaseDuration) {
    }

    private record Failure(String taskId, Throwable error) {
    }

    private final CamelContext context;
    private final Store store;
    private final ConnectorRepository connectors;
    private final TaskRepository tasks;
    private final WorkerRepository workers;
    private final SourceLeases leases;
    private final DeadLetterRepository deadLetters;
    private final KameletCatalog kamelets;
    private final Settings settings;
    private final DesignLoader loader;
    private final Map<String, LocalConnector> local = new HashMap<>();
    private final ConcurrentLinkedQueue<Failure> failures = new ConcurrentLinkedQueue<>();
    private final OutageLog outage = new OutageLog(LOG, "bridge connector sync");
    private ScheduledExecutorService control;

    public ConnectorRuntime(CamelContext context, Store store, ConnectorRepository connectors, TaskRepository tasks,
                            WorkerRepository workers, SourceLeases leases, DeadLetterRepository deadLetters,
                            KameletCatalog kamelets, Settings settings) {
        this.context = context;
        this.store = store;
        this.connectors = connectors;
        this.tasks = tasks;
        this.workers = workers;
        this.leases = leases;
        this.deadLetters = deadLetters;
        this.kamelets = kamelets;
        this.settings = settings;
        this.loader = new DesignLoader(context);
    }

    public Settings settings() {
        return settings;
    }

    @Override
    protected void doStart() {
        control = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "bridge-connectors");
            t.setDaemon(true);
            return t;
        });
        control.scheduleWithFixedDelay(this::tick, 0, settings.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Converge now rather than at the next poll (after a change made through this instance). */
    public void wakeUp() {
        ScheduledExecutorService c = control;
        if (c != null && !c.isShutdown()) {
            c.execute(this::tick);
        }
    }

    /** Runs one convergence on the control thread and waits for it (tests, and the REST API's answers). */
    public void syncNow() {
        ScheduledExecutorService c = control;
        if (c == null || c.isShutdown()) {
            return;
        }
        try {
            c.submit(this::tick).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("bridge: the connector sync did not complete: " + e, e);
        }
    }

    @Override
    protected void doStop() throws Exception {
        ScheduledExecutorService c = control;
        control = null;
        if (c == null) {
            return;
        }
        c.submit(this::unloadAll).get(60, TimeUnit.SECONDS);
        c.shutdown();
    }

    private void unloadAll() {
        for (LocalConnector lc : List.copyOf(local.values())) {
            unload(lc, false);
        }
        local.clear();
        try {
            tasks.removeWorker(settings.workerId());
            workers.remove(settings.workerId());
        } catch (RuntimeException e) {
            LOG.debug("cannot remove this instance's rows while stopping: {}", e.toString());
        }
    }

    private synchronized void tick() {
        if (isStopping() || isStopped()) {
            return; // a wake-up queued before the runtime began to stop
        }
        try {
            workers.beat(settings.workerId(), settings.url());
            List<ConnectorRecord> records = connectors.list();
            outage.succeeded();
            applyFailures();
            Set<String> names = new HashSet<>();
            for (ConnectorRecord r : records) {
                names.add(r.name());
                converge(r);
            }
            for (LocalConnector lc : List.copyOf(local.values())) {
                if (!names.contains(lc.name)) {
                    LOG.info("connector {} was deleted: removing its routes", lc.name);
                    unload(lc, true);
                    local.remove(lc.name);
                }
            }
        } catch (RuntimeException e) {
            if (OutageLog.isOutage(e)) {
                outage.failed(e, "retrying every " + settings.pollInterval().toMillis() + " ms");
                // Without the store a lease cannot be renewed: a source that must run once stops here.
                stopSingleInstanceTasks();
            } else {
                LOG.error("bridge: the connector sync failed: {}", e.toString(), e);
            }
        }
    }

    private void converge(ConnectorRecord record) {
        LocalConnector lc = local.get(record.name());
        if (lc == null || lc.version != record.version()) {
            if (lc != null) {
                LOG.info("connector {}: version {} -> {}, reloading", record.name(), lc.version, record.version());
                unload(lc, false);
            }
            lc = load(record);
            local.put(record.name(), lc);
        } else if (lc.restartEpoch != record.restartEpoch()) {
            lc.restartEpoch = record.restartEpoch();
            if (lc.routes == null) {
                unload(lc, false);
                lc = load(record);
                local.put(record.name(), lc);
            } else {
                restart(lc, record.restartOnlyFailed());
            }
        }
        apply(lc, record.targetState());
        publish(lc, record.targetState());
    }

    private LocalConnector load(ConnectorRecord record) {
        ConnectorConfig config = new ConnectorConfig(record.name(), record.config());
        LocalConnector lc = new LocalConnector(record.name(), record.version(), config, record.restartEpoch());
        try {
            String type = config.isDesign() ? null : kamelets.find(config.connectorClass()).map(k -> k.type())
                    .orElseThrow(() -> new IllegalArgumentException("no Kamelet named '" + config.connectorClass() + "'"));
            if (config.tolerance() == ConnectorConfig.Tolerance.ALL) {
                store.queues().createIfAbsent(config.deadLetterQueue());
            }
            if (!config.isDesign()) {
                store.queues().createIfAbsent(config.get(ConnectorConfig.QUEUE));
            }
            ProcessorEndpoint dlq = new ProcessorEndpoint(deadLetterUri(record.name()), context,
                    new DeadLetterReporter(record.name(), config.deadLetterQueue(), store, deadLetters, config.logErrors()));
            context.addEndpoint(dlq.getEndpointUri(), dlq); // the error handler finds its dead-letter endpoint by URI
            TaskFailureWatch watch = config.tolerance() == ConnectorConfig.Tolerance.NONE
                    ? new TaskFailureWatch((task, error) -> {
                        failures.add(new Failure(task, error));
                        wakeUp();
                    })
                    : null;
            List<String> ids = loader.load(record.name(), DesignSource.yaml(config, type), config.properties(),
                    ErrorHandling.factory(config, dlq), watch);
            lc.routes = new ConnectorRoutes(context, ids);
            SourcePlacement placement = config.sourcePlacement();
            for (String id : ids) {
                if (placement.singleInstance(lc.routes.sourceScheme(id))) {
                    lc.singleInstance.add(id);
                }
            }
            LOG.info("connector {} (version {}) loaded: routes {}{}", record.name(), record.version(), ids,
                    lc.singleInstance.isEmpty() ? "" : ", on the lease holder only: " + lc.singleInstance);
        } catch (Exception e) {
            lc.loadError = DeadLetterReporter.stackTrace(e);
            LOG.warn("connector {} (version {}) cannot be loaded: {}", record.name(), record.version(), e.toString());
        }
        return lc;
    }

    private static String deadLetterUri(String connector) {
        return "bridge-dlq://" + connector;
    }

    private void unload(LocalConnector lc, boolean deleted) {
        try {
            if (lc.routes != null) {
                lc.routes.remove();
            }
            context.removeEndpoints(deadLetterUri(lc.name));
        } catch (Exception e) {
            LOG.warn("connector {}: removing its routes failed: {}", lc.name, e.toString());
        }
        if (lc.leaseHeld) {
            try {
                leases.release(lc.name, settings.workerId());
            } catch (RuntimeException e) {
                LOG.debug("connector {}: cannot give its lease back: {}", lc.name, e.toString());
            }
            lc.leaseHeld = false;
        }
        if (deleted) {
            try {
                tasks.replace(lc.name, settings.workerId(), List.of());
            } catch (RuntimeException e) {
                LOG.debug("connector {}: cannot remove its task rows: {}", lc.name, e.toString());
            }
        }
    }

    private void restart(LocalConnector lc, boolean onlyFailed) {
        LOG.info("connector {}: restarting {}", lc.name, onlyFailed ? "its failed tasks " + lc.failed.keySet() : "every task");
        if (!onlyFailed) {
            for (String task : lc.routes.taskIds()) {
                stopQuietly(lc, task);
            }
        }
        lc.failed.clear(); // apply() starts them again
    }

    private void apply(LocalConnector lc, TargetState target) {
        if (lc.routes == null) {
            return;
        }
        if (!lc.singleInstance.isEmpty()) {
            boolean want = target != TargetState.STOPPED;
            if (want) {
                try {
                    boolean held = leases.acquire(lc.name, settings.workerId(), settings.leaseDuration());
                    if (held != lc.leaseHeld) {
                        LOG.info("connector {}: {} the lease of its sources {}", lc.name, held ? "took" : "does not hold",
                                lc.singleInstance);
                    }
                    lc.leaseHeld = held;
                } catch (RuntimeException e) {
                    lc.leaseHeld = false;
                    throw e;
                }
            } else if (lc.leaseHeld) {
                leases.release(lc.name, settings.workerId());
                lc.leaseHeld = false;
            }
        }
        for (String task : lc.routes.taskIds()) {
            boolean mayRun = !lc.failed.containsKey(task) && (!lc.singleInstance.contains(task) || lc.leaseHeld);
            try {
                ServiceStatus s = lc.routes.status(task);
                if (!mayRun || target == TargetState.STOPPED) {
                    if (s != null && !s.isStopped()) {
                        lc.routes.stop(task);
                    }
                } else if (target == TargetState.RUNNING) {
                    if (s != ServiceStatus.Started) {
                        lc.routes.start(task);
                    }
                } else if (s == ServiceStatus.Started) {
                    lc.routes.suspend(task);
                }
            } catch (Exception e) {
                lc.failed.put(task, DeadLetterReporter.stackTrace(e));
                LOG.warn("connector {}: task {} failed to change state: {}", lc.name, task, e.toString());
                stopQuietly(lc, task);
            }
        }
    }

    private void applyFailures() {
        for (Failure f; (f = failures.poll()) != null; ) {
            for (LocalConnector lc : local.values()) {
                if (lc.routes != null && lc.routes.taskIds().contains(f.taskId()) && !lc.failed.containsKey(f.taskId())) {
                    LOG.warn("connector {}: task {} FAILED (errors.tolerance=none), stopping it: {}", lc.name, f.taskId(),
                            f.error().toString());
                    lc.failed.put(f.taskId(), DeadLetterReporter.stackTrace(f.error()));
                    stopQuietly(lc, f.taskId());
                }
            }
        }
    }

    private void stopSingleInstanceTasks() {
        for (LocalConnector lc : local.values()) {
            if (lc.leaseHeld) {
                lc.leaseHeld = false;
                for (String task : lc.singleInstance) {
                    stopQuietly(lc, task);
                }
            }
        }
    }

    private void stopQuietly(LocalConnector lc, String task) {
        try {
            lc.routes.stop(task);
        } catch (Exception e) {
            LOG.warn("connector {}: stopping task {} failed: {}", lc.name, task, e.toString());
        }
    }

    /** Writes this instance's tasks of the connector when they changed. */
    private void publish(LocalConnector lc, TargetState target) {
        List<TaskRecord> now = new ArrayList<>();
        if (lc.routes == null) {
            now.add(new TaskRecord(lc.name, lc.name, settings.workerId(), "FAILED", lc.loadError, 0));
        } else {
            for (String task : lc.routes.taskIds()) {
                String trace = lc.failed.get(task);
                String state;
                if (trace != null) {
                    state = "FAILED";
                } else {
                    ServiceStatus s = lc.routes.status(task);
                    state = s == ServiceStatus.Started ? "RUNNING"
                            : s == ServiceStatus.Suspended ? "PAUSED"
                            : target != TargetState.STOPPED && lc.singleInstance.contains(task) && !lc.leaseHeld ? "UNASSIGNED"
                            : target == TargetState.PAUSED ? "PAUSED" : "STOPPED";
                }
                now.add(new TaskRecord(lc.name, task, settings.workerId(), state, trace, 0));
            }
        }
        if (!now.equals(lc.published)) {
            tasks.replace(lc.name, settings.workerId(), now);
            lc.published = now;
        }
    }

    /** The pgqrs queue each task of a connector consumes here (null for tasks fed otherwise); empty if not loaded. */
    public Map<String, String> taskQueues(String connector) {
        LocalConnector lc;
        synchronized (this) {
            lc = local.get(connector);
        }
        Map<String, String> out = new java.util.LinkedHashMap<>();
        if (lc != null && lc.routes != null) {
            for (String task : lc.routes.taskIds()) {
                out.put(task, lc.routes.queue(task));
            }
        }
        return out;
    }

    /** The version of the connector's configuration this instance runs (loaded, or failed to load); empty if none. */
    public java.util.OptionalLong loadedVersion(String connector) {
        LocalConnector lc;
        synchronized (this) {
            lc = local.get(connector);
        }
        return lc == null ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(lc.version);
    }

    /** The routes of a connector on this instance: its tasks and their Kamelet routes. */
    public List<String> routeIds(String connector) {
        LocalConnector lc;
        synchronized (this) {
            lc = local.get(connector);
        }
        List<String> out = new ArrayList<>();
        if (lc != null && lc.routes != null) {
            for (String task : lc.routes.taskIds()) {
                out.add(task);
                lc.routes.kameletRoutes(task).forEach(r -> out.add(r.getRouteId()));
            }
        }
        return out;
    }
}
