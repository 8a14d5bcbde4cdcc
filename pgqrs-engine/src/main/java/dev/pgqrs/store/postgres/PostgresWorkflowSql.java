package dev.pgqrs.store.postgres;

import dev.pgqrs.store.Database;
import dev.pgqrs.store.Deliveries;
import dev.pgqrs.store.Lease;
import dev.pgqrs.store.Dialect;
import dev.pgqrs.store.QueueSettings;
import dev.pgqrs.store.Jdbc;
import dev.pgqrs.store.MessageRepository;
import dev.pgqrs.store.SqlWork;
import dev.pgqrs.store.WorkflowRepository;
import dev.pgqrs.store.WorkflowRepository.ClaimedMessage;
import dev.pgqrs.store.WorkflowRepository.RunFields;
import dev.pgqrs.store.WorkflowRepository.StartedRun;
import dev.pgqrs.store.WorkflowRepository.TriggeredRun;
import dev.pgqrs.store.WorkflowSql;
import dev.pgqrs.workflow.RunStatus;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/**
 * Workflow statements for PostgreSQL. Values used twice, or needing a type, come in through a
 * one-row derived table {@code a}, so every parameter is bound once and in the documented order.
 *
 * <p>Trigger, claim and finish are single statements wrapped around the queue's own enqueue, dequeue
 * and archive (from {@link Dialect}), so the message semantics live in one place and each of these
 * writes is one round trip.
 */
public final class PostgresWorkflowSql implements WorkflowSql {

    // After the queue's enqueue (params: queue_id, payload, delay ms, producer): workflow_id, input, then the
    // run's fields (RunFields order): version, deadline (epoch ms), timeout ms, parent run and step, fork's run and step.
    private static final String RUN_VALUES = """
            INSERT INTO pgqrs_workflow_runs (workflow_id, message_id, status, input, version, deadline_at, timeout_ms,
                                             parent_run_id, parent_step, forked_from_run_id, forked_from_step)
            SELECT ?, m.id, 'QUEUED', ?::jsonb, ?::text, to_timestamp(?::bigint / 1000.0), ?::bigint, ?::bigint, ?::text,
                   ?::bigint, ?::text""";

    private static final String TRIGGER_AFTER_ENQUEUE = RUN_VALUES + """

            FROM m
            RETURNING id, message_id""";

    // As above, then channel, payload: pg_notify in a FROM subquery runs once (as in the notifying enqueue).
    private static final String TRIGGER_NOTIFYING_AFTER_ENQUEUE = RUN_VALUES + """

            FROM m, (SELECT pg_notify(?, ?)) AS notified
            RETURNING id, message_id""";

    // A run with a timeout gets its deadline at its first start: started_at + timeout, or its own if earlier
    // (least ignores a NULL deadline). A run without one keeps what it has.
    private static final String DEADLINE_AT_START = """
            deadline_at = CASE WHEN r.timeout_ms IS NULL THEN r.deadline_at
                               ELSE least(r.deadline_at, coalesce(r.started_at, now()) + r.timeout_ms * interval '1 millisecond') END""";

    // A worker leases only messages whose run it may execute: of its version, of none, or not made yet (a message
    // another edition enqueued). Leasing another version's run and giving it back would hide it, for the give-back's
    // delay, from the workers that have that version: they would find it only in the moments between two such leases.
    // A scalar subquery, not NOT EXISTS: it stays a probe of the run's message_id index per candidate, where an
    // anti-join could be planned as a hash of every run.
    private static final String OF_THE_WORKERS_VERSION = """
            coalesce((SELECT r.version FROM pgqrs_workflow_runs r WHERE r.message_id = m.id), (SELECT version FROM w))
                IS NOT DISTINCT FROM (SELECT version FROM w)""";

    // After the queue's dequeue (params: the worker's version in `w`, then max_read_ct, queue_id, limit, lease ms,
    // worker id). The run's worker_id stays NULL, as pgqrs leaves it: the worker is the message's consumer.
    private static final String CLAIM_AFTER_DEQUEUE = """
            started AS (
                UPDATE pgqrs_workflow_runs r
                SET status = 'RUNNING', started_at = coalesce(r.started_at, now()), updated_at = now(),
                    %s
                FROM leased l
                WHERE r.message_id = l.id AND l.dead_lettered_at IS NULL AND r.status IN ('QUEUED', 'RUNNING', 'PAUSED')
                  AND (r.version IS NULL OR r.version = (SELECT version FROM w))
                RETURNING r.id, r.message_id, r.workflow_id, r.input::text AS input,
                          EXISTS (SELECT 1 FROM pgqrs_workflow_steps s WHERE s.run_id = r.id) AS has_steps,
                          r.deadline_at, r.parent_run_id
            )
            SELECT l.id, l.payload, l.read_ct, l.dead_lettered_at IS NOT NULL,
                   s.id, s.workflow_id, s.input, s.has_steps, now(), l.recovered, s.deadline_at, s.parent_run_id,
                   l.headers
            FROM leased l LEFT JOIN started s ON s.message_id = l.id""".formatted(DEADLINE_AT_START);

    // After the queue's archive (params: ids, worker id): status, output, error, run_id. A cancelled run keeps
    // the reason its cancellation was requested with (NULL for a plain cancel).
    private static final String FINISH_AFTER_ARCHIVE = """
            UPDATE pgqrs_workflow_runs r
            SET status = CASE WHEN r.status = 'CANCELLING' THEN 'CANCELLED' ELSE a.status::pgqrs_workflow_status END,
                output = CASE WHEN r.status = 'CANCELLING' THEN NULL ELSE a.output END,
                error = CASE WHEN r.status = 'CANCELLING' THEN r.error ELSE a.error END,
                completed_at = now(), updated_at = now()
            FROM archived,
                 (SELECT ?::text AS status, ?::jsonb AS output, ?::jsonb AS error, ?::bigint AS run_id) a
            WHERE r.id = a.run_id
            RETURNING r.status::text""";

    private static final String INSERT_RUN = """
            INSERT INTO pgqrs_workflow_runs (workflow_id, message_id, status, input)
            VALUES (?, ?, 'QUEUED', ?::jsonb)
            ON CONFLICT (message_id) DO NOTHING
            RETURNING id""";

    private static final String START_RUNS = """
            UPDATE pgqrs_workflow_runs r
            SET status = 'RUNNING', started_at = coalesce(r.started_at, now()), updated_at = now(),
                %s
            WHERE r.message_id = ANY(?) AND r.status IN ('QUEUED', 'RUNNING', 'PAUSED')
              AND (r.version IS NULL OR r.version = ?::text)
            RETURNING r.id, r.message_id, r.workflow_id, r.input::text,
                      EXISTS (SELECT 1 FROM pgqrs_workflow_steps s WHERE s.run_id = r.id), now(), r.deadline_at,
                      r.parent_run_id""".formatted(DEADLINE_AT_START);

    private static final String WRITE_STEP_SUCCESS = """
            INSERT INTO pgqrs_workflow_steps AS s (run_id, step_name, status, output, started_at, completed_at, updated_at)
            SELECT a.run_id, a.step_name, 'SUCCESS'::pgqrs_workflow_status, a.output,
                   now() - a.elapsed_ms * interval '1 millisecond', now(), now()
            FROM (SELECT ?::bigint AS run_id, ?::text AS step_name, ?::jsonb AS output, ?::bigint AS elapsed_ms,
                         ?::bigint AS message_id, ?::bigint AS worker_id) a
            WHERE EXISTS (SELECT 1 FROM pgqrs_messages m
                          WHERE m.id = a.message_id AND m.consumer_worker_id = a.worker_id AND m.archived_at IS NULL)
            ON CONFLICT (run_id, step_name) DO UPDATE
            SET status = 'SUCCESS', output = excluded.output, retry_at = NULL,
                completed_at = excluded.completed_at, updated_at = excluded.updated_at,
                last_retry_at = CASE WHEN s.retry_count > 0 THEN excluded.started_at ELSE s.last_retry_at END
            WHERE s.status <> 'SUCCESS'""";

    // One statement: the owner check, the insert-or-update, and the run's status and deadline for the
    // checks at the step boundary. A SUCCESS step is never overwritten (first writer wins).
    private static final String COMPLETE_STEP = WRITE_STEP_SUCCESS + """

            RETURNING (SELECT r.status::text FROM pgqrs_workflow_runs r WHERE r.id = s.run_id),
                      (SELECT r.deadline_at FROM pgqrs_workflow_runs r WHERE r.id = s.run_id)""";

    private static final String RECORD_STEP_STATE = """
            INSERT INTO pgqrs_workflow_steps AS s
                (run_id, step_name, status, input, error, retry_count, retry_at, started_at, completed_at,
                 last_retry_at, updated_at)
            SELECT a.run_id, a.step_name, a.status::pgqrs_workflow_status, a.input, a.error, a.retry_count,
                   now() + a.delay_ms * interval '1 millisecond',
                   now() - a.elapsed_ms * interval '1 millisecond',
                   CASE WHEN a.status = 'ERROR' AND a.delay_ms IS NULL THEN now() END,
                   CASE WHEN a.attempt > 1 THEN now() - a.elapsed_ms * interval '1 millisecond' END,
                   now()
            FROM (SELECT ?::bigint AS run_id, ?::text AS step_name, ?::text AS status, ?::jsonb AS input,
                         ?::jsonb AS error, ?::int AS retry_count, ?::bigint AS delay_ms, ?::bigint AS elapsed_ms,
                         ?::int AS attempt) a
            ON CONFLICT (run_id, step_name) DO UPDATE
            SET status = excluded.status, input = coalesce(excluded.input, s.input),
                error = coalesce(excluded.error, s.error), retry_count = excluded.retry_count,
                retry_at = excluded.retry_at, completed_at = excluded.completed_at,
                last_retry_at = coalesce(excluded.last_retry_at, s.last_retry_at), updated_at = excluded.updated_at
            WHERE s.status <> 'SUCCESS'""";

    // Gives the run's message back until its step is due (its delivery stays counted, as in pgqrs). A wait
    // with no due time (a pause until resumed, an event without a timeout) parks the message instead:
    // archived while the run waits, so no worker of any edition takes it; a resume, an event or a cancel
    // brings it back. Returns when it is due, NULL when parked. A run with a deadline waits no longer than it
    // (least ignores a NULL): at its deadline a worker takes it and cancels it.
    private static final String GIVE_BACK_UNTIL_STEP_DUE = """
            UPDATE pgqrs_messages m
            SET vt = coalesce(a.due, now()),
                archived_at = CASE WHEN a.due IS NULL THEN now() END,
                consumer_worker_id = NULL
            FROM (SELECT b.message_id, b.worker_id,
                         least((SELECT s.retry_at FROM pgqrs_workflow_steps s
                                WHERE s.run_id = b.run_id AND s.step_name = b.step_name),
                               (SELECT r.deadline_at FROM pgqrs_workflow_runs r WHERE r.id = b.run_id)) AS due
                  FROM (SELECT ?::bigint AS run_id, ?::text AS step_name, ?::bigint AS message_id,
                               ?::bigint AS worker_id) b) a
            WHERE m.id = a.message_id AND m.consumer_worker_id = a.worker_id AND m.archived_at IS NULL
            RETURNING CASE WHEN m.archived_at IS NULL THEN m.vt END""";

    private static final String GIVE_BACK_NOW = """
            UPDATE pgqrs_messages
            SET vt = now(), consumer_worker_id = NULL
            WHERE id = ? AND consumer_worker_id = ? AND archived_at IS NULL
            RETURNING id""";

    private static final String GIVE_BACK_LATER = """
            UPDATE pgqrs_messages m
            SET vt = now() + a.delay_ms * interval '1 millisecond', consumer_worker_id = NULL,
                read_ct = greatest(m.read_ct - 1, 0)
            FROM (SELECT ?::bigint AS message_id, ?::bigint AS worker_id, ?::bigint AS delay_ms) a
            WHERE m.id = a.message_id AND m.consumer_worker_id = a.worker_id AND m.archived_at IS NULL
            RETURNING m.id""";

    private static final String REQUEST_CANCEL = """
            UPDATE pgqrs_workflow_runs
            SET status = 'CANCELLING', error = ?::jsonb, updated_at = now()
            WHERE id = ?""";

    private static final String WAKE_CHILD_WAIT = """
            UPDATE pgqrs_workflow_steps
            SET retry_at = now(), updated_at = now()
            WHERE run_id = ? AND status = 'PAUSED'
              AND step_name = (SELECT r.parent_step FROM pgqrs_workflow_runs r WHERE r.id = ?)""";

    private static final String MARK_RUN = """
            UPDATE pgqrs_workflow_runs r
            SET status = CASE WHEN r.status = 'CANCELLING' THEN r.status ELSE a.status::pgqrs_workflow_status END,
                paused_at = CASE WHEN r.status <> 'CANCELLING' AND a.status = 'PAUSED' THEN now() ELSE r.paused_at END,
                error = CASE WHEN r.status <> 'CANCELLING' AND a.error IS NOT NULL THEN a.error ELSE r.error END,
                updated_at = now()
            FROM (SELECT ?::text AS status, ?::bigint AS run_id, ?::jsonb AS error) a
            WHERE r.id = a.run_id
            RETURNING r.status::text""";

    private static final String LOCK_RUN = """
            SELECT r.status::text, r.message_id, w.queue_id, w.name
            FROM pgqrs_workflow_runs r JOIN pgqrs_workflows w ON w.id = r.workflow_id
            WHERE r.id = ?
            FOR UPDATE OF r""";

    private static final String LOCK_MESSAGE_OF_RUN = """
            SELECT m.id FROM pgqrs_messages m
            WHERE m.id = (SELECT r.message_id FROM pgqrs_workflow_runs r WHERE r.id = ?)
            FOR UPDATE""";

    private static final String LOCK_OWNED_MESSAGE = """
            SELECT id FROM pgqrs_messages
            WHERE id = ? AND consumer_worker_id = ? AND archived_at IS NULL
            FOR UPDATE""";

    private static final String SET_RUN_STATUS = """
            UPDATE pgqrs_workflow_runs r
            SET status = a.status::pgqrs_workflow_status,
                completed_at = CASE WHEN a.status IN ('SUCCESS', 'ERROR', 'CANCELLED') THEN now() ELSE r.completed_at END,
                updated_at = now()
            FROM (SELECT ?::text AS status, ?::bigint AS run_id) a
            WHERE r.id = a.run_id""";

    private static final String ARCHIVE_UNLEASED = """
            UPDATE pgqrs_messages
            SET archived_at = now()
            WHERE id = ? AND archived_at IS NULL AND (consumer_worker_id IS NULL OR vt <= now())
            RETURNING id""";

    private static final String RESUME_PAUSE_STEPS = """
            UPDATE pgqrs_workflow_steps
            SET retry_at = now(), updated_at = now()
            WHERE run_id = ? AND status = 'PAUSED' AND input->>'wait' = 'pause'""";

    // Makes a waiting run's message visible now: one given back until later, or one parked (the caller has
    // checked that the run is not finished, so an archived message of it is a parked one).
    private static final String WAKE_MESSAGE = """
            UPDATE pgqrs_messages
            SET vt = now(), archived_at = NULL
            WHERE id = ? AND consumer_worker_id IS NULL AND (archived_at IS NOT NULL OR vt > now())""";

    private static final String INSERT_EVENT = """
            INSERT INTO pgqrs_workflow_events (run_id, topic, payload)
            VALUES (?, ?, ?::jsonb)
            RETURNING id""";

    private static final String CONSUME_EVENT = """
            UPDATE pgqrs_workflow_events
            SET consumed_at = now(), consumed_by_step = ?
            WHERE id = (SELECT e.id FROM pgqrs_workflow_events e
                        WHERE e.run_id = ? AND e.topic = ? AND e.consumed_at IS NULL
                        ORDER BY e.id LIMIT 1)
            RETURNING id, payload::text""";

    private static final String FAIL_RUN_OF_MESSAGE = """
            UPDATE pgqrs_workflow_runs r
            SET status = CASE WHEN r.status = 'CANCELLING' THEN 'CANCELLED' ELSE 'ERROR' END::pgqrs_workflow_status,
                error = CASE WHEN r.status = 'CANCELLING' THEN r.error ELSE a.error END,
                completed_at = now(), updated_at = now()
            FROM (SELECT ?::jsonb AS error, ?::bigint AS message_id) a
            WHERE r.message_id = a.message_id AND r.status NOT IN ('SUCCESS', 'ERROR', 'CANCELLED')""";

    private static final String LIST_RUNS_WITH_STATUS = "SELECT " + WorkflowRepository.RUN_COLUMNS
            + " FROM " + WorkflowRepository.RUN_FROM + """

            WHERE w.name = ? AND r.status = ?::pgqrs_workflow_status
            ORDER BY r.id DESC
            LIMIT ?""";

    private final Dialect dialect;
    private final String trigger;
    private final String triggerNotifying;
    private final String triggerWithOptions;
    private final String triggerWithOptionsNotifying;
    private final String claim;
    private final String claimPrioritized;
    private final String finishAndArchive;
    private final String completeStepAndFinish;

    public PostgresWorkflowSql(Dialect dialect) {
        this.dialect = dialect;
        this.trigger = "WITH m AS (\n" + dialect.enqueue() + "\n)\n" + TRIGGER_AFTER_ENQUEUE;
        this.triggerNotifying = "WITH m AS (\n" + dialect.enqueue() + "\n)\n" + TRIGGER_NOTIFYING_AFTER_ENQUEUE;
        // A message not inserted (its run key is held) leaves m empty: no run is inserted, no row returned.
        this.triggerWithOptions = "WITH m AS (\n" + dialect.enqueueWithOptions() + "\n)\n" + TRIGGER_AFTER_ENQUEUE;
        this.triggerWithOptionsNotifying = "WITH m AS (\n" + dialect.enqueueWithOptions() + "\n)\n"
                + TRIGGER_NOTIFYING_AFTER_ENQUEUE;
        this.claim = claimOf(dialect, QueueSettings.PLAIN);
        this.claimPrioritized = claimOf(dialect, QueueSettings.PRIORITIZED);
        this.finishAndArchive = "WITH archived AS (\n" + dialect.archive() + "\n)\n" + FINISH_AFTER_ARCHIVE;
        // The step's row, the archive and the finish in one statement: nothing is archived or finished unless the
        // step was written (all three read one snapshot; the archive's fence and the step's owner check agree).
        this.completeStepAndFinish = "WITH step AS (\n" + WRITE_STEP_SUCCESS + "\nRETURNING s.run_id\n),\narchived AS (\n"
                + PostgresDialect.archiveWhen("EXISTS (SELECT 1 FROM step)") + "\n)\n" + FINISH_AFTER_ARCHIVE;
    }

    private static String claimOf(Dialect dialect, QueueSettings settings) {
        return "WITH w AS (SELECT ?::text AS version),\nleased AS (\n"
                + dialect.dequeue(settings, OF_THE_WORKERS_VERSION) + "\n),\n" + CLAIM_AFTER_DEQUEUE;
    }

    /** Each composite write is one statement: auto-commit makes it atomic, in one round trip. */
    @Override
    public <T> T atomically(Database database, String what, SqlWork<T> work) {
        return database.execute(what, work);
    }

    @Override
    public TriggeredRun trigger(Connection c, long queueId, long workflowId, String payloadJson, String inputJson,
                                long delayMillis, RunFields fields, String notifyChannel, String notifyPayload)
            throws SQLException {
        return Jdbc.queryOne(c, notifyChannel == null ? trigger : triggerNotifying, ps -> {
            int next = MessageRepository.bindEnqueue(ps, queueId, payloadJson, delayMillis, null);
            ps.setLong(next, workflowId);
            ps.setString(next + 1, inputJson);
            next = fields.bind(ps, next + 2);
            MessageRepository.bindNotice(ps, next, notifyChannel, notifyPayload);
        }, rs -> new TriggeredRun(rs.getLong(1), rs.getLong(2))).orElseThrow();
    }

    @Override
    public Optional<TriggeredRun> triggerWithOptions(Connection c, long queueId, long workflowId, String payloadJson,
                                                     String inputJson, long delayMillis, String runKey, Integer priority,
                                                     RunFields fields, String notifyChannel, String notifyPayload)
            throws SQLException {
        return Jdbc.queryOne(c, notifyChannel == null ? triggerWithOptions : triggerWithOptionsNotifying, ps -> {
            int next = MessageRepository.bindEnqueue(ps, queueId, payloadJson, delayMillis, null);
            ps.setString(next, runKey);
            Jdbc.setNullableInt(ps, next + 1, priority);
            ps.setString(next + 2, null); // a run's message carries no ordering key
            ps.setLong(next + 3, workflowId);
            ps.setString(next + 4, inputJson);
            int after = fields.bind(ps, next + 5);
            MessageRepository.bindNotice(ps, after, notifyChannel, notifyPayload);
        }, rs -> new TriggeredRun(rs.getLong(1), rs.getLong(2)));
    }

    @Override
    public List<ClaimedMessage> claim(Connection c, long queueId, QueueSettings settings, int limit, int maxReadCount,
                                      long leaseMillis, long workerId, String version) throws SQLException {
        return Jdbc.query(c, claimStatement(settings), ps -> {
            ps.setString(1, version);
            ps.setInt(2, maxReadCount);
            ps.setLong(3, queueId);
            ps.setInt(4, limit);
            ps.setLong(5, leaseMillis);
            ps.setLong(6, workerId);
        }, rs -> {
            var message = new WorkflowRepository.LeasedMessage(rs.getLong(1), rs.getString(2), rs.getInt(3), rs.getBoolean(4),
                    rs.getBoolean(10), rs.getString(13));
            long runId = rs.getLong(5);
            StartedRun run = rs.wasNull() ? null
                    : new StartedRun(runId, message.id(), rs.getLong(6), rs.getString(7), rs.getBoolean(8),
                    dialect.readInstant(rs, 9), dialect.readInstant(rs, 11), Jdbc.nullableLong(rs, 12));
            return new ClaimedMessage(message, run);
        });
    }

    @Override
    public String claimStatement(QueueSettings settings) {
        return settings.prioritized() ? claimPrioritized : claim;
    }

    @Override
    public Optional<RunStatus> finishAndArchive(Connection c, long runId, long messageId, int readCount, long workerId,
                                                RunStatus status, String outputJson, String errorJson) throws SQLException {
        return Jdbc.queryOne(c, finishAndArchive,
                ps -> bindArchiveAndFinish(c, ps, 1, runId, messageId, readCount, workerId, status, outputJson, errorJson),
                rs -> RunStatus.fromSql(rs.getString(1)));
    }

    /** The archive's and the finish's params, seven from {@code first} on ({@link #FINISH_AFTER_ARCHIVE} after the archive). */
    private void bindArchiveAndFinish(Connection c, PreparedStatement ps, int first, long runId, long messageId, int readCount,
                                      long workerId, RunStatus status, String outputJson, String errorJson)
            throws SQLException {
        dialect.bindDeliveries(c, ps, first, Deliveries.of(new Lease(messageId, readCount)));
        ps.setLong(first + 2, workerId);
        ps.setString(first + 3, status.name());
        ps.setString(first + 4, outputJson);
        ps.setString(first + 5, errorJson);
        ps.setLong(first + 6, runId);
    }

    @Override
    public Optional<RunStatus> completeStepAndFinish(Connection c, long runId, String step, String stepOutputJson,
                                                     long elapsedMillis, long messageId, int readCount, long workerId,
                                                     RunStatus status, String outputJson) throws SQLException {
        return Jdbc.queryOne(c, completeStepAndFinish, ps -> {
            WorkflowRepository.bindStepSuccess(ps, runId, step, stepOutputJson, elapsedMillis, messageId, workerId);
            bindArchiveAndFinish(c, ps, 7, runId, messageId, readCount, workerId, status, outputJson, null);
        }, rs -> RunStatus.fromSql(rs.getString(1)));
    }

    @Override public String insertRun() { return INSERT_RUN; }
    @Override public String startRuns() { return START_RUNS; }
    @Override public String completeStep() { return COMPLETE_STEP; }
    @Override public String recordStepState() { return RECORD_STEP_STATE; }
    @Override public String giveBackUntilStepDue() { return GIVE_BACK_UNTIL_STEP_DUE; }
    @Override public String giveBackNow() { return GIVE_BACK_NOW; }
    @Override public String giveBackLater() { return GIVE_BACK_LATER; }
    @Override public String requestCancel() { return REQUEST_CANCEL; }
    @Override public String wakeChildWait() { return WAKE_CHILD_WAIT; }
    @Override public String markRun() { return MARK_RUN; }
    @Override public String lockRun() { return LOCK_RUN; }
    @Override public String lockMessageOfRun() { return LOCK_MESSAGE_OF_RUN; }
    @Override public String lockOwnedMessage() { return LOCK_OWNED_MESSAGE; }
    @Override public String setRunStatus() { return SET_RUN_STATUS; }
    @Override public String archiveUnleased() { return ARCHIVE_UNLEASED; }
    @Override public String resumePauseSteps() { return RESUME_PAUSE_STEPS; }
    @Override public String wakeMessage() { return WAKE_MESSAGE; }
    @Override public String insertEvent() { return INSERT_EVENT; }
    @Override public String consumeEvent() { return CONSUME_EVENT; }
    @Override public String failRunOfMessage() { return FAIL_RUN_OF_MESSAGE; }
    @Override public String listRunsWithStatus() { return LIST_RUNS_WITH_STATUS; }
}
