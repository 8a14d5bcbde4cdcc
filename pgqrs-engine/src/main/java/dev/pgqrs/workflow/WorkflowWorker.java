package dev.pgqrs.workflow;

import dev.pgqrs.PayloadCodec;
import dev.pgqrs.Store;
import dev.pgqrs.WorkerStatus;
import dev.pgqrs.internal.EngineEvents;
import dev.pgqrs.internal.StoreInternals;
import dev.pgqrs.store.Lease;
import dev.pgqrs.OutageLog;
import dev.pgqrs.store.WorkflowRepository.ClaimedMessage;
import dev.pgqrs.store.WorkflowRepository.LeasedMessage;
import dev.pgqrs.store.WorkflowRepository.StartedRun;
import dev.pgqrs.store.WorkflowRepository.WorkflowRow;
import dev.pgqrs.worker.LeaseKeeper;
import dev.pgqrs.worker.LiveWorker;
import dev.pgqrs.worker.PollLoop;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Executes the runs of one workflow: a poller leases due runs from the workflow's queue (as many as
 * it has free threads), and each run executes on a thread of its own until it finishes or waits.
 * Several workers, in this process or others, share a workflow safely: a run belongs to the worker
 * that leased its message, and every checkpoint is conditional on that lease.
 *
 * <p>While a run executes, its lease is kept alive by the same {@link LeaseKeeper} queue workers use
 * (every third of the lease duration); if the worker dies, the lease expires and another worker
 * continues the run from its recorded steps. Polling, idle waits and outage logging are the shared
 * {@link PollLoop}. A run that
 * waits (retry back-off, sleep, pause, event) gives its message back with the wake-up time as its
 * visibility, so it occupies no thread and is not polled for until it is due.
 *
 * <p>Obtain one with {@link Workflows#startWorker}; close it to stop.
 */
public final class WorkflowWorker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WorkflowWorker.class);
    private static final AtomicInteger WORKERS = new AtomicInteger();
    /** Wake-ups further away than this are left to polling instead of a timer in this process. */
    private static final long LOCAL_WAKE_HORIZON_MILLIS = Duration.ofMinutes(10).toMillis();
    /**
     * How long a run of a version this worker does not have stays out of its way, should a claim lease one (its
     * dequeue passes over them, so this is a safeguard): long
     * enough not to spin on it, short enough for a worker that has the version to take it soon.
     */
    private static final long OTHER_VERSION_MIN_DELAY_MILLIS = 1_000;

    private final Workflows workflows;
    private final Store store;
    private final WorkflowTransitions transitions;
    private final Workflow<Object, Object> workflow;
    private final WorkflowRow row;
    private final WorkflowWorkerOptions options;
    private final long leaseMillis;
    private final Duration pollInterval;
    private final Semaphore slots;
    /** The leases of the runs this worker executes (counted: see {@link LeaseKeeper}). */
    private final LeaseKeeper leases;
    private final StoreInternals engine;
    /** One outage line for the checkpoints of all the runs in flight, not one per run. */
    private final OutageLog checkpointOutage;
    /** Runs that could not be executed because the database went away: logged once per outage, not per run. */
    private final OutageLog runOutage;
    private final ExecutorService executor;
    private final Thread poller;
    private volatile LiveWorker live;
    private volatile boolean running;
    private volatile boolean draining;
    private volatile boolean halted;
    private volatile boolean closed;

    WorkflowWorker(Workflows workflows, Store store, WorkflowTransitions transitions, Workflow<Object, Object> workflow,
                   WorkflowRow row, WorkflowWorkerOptions options) {
        this.workflows = workflows;
        this.store = store;
        this.engine = StoreInternals.of(store);
        this.transitions = transitions;
        this.workflow = workflow;
        this.row = row;
        this.options = options;
        this.leaseMillis = (options.leaseDuration() != null ? options.leaseDuration() : store.config().visibilityTimeout()).toMillis();
        this.pollInterval = options.pollInterval() != null ? options.pollInterval() : store.config().pollInterval();
        this.slots = new Semaphore(options.concurrency());
        int n = WORKERS.incrementAndGet();
        AtomicInteger threads = new AtomicInteger();
        this.executor = Executors.newFixedThreadPool(options.concurrency(), r -> {
            Thread t = new Thread(r, "pgqrs-workflow-" + workflow.name() + "-" + n + "-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.poller = new Thread(this::pollLoop, "pgqrs-workflow-" + workflow.name() + "-" + n + "-poller");
        this.poller.setDaemon(true);
        this.leases = new LeaseKeeper("workflow '" + workflow.name() + "'",
                held -> transitions.extendLeases(held, live.id(), leaseMillis),
                lost -> LOG.debug("workflow worker {}: the lease of message {} was not extended (given back, finished, or "
                        + "taken over)", live, lost.messageId()),
                () -> store.health().reachable());
        this.checkpointOutage = new OutageLog(LoggerFactory.getLogger(RunCheckpoints.class),
                "checkpoints of workflow '" + workflow.name() + "'");
        this.runOutage = new OutageLog(LOG, "runs of workflow '" + workflow.name() + "'");
    }

    WorkflowWorker start() {
        // Waits on signals: from here on, other processes' triggers and wake-ups should reach it.
        engine.notifications().startListening();
        live = register(options.workerName());
        running = true;
        leases.start(workflows.scheduler(), Duration.ofMillis(leaseMillis));
        poller.start();
        return this;
    }

    private LiveWorker register(String name) {
        LiveWorker worker = engine.workerRegistry().register("workflow", workflow.name(), row.queueId(), name);
        worker.touchedMessages(); // its id is written to messages and runs, so its row must stay when it stops
        engine.workerRegistry().transition(worker, WorkerStatus.POLLING);
        return worker;
    }

    /**
     * The worker row to lease under; renewed if the store declared the old one dead (stale heartbeat): the
     * reaper released its runs, and their executions here can no longer checkpoint under the old lease.
     */
    private LiveWorker currentWorker() {
        LiveWorker worker = live;
        if (worker.fenced()) {
            worker = engine.workerRegistry().renew(worker);
            worker.touchedMessages();
            engine.workerRegistry().transition(worker, WorkerStatus.POLLING);
            live = worker;
        }
        return worker;
    }

    // ---- polling ------------------------------------------------------------------------------------

    private void pollLoop() {
        new PollLoop("workflow worker for '" + workflow.name() + "'", engine.signals(), row.queueId(), pollInterval,
                pollInterval, 1.0, () -> running, LOG).run(this::claimWhenThreadsAreFree);
    }

    /** Waits for free threads (up to a poll interval), then claims as many due runs as there are. */
    private int claimWhenThreadsAreFree() throws InterruptedException {
        // An operator may have moved the row from another process; the heartbeat brought its status here.
        WorkerStatus row = live.status();
        if (row == WorkerStatus.SUSPENDED) {
            return 0; // claim nothing until resumed; the loop waits a poll interval and looks again
        }
        if (row == WorkerStatus.INTERRUPTED && running) {
            LOG.info("workflow worker {} was asked to shut down by an operator; stopping", live);
            running = false;
            Thread closer = new Thread(this::close, "pgqrs-workflow-shutdown-" + workflow.name());
            closer.setDaemon(true);
            closer.start();
            return PollLoop.BUSY;
        }
        if (!slots.tryAcquire(pollInterval.toMillis(), TimeUnit.MILLISECONDS)) {
            return PollLoop.BUSY; // every thread busy; look again (and notice a close)
        }
        int permits = 1 + slots.drainPermits();
        Started started = new Started();
        try {
            if (running) {
                claim(permits, started);
            }
        } finally {
            // Each started run holds a permit until it ends; the rest go back now, even if the claim failed midway.
            slots.release(permits - started.count);
        }
        checkpointOutage.succeeded(); // the database answers again, whether or not a run is left to checkpoint
        return started.count;
    }

    /** How many runs a claim started so far (read when the claim fails partway). */
    private static final class Started {
        int count;
    }

    /** Leases up to {@code limit} due runs and starts executing them, counting them in {@code started}. */
    private void claim(int limit, Started started) {
        LiveWorker worker = currentWorker();
        // Waits give a run's message back with its delivery counted, so the delivery count says nothing about
        // a run's health: a claim dead-letters nothing. A run is given up only after too many recoveries.
        long t0 = System.nanoTime();
        List<ClaimedMessage> claimed = transitions.claim(row, limit, Integer.MAX_VALUE, leaseMillis, worker.id(),
                workflow.version());
        long claimedNanos = System.nanoTime(); // the claim's commit read each run's status: it is this fresh
        engine.events().dequeued(workflow.name(), claimed.size(), claimedNanos - t0);
        for (ClaimedMessage c : claimed) {
            LeasedMessage m = c.message();
            if (m.deadLettered()) {
                transitions.failDeadLettered(m);
                workflows.completions().finished();
                continue;
            }
            StartedRun run = c.run() != null ? c.run()
                    : transitions.adoptUnstarted(row, m, worker.id(), workflow.version(), otherVersionDelayMillis())
                    .orElse(null);
            if (run == null) {
                workflows.completions().finished(); // cancelled or finished without user code: nothing to execute
                continue;
            }
            if (m.recovered() && transitions.recovered(new RunLease(run.runId(), m.id(), m.readCount(), worker.id(),
                            run.parentRunId()),
                    store.config().maxReadCount())) {
                LOG.warn("run {} of workflow '{}' failed: its workers crashed or lost its lease {} times",
                        run.runId(), workflow.name(), store.config().maxReadCount());
                workflows.completions().finished();
                continue;
            }
            // Kept from here until the execution ends: a lease tracked before a statement that may fail (above)
            // would be renewed forever, and its run never taken over.
            Lease lease = new Lease(m.id(), m.readCount());
            leases.track(lease);
            submit(run, lease, worker.id(), m.headersJson(), claimedNanos);
            started.count++;
        }
    }

    private void submit(StartedRun run, Lease lease, long workerId, String headersJson, long claimedNanos) {
        try {
            executor.execute(() -> {
                try {
                    Map<String, StepInfo> steps = new HashMap<>();
                    if (run.hasSteps()) {
                        transitions.steps(run.runId()).forEach(s -> steps.put(s.name(), s));
                    }
                    new RunExecution(this, transitions, workflow, run, lease.readCount(), workerId, steps, headersJson,
                            claimedNanos).execute();
                    runOutage.succeeded();
                } catch (RuntimeException e) {
                    if (OutageLog.isOutage(e)) {
                        runOutage.failed(e, "runs are retried when their leases expire");
                    } else {
                        LOG.warn("run {} of workflow '{}' could not be executed ({}); it is retried when its lease expires",
                                run.runId(), workflow.name(), e.getMessage(), e);
                    }
                } finally {
                    leases.untrack(lease);
                    slots.release();
                }
            });
        } catch (RejectedExecutionException e) {
            // Closing: leave the run to the next worker once its lease expires.
            leases.untrack(lease);
            slots.release();
        }
    }

    private long otherVersionDelayMillis() {
        return Math.max(OTHER_VERSION_MIN_DELAY_MILLIS, 5 * pollInterval.toMillis());
    }

    // ---- called by executions -----------------------------------------------------------------------

    ScheduledExecutorService timers() {
        return workflows.scheduler();
    }

    /** Where held step completions whose linger ended are written. */
    java.util.concurrent.Executor lateCheckpoints() {
        return workflows.lateCheckpoints();
    }

    /** How long a plain step's completion waits for the run's next write before it is written alone; 0: never held. */
    long checkpointLingerMicros() {
        return options.checkpointLinger().toNanos() / 1_000;
    }

    /** How a step of a run executed here starts a child run: the child's workflow (registered) and payload. */
    ChildRuns.Triggers childTriggers() {
        return workflows.childTriggers();
    }

    PayloadCodec codec() {
        return store.codec();
    }

    /** Where a run's end and a step's retry are counted (in memory). */
    EngineEvents events() {
        return engine.events();
    }

    void checkpointWritten() {
        checkpointOutage.succeeded();
    }

    void checkpointUnreachable(RuntimeException e) {
        checkpointOutage.failed(e, "its runs are taken over when their leases expire");
    }

    boolean isHalted() {
        return halted;
    }

    boolean isDraining() {
        return draining;
    }

    /** A run waits until {@code wakeAt}: poll for it then, rather than at the next poll interval. */
    void wakeAt(Instant wakeAt, Instant dbNow) {
        if (wakeAt == null) {
            return; // parked until a resume, an event or a cancel wakes it
        }
        long delay = Duration.between(dbNow, wakeAt).toMillis();
        long queueId = row.queueId();
        if (delay <= 0) {
            engine.signals().signal(queueId);
        } else if (delay <= LOCAL_WAKE_HORIZON_MILLIS && !closed) {
            try {
                workflows.scheduler().schedule(() -> engine.signals().signal(queueId), delay + 1, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                // The store is closing; whoever continues the run finds it by polling.
            }
        }
    }

    void runFinished() {
        workflows.completions().finished();
    }

    // ---- lifecycle ------------------------------------------------------------------------------------

    public String workflow() {
        return workflow.name();
    }

    /** The current worker row's name ({@code pgqrs_workers.name}). */
    public String name() {
        return live.name();
    }

    public long workerId() {
        return live.id();
    }

    /** Runs this worker is executing now. */
    public int inFlight() {
        return leases.size();
    }

    public boolean isRunning() {
        return running;
    }

    /**
     * Stops taking runs, lets executions reach their next step boundary (where each gives its run back
     * for another worker, without counting a delivery), waits up to the shutdown timeout, and stops the
     * worker row. Executions still busy after that are abandoned; their leases expire and their runs are
     * continued elsewhere.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        running = false;
        draining = true;
        engine.signals().signal(row.queueId());
        try {
            poller.join(pollInterval.toMillis() + 1_000);
            if (poller.isAlive()) {
                poller.interrupt();
            }
            executor.shutdown();
            if (!executor.awaitTermination(options.shutdownTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("workflow worker {}: {} run(s) did not reach a step boundary within {}; abandoning them to lease expiry",
                        live, leases.size(), options.shutdownTimeout());
                halted = true;
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            halted = true;
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        } finally {
            stopWorkerRow();
        }
    }

    /**
     * Stops at once, as a killed process would: executions write nothing more, leases are neither
     * extended nor given back (they expire and other workers take the runs over). For tests.
     */
    void halt() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        halted = true;
        running = false;
        poller.interrupt();
        executor.shutdownNow();
        stopWorkerRow();
    }

    private void stopWorkerRow() {
        leases.close();
        try {
            if (!live.fenced() && live.status() != WorkerStatus.STOPPED) {
                engine.workerRegistry().stop(live);
            }
        } catch (RuntimeException e) {
            LOG.warn("workflow worker {}: could not mark its row stopped ({}); the reaper will", live, e.getMessage());
        }
        workflows.forget(this);
    }

    @Override
    public String toString() {
        return "WorkflowWorker{" + workflow.name() + " v" + workflow.version() + ", " + live + "}";
    }
}
