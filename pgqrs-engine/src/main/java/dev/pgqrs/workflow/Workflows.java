package dev.pgqrs.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgqrs.EnqueueOptions;
import dev.pgqrs.Names;
import dev.pgqrs.PayloadCodec;
import dev.pgqrs.QueueInfo;
import dev.pgqrs.Retention;
import dev.pgqrs.Store;
import dev.pgqrs.internal.StoreInternals;
import dev.pgqrs.store.RetentionRepository;
import dev.pgqrs.store.WorkflowRepository.RunFields;
import dev.pgqrs.store.WorkflowRepository.TriggeredRun;
import dev.pgqrs.store.WorkflowRepository.WorkflowRow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * Durable workflows on a store: register definitions, trigger runs, run workers, and inspect, cancel,
 * resume and signal runs. Obtain it with {@link Store#workflows()}; thread-safe.
 *
 * <pre>{@code
 * Workflows workflows = store.workflows();
 * workflows.register(CHECKOUT);
 * try (WorkflowWorker worker = workflows.startWorker(CHECKOUT)) {
 *     RunHandle<Receipt> run = workflows.trigger(CHECKOUT, order);
 *     Receipt receipt = run.await(Duration.ofSeconds(30));
 * }
 * }</pre>
 *
 * <p>A workflow named {@code checkout} owns the queue {@code checkout}: a trigger enqueues
 * {@code {"input": …}} there and inserts the run ({@code QUEUED}) in the same transaction.
 */
public final class Workflows implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Workflows.class);

    private final Store store;
    private final StoreInternals engine;
    private final WorkflowTransitions transitions;
    private final RunCompletions completions = new RunCompletions();
    private final ConcurrentHashMap<String, WorkflowRow> rows = new ConcurrentHashMap<>();
    private final Set<WorkflowWorker> workers = ConcurrentHashMap.newKeySet();
    private volatile ScheduledThreadPoolExecutor scheduler;
    private volatile ExecutorService lateCheckpoints;
    private volatile boolean closed;

    static {
        StoreInternals.registerFactory(Workflows.class, Workflows::new);
    }

    private Workflows(Store store) {
        this.store = store;
        this.engine = StoreInternals.of(store);
        this.transitions = new WorkflowTransitions(engine);
    }

    // ---- definitions --------------------------------------------------------------------------------

    /**
     * Registers a workflow: creates its queue and its {@code pgqrs_workflows} row unless they exist.
     * Idempotent; call it in every process that triggers or executes the workflow.
     */
    public <I, O> Workflow<I, O> register(Workflow<I, O> workflow) {
        row(workflow.name(), true);
        return workflow;
    }

    /**
     * Registers a workflow by name only, for a process that triggers it (by name) but does not execute
     * it, e.g. an integration's producer. Idempotent.
     */
    public void register(String workflow) {
        row(workflow, true);
    }

    private WorkflowRow row(String name, boolean create) {
        WorkflowRow row = rows.get(name);
        if (row != null) {
            return row;
        }
        Names.requireWorkflowName(name);
        Optional<WorkflowRow> found = transitions.findWorkflow(name);
        if (found.isEmpty()) {
            if (!create) {
                throw new WorkflowNotFoundException(name);
            }
            QueueInfo queue = store.queues().createIfAbsent(name);
            found = Optional.of(transitions.register(name, queue.id()));
        }
        rows.put(name, found.get());
        return found.get();
    }

    // ---- triggering ---------------------------------------------------------------------------------

    /** Starts a run with {@code input}; returns its handle at once (the run is QUEUED). */
    public <I, O> RunHandle<O> trigger(Workflow<I, O> workflow, I input) {
        return trigger(workflow, input, Duration.ZERO);
    }

    /** Starts a run that no worker takes before {@code delay} has passed. */
    public <I, O> RunHandle<O> trigger(Workflow<I, O> workflow, I input, Duration delay) {
        long id = triggerRun(null, workflow.name(), input, delay, versionOnly(workflow));
        return new RunHandle<>(this, id, workflow.outputType());
    }

    /**
     * Starts a run with options: the message's (delay, priority, run key: see
     * {@link #trigger(Workflow, Object, EnqueueOptions)}), a deadline or a timeout. The run records the
     * definition's version.
     */
    public <I, O> RunHandle<O> trigger(Workflow<I, O> workflow, I input, RunOptions options) {
        TriggeredRun run = triggerRun(null, workflow.name(), input, options, workflow.version());
        return new RunHandle<>(this, run.runId(), workflow.outputType(), run.duplicate());
    }

    /** As {@link #trigger(Workflow, Object, RunOptions)} for a workflow known by name, recording the options' version. */
    public RunHandle<JsonNode> trigger(String workflow, Object input, RunOptions options) {
        TriggeredRun run = triggerRun(null, workflow, input, options, options.version());
        return new RunHandle<>(this, run.runId(), JsonNode.class, run.duplicate());
    }

    /** As {@link #trigger(String, Object, RunOptions)}, inside the caller's transaction. */
    public RunHandle<JsonNode> trigger(Connection connection, String workflow, Object input, RunOptions options) {
        TriggeredRun run = triggerRun(Objects.requireNonNull(connection, "connection"), workflow, input, options,
                options.version());
        return new RunHandle<>(this, run.runId(), JsonNode.class, run.duplicate());
    }

    private TriggeredRun triggerRun(Connection connection, String workflow, Object input, RunOptions options,
                                    String version) {
        WorkflowRow row = row(workflow, false);
        Payload p = payload(input);
        EnqueueOptions enqueue = options.enqueue();
        Integer priority = enqueue.priority() == 0 ? null : enqueue.priority();
        RunFields fields = new RunFields(version, options.deadline() == null ? null : options.deadline().toEpochMilli(),
                options.timeout() == null ? null : options.timeout().toMillis(), null, null, null, null);
        long t0 = System.nanoTime();
        TriggeredRun run = transitions.trigger(connection, row, p.message, p.input, enqueue.delay().toMillis(),
                enqueue.dedupKey(), priority, fields);
        engine.events().enqueued(workflow, run.duplicate() ? 0 : 1, System.nanoTime() - t0);
        return run;
    }

    private static RunFields versionOnly(Workflow<?, ?> workflow) {
        return new RunFields(workflow.version(), null, null, null, null, null, null);
    }

    /**
     * Starts a run inside the caller's transaction: it exists (and workers see it) only once the caller
     * commits. The workflow must have been registered before.
     */
    public <I, O> RunHandle<O> trigger(Connection connection, Workflow<I, O> workflow, I input) {
        long id = triggerRun(Objects.requireNonNull(connection, "connection"), workflow.name(), input, Duration.ZERO,
                versionOnly(workflow));
        return new RunHandle<>(this, id, workflow.outputType());
    }

    /**
     * Starts a run with options: a delay, a priority, and a run key (the options' dedup key). While a message of
     * the workflow's queue holds the key (the run is queued or running, or finished within the store's
     * {@code dedup_window}), a second trigger with it starts nothing and returns the handle of that run
     * ({@link RunHandle#isDuplicate()}). Race-safe across processes: the database's unique index decides.
     */
    public <I, O> RunHandle<O> trigger(Workflow<I, O> workflow, I input, EnqueueOptions options) {
        TriggeredRun run = triggerRun(null, workflow.name(), input, RunOptions.defaults().enqueue(options),
                workflow.version());
        return new RunHandle<>(this, run.runId(), workflow.outputType(), run.duplicate());
    }

    /** As {@link #trigger(Workflow, Object, EnqueueOptions)}, inside the caller's transaction. */
    public <I, O> RunHandle<O> trigger(Connection connection, Workflow<I, O> workflow, I input, EnqueueOptions options) {
        TriggeredRun run = triggerRun(Objects.requireNonNull(connection, "connection"), workflow.name(), input,
                RunOptions.defaults().enqueue(options), workflow.version());
        return new RunHandle<>(this, run.runId(), workflow.outputType(), run.duplicate());
    }

    /** As {@link #trigger(Workflow, Object, EnqueueOptions)}, for a workflow known by name only. */
    public RunHandle<JsonNode> trigger(String workflow, Object input, EnqueueOptions options) {
        TriggeredRun run = triggerRun(null, workflow, input, RunOptions.defaults().enqueue(options), null);
        return new RunHandle<>(this, run.runId(), JsonNode.class, run.duplicate());
    }

    /** As {@link #trigger(String, Object, EnqueueOptions)}, inside the caller's transaction. */
    public RunHandle<JsonNode> trigger(Connection connection, String workflow, Object input, EnqueueOptions options) {
        TriggeredRun run = triggerRun(Objects.requireNonNull(connection, "connection"), workflow, input,
                RunOptions.defaults().enqueue(options), null);
        return new RunHandle<>(this, run.runId(), JsonNode.class, run.duplicate());
    }

    /** Starts a run of a workflow known by name only (e.g. from a process that does not execute it). */
    public RunHandle<JsonNode> trigger(String workflow, Object input) {
        return trigger(workflow, input, Duration.ZERO);
    }

    /** As {@link #trigger(String, Object)}, taken by no worker before {@code delay} has passed. */
    public RunHandle<JsonNode> trigger(String workflow, Object input, Duration delay) {
        return new RunHandle<>(this, triggerRun(null, workflow, input, delay, RunFields.NONE), JsonNode.class);
    }

    /**
     * As {@link #trigger(String, Object, Duration)}, inside the caller's transaction (see
     * {@link #trigger(Connection, Workflow, Object)}). The workflow must have been registered before.
     */
    public RunHandle<JsonNode> trigger(Connection connection, String workflow, Object input, Duration delay) {
        long id = triggerRun(Objects.requireNonNull(connection, "connection"), workflow, input, delay, RunFields.NONE);
        return new RunHandle<>(this, id, JsonNode.class);
    }

    /**
     * Starts one run per input, all in one transaction: every run exists, or none does. Returns their handles
     * in the order of the inputs.
     */
    public List<RunHandle<JsonNode>> triggerAll(String workflow, List<?> inputs, Duration delay) {
        return engine.database().transaction("trigger runs of '" + workflow + "'", c -> triggerEach(c, workflow, inputs, delay));
    }

    /** As {@link #triggerAll(String, List, Duration)}, inside the caller's transaction. */
    public List<RunHandle<JsonNode>> triggerAll(Connection connection, String workflow, List<?> inputs, Duration delay) {
        return triggerEach(Objects.requireNonNull(connection, "connection"), workflow, inputs, delay);
    }

    private List<RunHandle<JsonNode>> triggerEach(Connection c, String workflow, List<?> inputs, Duration delay) {
        List<RunHandle<JsonNode>> handles = new ArrayList<>(inputs.size());
        for (Object input : inputs) {
            handles.add(new RunHandle<>(this, triggerRun(c, workflow, input, delay, RunFields.NONE), JsonNode.class));
        }
        return handles;
    }

    /**
     * One trigger: the message and the QUEUED run in one transaction (the caller's when
     * {@code connection} is given). Workers are woken as by an enqueue: see {@link WorkflowTransitions#trigger}.
     */
    private long triggerRun(Connection connection, String workflow, Object input, Duration delay, RunFields fields) {
        WorkflowRow row = row(workflow, false);
        long delayMillis = delay == null || delay.isNegative() ? 0 : delay.toMillis();
        Payload p = payload(input);
        long t0 = System.nanoTime();
        long runId = connection == null
                ? transitions.trigger(row, p.message, p.input, delayMillis, fields).runId()
                : transitions.trigger(connection, row, p.message, p.input, delayMillis, fields).runId();
        engine.events().enqueued(workflow, 1, System.nanoTime() - t0);
        return runId;
    }

    /** How runs executed on this store start child runs: of a registered workflow, with a validated payload. */
    ChildRuns.Triggers childTriggers() {
        return new ChildRuns.Triggers() {
            @Override
            public WorkflowRow workflow(String name) {
                return row(name, false);
            }

            @Override
            public String payload(Object input) {
                return Workflows.this.payload(input).message;
            }
        };
    }

    private record Payload(String message, String input) {
    }

    /**
     * The message payload {@code {"input": …}}, validated like any queue payload; the run keeps the same
     * document as its input, as pgqrs does.
     */
    private Payload payload(Object input) {
        JsonNode inputNode = store.codec().toTree(input);
        ObjectNode message = JsonNodeFactory.instance.objectNode();
        message.set("input", inputNode);
        String json = engine.validator().validate(message).json();
        return new Payload(json, json);
    }

    PayloadCodec codec() {
        return store.codec();
    }

    /** A handle on an existing run. */
    public <O> RunHandle<O> handle(long runId, Class<O> outputType) {
        return new RunHandle<>(this, runId, outputType);
    }

    // ---- workers ------------------------------------------------------------------------------------

    /** Starts a worker executing runs of {@code workflow} with default options (registers it first). */
    public WorkflowWorker startWorker(Workflow<?, ?> workflow) {
        return startWorker(workflow, WorkflowWorkerOptions.defaults());
    }

    @SuppressWarnings("unchecked")
    public WorkflowWorker startWorker(Workflow<?, ?> workflow, WorkflowWorkerOptions options) {
        if (closed || store.isClosed()) {
            throw new IllegalStateException("store is closed; open a new one to run workflow workers");
        }
        WorkflowRow row = row(workflow.name(), true);
        WorkflowWorker worker = new WorkflowWorker(this, store, transitions, (Workflow<Object, Object>) workflow, row,
                Objects.requireNonNull(options, "options"));
        workers.add(worker);
        try {
            return worker.start();
        } catch (RuntimeException e) {
            workers.remove(worker);
            throw e;
        }
    }

    void forget(WorkflowWorker worker) {
        workers.remove(worker);
    }

    /** Timers shared by this store's workers: lease extension and wake-ups of waiting runs. */
    ScheduledExecutorService scheduler() {
        ScheduledThreadPoolExecutor s = scheduler;
        if (s == null) {
            synchronized (this) {
                s = scheduler;
                if (s == null) {
                    s = new ScheduledThreadPoolExecutor(1, r -> {
                        Thread t = new Thread(r, "pgqrs-workflow-timer");
                        t.setDaemon(true);
                        return t;
                    });
                    s.setRemoveOnCancelPolicy(true);
                    scheduler = s;
                }
            }
        }
        return s;
    }

    /**
     * Writes the held step completions whose linger ended ({@link HeldStepCompletion}): off the timer thread, so a
     * slow or unreachable database never holds up the lease extensions and wake-ups that thread runs.
     */
    Executor lateCheckpoints() {
        ExecutorService e = lateCheckpoints;
        if (e == null) {
            synchronized (this) {
                e = lateCheckpoints;
                if (e == null) {
                    e = Executors.newCachedThreadPool(r -> {
                        Thread t = new Thread(r, "pgqrs-workflow-late-checkpoint");
                        t.setDaemon(true);
                        return t;
                    });
                    lateCheckpoints = e;
                }
            }
        }
        return e;
    }

    RunCompletions completions() {
        return completions;
    }

    // ---- retention ----------------------------------------------------------------------------------

    /**
     * Sets how long the workflow keeps its finished runs (SUCCESS, ERROR, CANCELLED, with their steps, events and
     * messages), replacing the store's defaults ({@code run_retention}, {@code run_max_count}) for it;
     * {@link Retention#FOREVER} keeps them all. Applied by the maintenance leader at its next retention pass.
     *
     * @throws WorkflowNotFoundException if the workflow was never registered
     */
    public void setRetention(String workflow, Retention retention) {
        if (retention == null) {
            throw new IllegalArgumentException("retention of workflow '" + workflow + "' is null; use Retention.FOREVER "
                    + "to keep everything, or clearRetention to fall back to the store's defaults");
        }
        long id = row(workflow, false).id();
        RetentionRepository retentionRows = new RetentionRepository(engine.database().dialect());
        engine.database().execute("set retention of workflow '" + workflow + "'", c -> {
            retentionRows.set(c, RetentionRepository.Owner.WORKFLOW, id, retention);
            return null;
        });
    }

    /** The workflow's own retention, or empty when it follows the store's defaults. */
    public Optional<Retention> retention(String workflow) {
        long id = row(workflow, false).id();
        RetentionRepository retentionRows = new RetentionRepository(engine.database().dialect());
        return engine.database().read("read retention of workflow '" + workflow + "'",
                c -> retentionRows.find(c, RetentionRepository.Owner.WORKFLOW, id));
    }

    /** Drops the workflow's own retention: it follows the store's defaults again. Returns whether it had one. */
    public boolean clearRetention(String workflow) {
        long id = row(workflow, false).id();
        RetentionRepository retentionRows = new RetentionRepository(engine.database().dialect());
        return engine.database().execute("clear retention of workflow '" + workflow + "'",
                c -> retentionRows.clear(c, RetentionRepository.Owner.WORKFLOW, id));
    }

    // ---- queries ------------------------------------------------------------------------------------

    /** Every workflow definition of the store (its name and the queue of its runs), by name. */
    public List<WorkflowInfo> list() {
        return engine.database().read("list workflows", c -> transitions.rows().listWorkflows(c));
    }

    /** The run a queue message carries, if it carries one (a workflow queue's message). */
    public Optional<RunInfo> findByMessage(long messageId) {
        return engine.database().read("read run of message " + messageId, c -> transitions.rows().runByMessage(c, messageId));
    }

    public Optional<RunInfo> find(long runId) {
        return engine.database().read("read run " + runId, c -> transitions.rows().run(c, runId));
    }

    /** The run; fails with {@link RunNotFoundException}. */
    public RunInfo get(long runId) {
        return find(runId).orElseThrow(() -> new RunNotFoundException(runId));
    }

    /** The run with its steps (status, attempts, output or error, timings). */
    public RunDetails details(long runId) {
        return engine.database().read("read run " + runId + " with steps", c -> {
            RunInfo run = transitions.rows().run(c, runId).orElseThrow(() -> new RunNotFoundException(runId));
            return new RunDetails(run, transitions.rows().steps(c, runId));
        });
    }

    /** The child runs a run started from its steps ({@link RunContext#runChild}), oldest first. */
    public List<RunInfo> children(long runId) {
        get(runId);
        return transitions.children(runId);
    }

    /**
     * Re-runs a finished run ({@code SUCCESS}, {@code ERROR} or {@code CANCELLED}) from one of its steps, in the style
     * of DBOS's {@code forkWorkflow}: a new run of the same workflow, input and version, linked to the old one
     * ({@link RunInfo#forkedFromRunId()}), whose steps recorded before {@code step} replay the old run's outputs
     * and which executes from {@code step} on. The old run is left as it is.
     *
     * @throws RunNotFoundException     if there is no such run
     * @throws IllegalRunStateException if the run has not finished
     * @throws IllegalArgumentException if the run recorded no step {@code step} (the message lists those it has)
     */
    public RunHandle<JsonNode> fork(long runId, String step) {
        WorkflowRow row = row(get(runId).workflow(), false);
        WorkflowTransitions.Fork fork = transitions.fork(runId, step, row);
        engine.wakeUps().visibleNow(row.queueId());
        return new RunHandle<>(this, fork.run().runId(), JsonNode.class);
    }

    /** As {@link #fork(long, String)}, its result read as the workflow's output type. */
    public <O> RunHandle<O> fork(Workflow<?, O> workflow, long runId, String step) {
        RunInfo old = get(runId);
        if (!old.workflow().equals(workflow.name())) {
            throw new IllegalArgumentException("run " + runId + " is a run of workflow '" + old.workflow() + "', not of '"
                    + workflow.name() + "'");
        }
        return handle(fork(runId, step).id(), workflow.outputType());
    }

    /** The newest runs of a workflow, at most {@code limit}. */
    public List<RunInfo> list(String workflow, int limit) {
        return list(workflow, null, limit);
    }

    /** The newest runs of a workflow in a status (any status when null), at most {@code limit}. */
    public List<RunInfo> list(String workflow, RunStatus status, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, was " + limit);
        }
        return engine.database().read("list runs of workflow '" + workflow + "'",
                c -> transitions.rows().listRuns(c, workflow, status, limit));
    }

    // ---- control ------------------------------------------------------------------------------------

    /**
     * Cancels a run, in two phases as pgqrs does: the run becomes {@code CANCELLING} and a worker makes it
     * {@code CANCELLED}. A worker executing it lets the step in flight finish (its result is recorded) but
     * starts no new step; a run no worker holds (queued, waiting, paused) is finalised by the next worker
     * that picks it up — at once, its message being made visible — without running any of its code. A
     * finished run is left as it is.
     *
     * <p>Its child runs ({@link RunContext#runChild}) are cancelled too, and theirs, each recording the reason.
     *
     * @return the run's status after the call: {@code CANCELLING}, or the finished status it already had
     */
    public RunStatus cancel(long runId) {
        WorkflowTransitions.Cancellation c = transitions.cancel(runId, null);
        if (c.queueToWake() != null) {
            engine.wakeUps().visibleNow(c.queueToWake());
        }
        if (c.status() == RunStatus.CANCELLING) {
            transitions.cancelChildren(runId);
        }
        return c.status();
    }

    /**
     * Resumes a {@code PAUSED} run: its pause ends now and a worker continues it.
     *
     * @return true if the run was paused; false if it was not (queued, running or cancelling)
     * @throws IllegalRunStateException if the run has finished
     */
    public boolean resume(long runId) {
        Optional<Long> queue = transitions.resume(runId);
        queue.ifPresent(q -> engine.wakeUps().visibleNow(q));
        return queue.isPresent();
    }

    /**
     * Sends an event to a run under a topic: stored durably, received by the run's next
     * {@link RunContext#recv recv(topic)} (oldest first), waking the run if it is waiting.
     *
     * @throws RunNotFoundException     if there is no such run
     * @throws IllegalRunStateException if the run has finished
     */
    public void send(long runId, String topic, Object value) {
        if (topic == null || topic.isEmpty() || topic.length() > 255) {
            throw new IllegalArgumentException("event topic must be 1 to 255 characters, was '" + topic + "'");
        }
        String json = value == null ? null : store.codec().write(value);
        transitions.send(runId, topic, json).ifPresent(q -> engine.wakeUps().visibleNow(q));
    }

    /** Stops this store's workflow workers (each lets its runs reach a step boundary) and the timers. */
    @Override
    public void close() {
        closed = true;
        for (WorkflowWorker worker : List.copyOf(workers)) {
            try {
                worker.close();
            } catch (RuntimeException e) {
                LOG.warn("closing {} failed: {}", worker, e.getMessage());
            }
        }
        ScheduledThreadPoolExecutor s = scheduler;
        if (s != null) {
            s.shutdownNow();
        }
        ExecutorService late = lateCheckpoints;
        if (late != null) {
            late.shutdown(); // a write under way finishes: it is a step's completion
        }
    }
}
