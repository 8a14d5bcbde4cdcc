package dev.pgqrs.store;

import dev.pgqrs.workflow.RunInfo;
import dev.pgqrs.workflow.RunStatus;
import dev.pgqrs.workflow.StepInfo;
import dev.pgqrs.workflow.WorkflowInfo;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Workflow statements, written once for every backend: the SQL comes from {@link WorkflowSql} (or is
 * below, where both backends read the same), bound in the documented order. Each method is one
 * statement on the caller's connection; {@code dev.pgqrs.workflow} composes them into transactions.
 */
public final class WorkflowRepository {

    /** The columns of a {@link RunInfo}, in order; {@code wake_at} is the message's visibility while given back. */
    public static final String RUN_COLUMNS = """
            r.id, w.name, r.status, r.input, r.output, r.error, r.created_at, r.updated_at, r.started_at,
            r.paused_at, r.completed_at, m.consumer_worker_id, r.message_id,
            CASE WHEN m.archived_at IS NULL AND m.consumer_worker_id IS NULL THEN m.vt END,
            r.version, r.deadline_at, r.parent_run_id, r.parent_step, r.forked_from_run_id, r.forked_from_step""";

    public static final String RUN_FROM = """
            pgqrs_workflow_runs r
            JOIN pgqrs_workflows w ON w.id = r.workflow_id
            LEFT JOIN pgqrs_messages m ON m.id = r.message_id""";

    private static final String STEP_COLUMNS = """
            id, step_name, status, input, output, error, retry_count, retry_at, last_retry_at, created_at,
            updated_at, started_at, completed_at""";

    private static final String FIND_WORKFLOW = "SELECT id, name, queue_id FROM pgqrs_workflows WHERE name = ?";
    private static final String INSERT_WORKFLOW =
            "INSERT INTO pgqrs_workflows (name, queue_id) VALUES (?, ?) ON CONFLICT (name) DO NOTHING";
    private static final String RUN_BY_ID = "SELECT " + RUN_COLUMNS + " FROM " + RUN_FROM + " WHERE r.id = ?";
    private static final String LIST_RUNS = "SELECT " + RUN_COLUMNS + " FROM " + RUN_FROM
            + " WHERE w.name = ? ORDER BY r.id DESC LIMIT ?";
    private static final String STEPS_OF_RUN = "SELECT " + STEP_COLUMNS + " FROM pgqrs_workflow_steps WHERE run_id = ? ORDER BY id";
    private static final String STEP = "SELECT " + STEP_COLUMNS + " FROM pgqrs_workflow_steps WHERE run_id = ? AND step_name = ?";
    private static final String RUN_BY_MESSAGE =
            "SELECT id, status, version, parent_run_id FROM pgqrs_workflow_runs WHERE message_id = ?";
    private static final String CHILDREN = "SELECT " + RUN_COLUMNS + " FROM " + RUN_FROM
            + " WHERE r.parent_run_id = ? ORDER BY r.id";
    // A fork replays the old run's recorded results before its fork step: they are copied, as recorded, to the
    // new run (the runtime's own records, run:attempts and run:recoveries, are the old run's and stay there).
    private static final String COPY_STEPS_BEFORE = """
            INSERT INTO pgqrs_workflow_steps (run_id, step_name, status, input, output, started_at, completed_at)
            SELECT ?, s.step_name, s.status, s.input, s.output, s.started_at, s.completed_at
            FROM pgqrs_workflow_steps s
            WHERE s.run_id = ? AND s.id < ? AND s.status = 'SUCCESS'
              AND s.step_name NOT IN ('run:attempts', 'run:recoveries')""";
    private static final String RUN_STATUS = "SELECT status, deadline_at FROM pgqrs_workflow_runs WHERE id = ?";
    private static final String LIST_WORKFLOWS = """
            SELECT w.id, w.name, q.queue_name, w.created_at
            FROM pgqrs_workflows w JOIN pgqrs_queues q ON q.id = w.queue_id
            ORDER BY w.name""";
    private static final String RUN_BY_MESSAGE_ID = "SELECT " + RUN_COLUMNS + " FROM " + RUN_FROM + " WHERE r.message_id = ?";
    private static final String OWNS_MESSAGE =
            "SELECT 1 FROM pgqrs_messages WHERE id = ? AND consumer_worker_id = ? AND archived_at IS NULL";

    public record WorkflowRow(long id, String name, long queueId) {
    }

    /** A message the dequeue returned; dead-lettered ones are reported so their runs can be failed. */
    /**
     * A message a claim leased; {@code recovered}: the delivery took over a lease that had run out (its
     * worker crashed or lost it), as opposed to a message nobody held.
     */
    public record LeasedMessage(long id, String payloadJson, int readCount, boolean deadLettered, boolean recovered,
                                String headersJson) {
    }

    /** A run a worker just started (or continued): {@code dbNow} anchors due-time checks to the database clock. */
    public record StartedRun(long runId, long messageId, long workflowId, String inputJson, boolean hasSteps,
                             Instant dbNow, Instant deadlineAt, Long parentRunId) {
    }

    /** A message a claim leased, with its run if the claim could start it. */
    public record ClaimedMessage(LeasedMessage message, StartedRun run) {
    }

    /** A trigger's run; {@code duplicate}: the run key was held, and this is the run that holds it. */
    public record TriggeredRun(long runId, long messageId, boolean duplicate) {

        public TriggeredRun(long runId, long messageId) {
            this(runId, messageId, false);
        }
    }

    /** A run as a claim meets it: its status, the version that started it and its parent (each nullable). */
    public record RunRef(long id, RunStatus status, String version, Long parentRunId) {
    }

    /**
     * What a trigger records on a run besides its input, each nullable: the definition's version, a deadline
     * (epoch millis) and a timeout counted from the run's start, the parent run and step of a child, the run
     * and step a fork starts from.
     */
    public record RunFields(String version, Long deadlineEpochMillis, Long timeoutMillis, Long parentRunId,
                            String parentStep, Long forkedFromRunId, String forkedFromStep) {

        public static final RunFields NONE = new RunFields(null, null, null, null, null, null, null);

        /** Binds the seven fields from {@code first} on, in the order above; returns the next index. */
        public int bind(java.sql.PreparedStatement ps, int first) throws SQLException {
            ps.setString(first, version);
            Jdbc.setNullableLong(ps, first + 1, deadlineEpochMillis);
            Jdbc.setNullableLong(ps, first + 2, timeoutMillis);
            Jdbc.setNullableLong(ps, first + 3, parentRunId);
            ps.setString(first + 4, parentStep);
            Jdbc.setNullableLong(ps, first + 5, forkedFromRunId);
            ps.setString(first + 6, forkedFromStep);
            return first + 7;
        }
    }

    public record LockedRun(RunStatus status, long messageId, long queueId, String workflow) {
    }

    public record ReceivedEvent(long id, String payloadJson) {
    }

    private final Dialect dialect;
    private final MessageRepository messages;
    private final String countRecovery;
    private final WorkflowSql sql;
    private final QueueSettingsCache queueSettings;

    public WorkflowRepository(Dialect dialect, QueueSettingsCache queueSettings) {
        this.dialect = dialect;
        this.queueSettings = queueSettings;
        this.sql = dialect.workflowSql();
        this.messages = new MessageRepository(dialect);
        this.countRecovery = """
                INSERT INTO pgqrs_workflow_steps (run_id, step_name, status, retry_count)
                VALUES (?, 'run:recoveries', 'RUNNING', 1)
                ON CONFLICT (run_id, step_name) DO UPDATE
                SET retry_count = pgqrs_workflow_steps.retry_count + 1, updated_at = %s
                RETURNING retry_count""".formatted(dialect.now());
    }

    // ---- definitions ------------------------------------------------------------------------

    public Optional<WorkflowRow> findWorkflow(Connection c, String name) throws SQLException {
        return Jdbc.queryOne(c, FIND_WORKFLOW, ps -> ps.setString(1, name),
                rs -> new WorkflowRow(rs.getLong(1), rs.getString(2), rs.getLong(3)));
    }

    public List<WorkflowInfo> listWorkflows(Connection c) throws SQLException {
        return Jdbc.query(c, LIST_WORKFLOWS, StatementBinder.NONE,
                rs -> new WorkflowInfo(rs.getLong(1), rs.getString(2), rs.getString(3), dialect.readInstant(rs, 4)));
    }

    public Optional<RunInfo> runByMessage(Connection c, long messageId) throws SQLException {
        return Jdbc.queryOne(c, RUN_BY_MESSAGE_ID, ps -> ps.setLong(1, messageId), this::mapRun);
    }

    public void insertWorkflow(Connection c, String name, long queueId) throws SQLException {
        Jdbc.update(c, INSERT_WORKFLOW, ps -> {
            ps.setString(1, name);
            ps.setLong(2, queueId);
        });
    }

    // ---- runs ----------------------------------------------------------------------------------

    /** Inserts the QUEUED run of a message; empty if the message has a run already. */
    public Optional<Long> insertRun(Connection c, long workflowId, long messageId, String inputJson) throws SQLException {
        return Jdbc.queryOne(c, sql.insertRun(), ps -> {
            ps.setLong(1, workflowId);
            ps.setLong(2, messageId);
            ps.setString(3, inputJson);
        }, rs -> rs.getLong(1));
    }

    /** Runs a trigger or a finish atomically (see {@link WorkflowSql#atomically}). */
    public <T> T atomically(Database database, String what, SqlWork<T> work) {
        return sql.atomically(database, what, work);
    }

    /** See {@link WorkflowSql#trigger}; {@code notifyChannel} null for no notification. */
    public TriggeredRun trigger(Connection c, long queueId, long workflowId, String payloadJson, String inputJson,
                                long delayMillis, RunFields fields, String notifyChannel, String notifyPayload)
            throws SQLException {
        return sql.trigger(c, queueId, workflowId, payloadJson, inputJson, delayMillis, fields, notifyChannel,
                notifyPayload);
    }

    private static final String RUN_BY_KEY = """
            SELECT m.id, r.id FROM pgqrs_messages m LEFT JOIN pgqrs_workflow_runs r ON r.message_id = m.id
            WHERE m.queue_id = ? AND m.dedup_key = ?""";

    /**
     * A trigger with a run key (and a priority, each nullable): when a message of the workflow's queue holds the
     * key, nothing is inserted and the run of that message is returned as a duplicate. Race-safe: the unique index
     * on the key decides (see {@link MessageRepository#insertWithOptions}).
     */
    public TriggeredRun triggerWithOptions(Connection c, long queueId, long workflowId, String payloadJson,
                                           String inputJson, long delayMillis, String runKey, Integer priority,
                                           RunFields fields, String notifyChannel, String notifyPayload)
            throws SQLException {
        if (priority != null) {
            queueSettings.requirePrioritized(c, queueId);
        }
        for (int attempt = 1; ; attempt++) {
            Optional<TriggeredRun> run = sql.triggerWithOptions(c, queueId, workflowId, payloadJson, inputJson, delayMillis,
                    runKey, priority, fields, notifyChannel, notifyPayload);
            if (run.isPresent()) {
                return run.get();
            }
            Optional<TriggeredRun> holder = Jdbc.queryOne(c, RUN_BY_KEY, ps -> {
                ps.setLong(1, queueId);
                ps.setString(2, runKey);
            }, rs -> {
                long messageId = rs.getLong(1);
                long runId = rs.getLong(2);
                if (rs.wasNull()) {
                    throw new SQLException("run key '" + runKey + "' is held by message " + messageId
                            + " of the workflow's queue, which carries no run (it was enqueued to the queue directly)");
                }
                return new TriggeredRun(runId, messageId, true);
            });
            if (holder.isPresent()) {
                return holder.get();
            }
            if (attempt >= 5) {
                throw new SQLException("the run holding run key '" + runKey + "' was removed each time it was met ("
                        + attempt + " attempts): retry the trigger");
            }
        }
    }

    /** Notifies {@code channel} on the caller's transaction (delivered on commit); only where the backend has notifications. */
    public void notify(Connection c, String channel, String payload) throws SQLException {
        Jdbc.queryOne(c, dialect.notifyStatement(), ps -> {
            ps.setString(1, channel);
            ps.setString(2, payload);
        }, rs -> null);
    }

    /**
     * {@code version}: the worker's; messages whose run has another version are not leased (see
     * {@link WorkflowSql#claim}).
     */
    public List<ClaimedMessage> claim(Connection c, long queueId, int limit, int maxReadCount, long leaseMillis,
                                      long workerId, String version) throws SQLException {
        // A workflow's queue has no limits (Queues.setLimits refuses them): runs are claimed by its other settings.
        return sql.claim(c, queueId, queueSettings.of(c, queueId).withLimited(false), limit, maxReadCount, leaseMillis,
                workerId, version);
    }

    public Optional<RunStatus> finishAndArchive(Connection c, long runId, long messageId, int readCount, long workerId,
                                                RunStatus status,
                                                String outputJson, String errorJson) throws SQLException {
        return sql.finishAndArchive(c, runId, messageId, readCount, workerId, status, outputJson, errorJson);
    }

    /** Records a step's success and finishes the run after it ({@link WorkflowSql#completeStepAndFinish}). */
    public Optional<RunStatus> completeStepAndFinish(Connection c, long runId, String step, String stepOutputJson,
                                                     long elapsedMillis, long messageId, int readCount, long workerId,
                                                     RunStatus status, String outputJson) throws SQLException {
        return sql.completeStepAndFinish(c, runId, step, stepOutputJson, elapsedMillis, messageId, readCount, workerId,
                status, outputJson);
    }

    /** Renews the leases of run messages a worker holds (the queue's own renewal, fenced on the delivery). */
    public List<Lease> extendLeases(Connection c, Deliveries held, long workerId, long visibilityMillis)
            throws SQLException {
        return messages.renew(c, held, workerId, visibilityMillis);
    }

    public List<StartedRun> startRuns(Connection c, Collection<Long> messageIds, String version) throws SQLException {
        return startRuns(c, dialect, sql.startRuns(), messageIds, version);
    }

    /** Runs {@link WorkflowSql#startRuns()}; shared with the backends' claims. */
    public static List<StartedRun> startRuns(Connection c, Dialect dialect, String startRunsSql, Collection<Long> messageIds,
                                             String version) throws SQLException {
        return Jdbc.query(c, startRunsSql, ps -> {
            dialect.bindIds(c, ps, 1, messageIds);
            ps.setString(2, version);
        }, rs -> new StartedRun(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getString(4), rs.getBoolean(5),
                dialect.readInstant(rs, 6), dialect.readInstant(rs, 7), Jdbc.nullableLong(rs, 8)));
    }

    /** Maps a row of the queue's dequeue ({@link Dialect#messageColumns()} order); {@code takenOver}: recovered ids. */
    public static LeasedMessage leasedMessage(ResultSet rs, java.util.Set<Long> takenOver) throws SQLException {
        long id = rs.getLong(1);
        return new LeasedMessage(id, rs.getString(2), rs.getInt(5), rs.getString(10) != null, takenOver.contains(id),
                rs.getString(15));
    }

    /** A run's status and deadline, as a step boundary checks them. */
    public record RunState(RunStatus status, Instant deadlineAt) {
    }

    /** The run's status and deadline, if there is such a run. */
    public Optional<RunState> runStatus(Connection c, long runId) throws SQLException {
        return Jdbc.queryOne(c, RUN_STATUS, ps -> ps.setLong(1, runId),
                rs -> new RunState(RunStatus.fromSql(rs.getString(1)), dialect.readInstant(rs, 2)));
    }

    public Optional<RunRef> runOfMessage(Connection c, long messageId) throws SQLException {
        return Jdbc.queryOne(c, RUN_BY_MESSAGE, ps -> ps.setLong(1, messageId),
                rs -> new RunRef(rs.getLong(1), RunStatus.fromSql(rs.getString(2)), rs.getString(3),
                        Jdbc.nullableLong(rs, 4)));
    }

    /** The runs a run started from its steps, oldest first. */
    public List<RunInfo> children(Connection c, long runId) throws SQLException {
        return Jdbc.query(c, CHILDREN, ps -> ps.setLong(1, runId), this::mapRun);
    }

    /** Copies the old run's completed steps recorded before the step with id {@code beforeStepId} to a fork. */
    public int copyStepsBefore(Connection c, long fromRunId, long beforeStepId, long toRunId) throws SQLException {
        return Jdbc.update(c, COPY_STEPS_BEFORE, ps -> {
            ps.setLong(1, toRunId);
            ps.setLong(2, fromRunId);
            ps.setLong(3, beforeStepId);
        });
    }

    /** Requests cancellation with a reason (nullable: none), kept as the run's error once it is CANCELLED. */
    public void requestCancel(Connection c, long runId, String reasonJson) throws SQLException {
        Jdbc.update(c, sql.requestCancel(), ps -> {
            ps.setString(1, reasonJson);
            ps.setLong(2, runId);
        });
    }

    /**
     * A child run finished: the parent's step waiting for it becomes due and the parent's message visible (the
     * parent's message is locked first, as every transaction of the parent locks it before its run and steps).
     */
    public boolean wakeParent(Connection c, long parentRunId, long childRunId) throws SQLException {
        Optional<Long> parentMessage = Jdbc.queryOne(c, sql.lockMessageOfRun(), ps -> ps.setLong(1, parentRunId),
                rs -> rs.getLong(1));
        if (parentMessage.isEmpty()) {
            return false;
        }
        Jdbc.update(c, sql.wakeChildWait(), ps -> {
            ps.setLong(1, parentRunId);
            ps.setLong(2, childRunId);
        });
        return wakeMessage(c, parentMessage.get());
    }

    /** Gives a run of another version back to the queue, visible after {@code delayMillis}, its delivery not counted. */
    public boolean giveBackLater(Connection c, long messageId, long workerId, long delayMillis) throws SQLException {
        return Jdbc.queryOne(c, sql.giveBackLater(), ps -> {
            ps.setLong(1, messageId);
            ps.setLong(2, workerId);
            ps.setLong(3, delayMillis);
        }, rs -> true).orElse(false);
    }

    /**
     * Locks a run for a change requested from outside (cancel, resume, send): its message first, then
     * the run (the lock order every transaction follows). Empty if there is no such run.
     */
    public Optional<LockedRun> lockRun(Connection c, long runId) throws SQLException {
        Jdbc.queryOne(c, sql.lockMessageOfRun(), ps -> ps.setLong(1, runId), rs -> rs.getLong(1));
        return Jdbc.queryOne(c, sql.lockRun(), ps -> ps.setLong(1, runId),
                rs -> new LockedRun(RunStatus.fromSql(rs.getString(1)), rs.getLong(2), rs.getLong(3), rs.getString(4)));
    }

    /** Locks the run's message for a change by the worker that owns it; false if it does not own it any more. */
    public boolean lockOwnedMessage(Connection c, long messageId, long workerId) throws SQLException {
        return Jdbc.queryOne(c, sql.lockOwnedMessage(), ps -> {
            ps.setLong(1, messageId);
            ps.setLong(2, workerId);
        }, rs -> true).orElse(false);
    }

    /**
     * Sets the status (and the run's error, when {@code errorJson} is given: a pause's) unless the run is
     * CANCELLING; returns the status it has afterwards.
     */
    public RunStatus markRun(Connection c, long runId, RunStatus status, String errorJson) throws SQLException {
        return Jdbc.queryOne(c, sql.markRun(), ps -> {
            ps.setString(1, status.name());
            ps.setLong(2, runId);
            ps.setString(3, errorJson);
        }, rs -> RunStatus.fromSql(rs.getString(1))).orElseThrow(() -> new SQLException("run " + runId + " vanished"));
    }

    public void setRunStatus(Connection c, long runId, RunStatus status) throws SQLException {
        Jdbc.update(c, sql.setRunStatus(), ps -> {
            ps.setString(1, status.name());
            ps.setLong(2, runId);
        });
    }

    public int failRunOfMessage(Connection c, long messageId, String errorJson) throws SQLException {
        return Jdbc.update(c, sql.failRunOfMessage(), ps -> {
            ps.setString(1, errorJson);
            ps.setLong(2, messageId);
        });
    }

    public Optional<RunInfo> run(Connection c, long runId) throws SQLException {
        return Jdbc.queryOne(c, RUN_BY_ID, ps -> ps.setLong(1, runId), this::mapRun);
    }

    public List<RunInfo> listRuns(Connection c, String workflow, RunStatus status, int limit) throws SQLException {
        if (status == null) {
            return Jdbc.query(c, LIST_RUNS, ps -> {
                ps.setString(1, workflow);
                ps.setInt(2, limit);
            }, this::mapRun);
        }
        return Jdbc.query(c, sql.listRunsWithStatus(), ps -> {
            ps.setString(1, workflow);
            ps.setString(2, status.name());
            ps.setInt(3, limit);
        }, this::mapRun);
    }

    // ---- steps ---------------------------------------------------------------------------------

    public List<StepInfo> steps(Connection c, long runId) throws SQLException {
        return Jdbc.query(c, STEPS_OF_RUN, ps -> ps.setLong(1, runId), this::mapStep);
    }

    public Optional<StepInfo> step(Connection c, long runId, String name) throws SQLException {
        return Jdbc.queryOne(c, STEP, ps -> {
            ps.setLong(1, runId);
            ps.setString(2, name);
        }, this::mapStep);
    }

    /** Binds a step success's params 1–6 ({@link WorkflowSql#completeStep}, and the start of the finish after a step). */
    public static void bindStepSuccess(PreparedStatement ps, long runId, String step, String outputJson, long elapsedMillis,
                                       long messageId, long workerId) throws SQLException {
        ps.setLong(1, runId);
        ps.setString(2, step);
        ps.setString(3, outputJson);
        ps.setLong(4, elapsedMillis);
        ps.setLong(5, messageId);
        ps.setLong(6, workerId);
    }

    /**
     * Records a step's success if the worker still owns the run's message and the step is not recorded
     * already. Returns the run's status and deadline (for the step boundary's checks), or empty when nothing
     * was written.
     */
    public Optional<RunState> completeStep(Connection c, long runId, String step, String outputJson, long elapsedMillis,
                                           long messageId, long workerId) throws SQLException {
        return Jdbc.queryOne(c, sql.completeStep(), ps -> {
            bindStepSuccess(ps, runId, step, outputJson, elapsedMillis, messageId, workerId);
        }, rs -> new RunState(RunStatus.fromSql(rs.getString(1)), dialect.readInstant(rs, 2)));
    }

    /**
     * Records a failed attempt or a wait. {@code delayMillis} null means no {@code retry_at}: a final
     * error, or a pause until resumed. Null {@code inputJson}/{@code errorJson} keep the stored value.
     */
    public void recordStepState(Connection c, long runId, String step, RunStatus status, String inputJson,
                                String errorJson, int retryCount, Long delayMillis, long elapsedMillis, int attempt)
            throws SQLException {
        Jdbc.update(c, sql.recordStepState(), ps -> {
            ps.setLong(1, runId);
            ps.setString(2, step);
            ps.setString(3, status.name());
            ps.setString(4, inputJson);
            ps.setString(5, errorJson);
            ps.setInt(6, retryCount);
            Jdbc.setNullableLong(ps, 7, delayMillis);
            ps.setLong(8, elapsedMillis);
            ps.setInt(9, attempt);
        });
    }

    public int resumePauseSteps(Connection c, long runId) throws SQLException {
        return Jdbc.update(c, sql.resumePauseSteps(), ps -> ps.setLong(1, runId));
    }

    // ---- the run's message --------------------------------------------------------------------

    public boolean ownsMessage(Connection c, long messageId, long workerId) throws SQLException {
        return Jdbc.queryOne(c, OWNS_MESSAGE, ps -> {
            ps.setLong(1, messageId);
            ps.setLong(2, workerId);
        }, rs -> true).orElse(false);
    }

    /** Gives the owned message back until the step is due; empty if the worker no longer owns it. */
    /** Where a give-back left the message: visible again at {@code wakeAt}, or parked (null) until woken. */
    public record GivenBack(Instant wakeAt) {
    }

    /** Empty if the worker no longer held the message. */
    public Optional<GivenBack> giveBackUntilStepDue(Connection c, long runId, String step, long messageId, long workerId)
            throws SQLException {
        return Jdbc.queryOne(c, sql.giveBackUntilStepDue(), ps -> {
            ps.setLong(1, runId);
            ps.setString(2, step);
            ps.setLong(3, messageId);
            ps.setLong(4, workerId);
        }, rs -> new GivenBack(dialect.readInstant(rs, 1)));
    }

    /** Counts one more delivery of the run that took over a lease its worker had lost; returns the count. */
    public int countRecovery(Connection c, long runId) throws SQLException {
        return (int) Jdbc.queryLong(c, countRecovery, ps -> ps.setLong(1, runId));
    }

    public boolean giveBackNow(Connection c, long messageId, long workerId) throws SQLException {
        return Jdbc.queryOne(c, sql.giveBackNow(), ps -> {
            ps.setLong(1, messageId);
            ps.setLong(2, workerId);
        }, rs -> true).orElse(false);
    }

    /** Archives the message if the worker owns it. */
    public boolean archiveOwned(Connection c, long messageId, long workerId) throws SQLException {
        return !Jdbc.query(c, dialect.archive(), ps -> {
            dialect.bindIds(c, ps, 1, List.of(messageId));
            ps.setLong(2, workerId);
        }, rs -> rs.getLong(1)).isEmpty();
    }

    /** Archives the message unless a live lease holds it. */
    public boolean archiveUnleased(Connection c, long messageId) throws SQLException {
        return Jdbc.queryOne(c, sql.archiveUnleased(), ps -> ps.setLong(1, messageId), rs -> true).orElse(false);
    }

    public boolean wakeMessage(Connection c, long messageId) throws SQLException {
        return Jdbc.update(c, sql.wakeMessage(), ps -> ps.setLong(1, messageId)) > 0;
    }

    // ---- events --------------------------------------------------------------------------------

    public long insertEvent(Connection c, long runId, String topic, String payloadJson) throws SQLException {
        return Jdbc.queryLong(c, sql.insertEvent(), ps -> {
            ps.setLong(1, runId);
            ps.setString(2, topic);
            ps.setString(3, payloadJson);
        });
    }

    /** Consumes the oldest unconsumed event of the topic, naming the step that received it. */
    public Optional<ReceivedEvent> consumeEvent(Connection c, long runId, String topic, String step) throws SQLException {
        return Jdbc.queryOne(c, sql.consumeEvent(), ps -> {
            ps.setString(1, step);
            ps.setLong(2, runId);
            ps.setString(3, topic);
        }, rs -> new ReceivedEvent(rs.getLong(1), rs.getString(2)));
    }

    // ---- mapping -------------------------------------------------------------------------------

    private RunInfo mapRun(ResultSet rs) throws SQLException {
        return new RunInfo(rs.getLong(1), rs.getString(2), RunStatus.fromSql(rs.getString(3)), rs.getString(4),
                rs.getString(5), rs.getString(6), dialect.readInstant(rs, 7), dialect.readInstant(rs, 8),
                dialect.readInstant(rs, 9), dialect.readInstant(rs, 10), dialect.readInstant(rs, 11),
                Jdbc.nullableLong(rs, 12), rs.getLong(13), dialect.readInstant(rs, 14), rs.getString(15),
                dialect.readInstant(rs, 16), Jdbc.nullableLong(rs, 17), rs.getString(18), Jdbc.nullableLong(rs, 19),
                rs.getString(20));
    }

    private StepInfo mapStep(ResultSet rs) throws SQLException {
        return new StepInfo(rs.getLong(1), rs.getString(2), RunStatus.fromSql(rs.getString(3)), rs.getString(4),
                rs.getString(5), rs.getString(6), rs.getInt(7), dialect.readInstant(rs, 8), dialect.readInstant(rs, 9),
                dialect.readInstant(rs, 10), dialect.readInstant(rs, 11), dialect.readInstant(rs, 12),
                dialect.readInstant(rs, 13));
    }
}
