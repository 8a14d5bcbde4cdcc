package dev.pgqrs.store.sqlite;

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
import dev.pgqrs.store.WorkflowRepository.LeasedMessage;
import dev.pgqrs.store.WorkflowRepository.RunFields;
import dev.pgqrs.store.WorkflowRepository.StartedRun;
import dev.pgqrs.store.WorkflowRepository.TriggeredRun;
import dev.pgqrs.store.WorkflowSql;
import dev.pgqrs.workflow.RunStatus;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Workflow statements for SQLite: numbered parameters ({@code ?1}) so a value can be used twice,
 * lists as JSON arrays, UTC text timestamps. Row locks are unnecessary: every write transaction holds
 * the database's write lock ({@code BEGIN IMMEDIATE}) from its start. Trigger, claim and finish are
 * the queue's own enqueue, dequeue and archive (from {@link Dialect}) followed by the workflow
 * statement, in one transaction where they must be atomic.
 */
public final class SqliteWorkflowSql implements WorkflowSql {

    private static final String INSERT_RUN = """
            INSERT INTO pgqrs_workflow_runs (workflow_id, message_id, status, input)
            VALUES (?1, ?2, 'QUEUED', ?3)
            ON CONFLICT (message_id) DO NOTHING
            RETURNING id""";

    // The run's fields (RunFields order) from ?4: version, deadline (epoch ms), timeout ms, parent run and step,
    // fork's run and step.
    private static final String INSERT_TRIGGERED_RUN = """
            INSERT INTO pgqrs_workflow_runs (workflow_id, message_id, status, input, version, deadline_at, timeout_ms,
                                             parent_run_id, parent_step, forked_from_run_id, forked_from_step)
            VALUES (?1, ?2, 'QUEUED', ?3, ?4,
                    CASE WHEN ?5 IS NOT NULL THEN strftime('%Y-%m-%d %H:%M:%f', ?5 / 1000.0, 'unixepoch') END,
                    ?6, ?7, ?8, ?9, ?10)
            ON CONFLICT (message_id) DO NOTHING
            RETURNING id""";

    // Params: message ids, version. A timeout's deadline is set at the first start (see PostgresWorkflowSql);
    // SQLite's min() is NULL when an argument is, hence the CASE.
    private static final String START_RUNS = """
            UPDATE pgqrs_workflow_runs
            SET status = 'RUNNING', started_at = coalesce(started_at, strftime('%Y-%m-%d %H:%M:%f', 'now')),
                updated_at = strftime('%Y-%m-%d %H:%M:%f', 'now'),
                deadline_at = CASE
                    WHEN timeout_ms IS NULL THEN deadline_at
                    ELSE min(coalesce(deadline_at, '9999-12-31 23:59:59.999'),
                             strftime('%Y-%m-%d %H:%M:%f', coalesce(started_at, strftime('%Y-%m-%d %H:%M:%f', 'now')),
                                      printf('%+.3f seconds', timeout_ms / 1000.0))) END
            WHERE message_id IN (SELECT value FROM json_each(?1)) AND status IN ('QUEUED', 'RUNNING', 'PAUSED')
              AND (version IS NULL OR version = ?2)
            RETURNING id, message_id, workflow_id, input,
                      EXISTS (SELECT 1 FROM pgqrs_workflow_steps s WHERE s.run_id = pgqrs_workflow_runs.id),
                      strftime('%Y-%m-%d %H:%M:%f', 'now'), deadline_at, parent_run_id""";

    private static final String COMPLETE_STEP = """
            INSERT INTO pgqrs_workflow_steps AS s (run_id, step_name, status, output, started_at, completed_at, updated_at)
            SELECT ?1, ?2, 'SUCCESS', ?3,
                   strftime('%Y-%m-%d %H:%M:%f', 'now', printf('%+.3f seconds', -?4 / 1000.0)),
                   strftime('%Y-%m-%d %H:%M:%f', 'now'), strftime('%Y-%m-%d %H:%M:%f', 'now')
            WHERE EXISTS (SELECT 1 FROM pgqrs_messages m
                          WHERE m.id = ?5 AND m.consumer_worker_id = ?6 AND m.archived_at IS NULL)
            ON CONFLICT (run_id, step_name) DO UPDATE
            SET status = 'SUCCESS', output = excluded.output, retry_at = NULL,
                completed_at = excluded.completed_at, updated_at = excluded.updated_at,
                last_retry_at = CASE WHEN s.retry_count > 0 THEN excluded.started_at ELSE s.last_retry_at END
            WHERE s.status <> 'SUCCESS'
            RETURNING (SELECT r.status FROM pgqrs_workflow_runs r WHERE r.id = pgqrs_workflow_steps.run_id),
                      (SELECT r.deadline_at FROM pgqrs_workflow_runs r WHERE r.id = pgqrs_workflow_steps.run_id)""";

    private static final String RECORD_STEP_STATE = """
            INSERT INTO pgqrs_workflow_steps AS s
                (run_id, step_name, status, input, error, retry_count, retry_at, started_at, completed_at,
                 last_retry_at, updated_at)
            SELECT ?1, ?2, ?3, ?4, ?5, ?6,
                   CASE WHEN ?7 IS NOT NULL
                        THEN strftime('%Y-%m-%d %H:%M:%f', 'now', printf('%+.3f seconds', ?7 / 1000.0)) END,
                   strftime('%Y-%m-%d %H:%M:%f', 'now', printf('%+.3f seconds', -?8 / 1000.0)),
                   CASE WHEN ?3 = 'ERROR' AND ?7 IS NULL THEN strftime('%Y-%m-%d %H:%M:%f', 'now') END,
                   CASE WHEN ?9 > 1 THEN strftime('%Y-%m-%d %H:%M:%f', 'now', printf('%+.3f seconds', -?8 / 1000.0)) END,
                   strftime('%Y-%m-%d %H:%M:%f', 'now')
            WHERE true
            ON CONFLICT (run_id, step_name) DO UPDATE
            SET status = excluded.status, input = coalesce(excluded.input, s.input),
                error = coalesce(excluded.error, s.error), retry_count = excluded.retry_count,
                retry_at = excluded.retry_at, completed_at = excluded.completed_at,
                last_retry_at = coalesce(excluded.last_retry_at, s.last_retry_at), updated_at = excluded.updated_at
            WHERE s.status <> 'SUCCESS'""";

    // See PostgresWorkflowSql: due → visible then; no due time → parked (archived while the run waits); the run's
    // deadline, if it has one, caps the wait.
    private static final String STEP_DUE = """
            (SELECT CASE WHEN s.retry_at IS NULL THEN r.deadline_at
                         WHEN r.deadline_at IS NULL THEN s.retry_at
                         ELSE min(s.retry_at, r.deadline_at) END
             FROM pgqrs_workflow_runs r LEFT JOIN pgqrs_workflow_steps s ON s.run_id = r.id AND s.step_name = ?2
             WHERE r.id = ?1)""";

    private static final String GIVE_BACK_UNTIL_STEP_DUE = """
            UPDATE pgqrs_messages
            SET vt = coalesce(%1$s, strftime('%%Y-%%m-%%d %%H:%%M:%%f', 'now')),
                archived_at = CASE WHEN %1$s IS NULL THEN strftime('%%Y-%%m-%%d %%H:%%M:%%f', 'now') END,
                consumer_worker_id = NULL
            WHERE id = ?3 AND consumer_worker_id = ?4 AND archived_at IS NULL
            RETURNING CASE WHEN archived_at IS NULL THEN vt END""".formatted(STEP_DUE);

    private static final String GIVE_BACK_LATER = """
            UPDATE pgqrs_messages
            SET vt = strftime('%Y-%m-%d %H:%M:%f', 'now', printf('%+.3f seconds', ?3 / 1000.0)),
                consumer_worker_id = NULL, read_ct = max(read_ct - 1, 0)
            WHERE id = ?1 AND consumer_worker_id = ?2 AND archived_at IS NULL
            RETURNING id""";

    private static final String REQUEST_CANCEL = """
            UPDATE pgqrs_workflow_runs
            SET status = 'CANCELLING', error = ?1, updated_at = strftime('%Y-%m-%d %H:%M:%f', 'now')
            WHERE id = ?2""";

    private static final String WAKE_CHILD_WAIT = """
            UPDATE pgqrs_workflow_steps
            SET retry_at = strftime('%Y-%m-%d %H:%M:%f', 'now'), updated_at = strftime('%Y-%m-%d %H:%M:%f', 'now')
            WHERE run_id = ?1 AND status = 'PAUSED'
              AND step_name = (SELECT r.parent_step FROM pgqrs_workflow_runs r WHERE r.id = ?2)""";

    // A worker leases only messages whose run it may execute (?6: its version); see PostgresWorkflowSql.
    private static final String OF_THE_WORKERS_VERSION = """
            NOT EXISTS (SELECT 1 FROM pgqrs_workflow_runs r
                        WHERE r.message_id = m.id AND r.version IS NOT NULL AND r.version IS NOT ?6)""";

    private static final String GIVE_BACK_NOW = """
            UPDATE pgqrs_messages
            SET vt = strftime('%Y-%m-%d %H:%M:%f', 'now'), consumer_worker_id = NULL
            WHERE id = ?1 AND consumer_worker_id = ?2 AND archived_at IS NULL
            RETURNING id""";

    private static final String MARK_RUN = """
            UPDATE pgqrs_workflow_runs
            SET status = CASE WHEN status = 'CANCELLING' THEN status ELSE ?1 END,
                paused_at = CASE WHEN status <> 'CANCELLING' AND ?1 = 'PAUSED'
                                 THEN strftime('%Y-%m-%d %H:%M:%f', 'now') ELSE paused_at END,
                error = CASE WHEN status <> 'CANCELLING' AND ?3 IS NOT NULL THEN json(?3) ELSE error END,
                updated_at = strftime('%Y-%m-%d %H:%M:%f', 'now')
            WHERE id = ?2
            RETURNING status""";

    private static final String LOCK_RUN = """
            SELECT r.status, r.message_id, w.queue_id, w.name
            FROM pgqrs_workflow_runs r JOIN pgqrs_workflows w ON w.id = r.workflow_id
            WHERE r.id = ?1""";

    private static final String FINISH_RUN = """
            UPDATE pgqrs_workflow_runs
            SET status = CASE WHEN status = 'CANCELLING' THEN 'CANCELLED' ELSE ?1 END,
                output = CASE WHEN status = 'CANCELLING' THEN NULL ELSE ?2 END,
                error = CASE WHEN status = 'CANCELLING' THEN error ELSE ?3 END,
                completed_at = strftime('%Y-%m-%d %H:%M:%f', 'now'), updated_at = strftime('%Y-%m-%d %H:%M:%f', 'now')
            WHERE id = ?4
            RETURNING status""";

    // No row locks on SQLite: the write transaction already excludes every other writer.
    private static final String LOCK_MESSAGE_OF_RUN = """
            SELECT m.id FROM pgqrs_messages m
            WHERE m.id = (SELECT r.message_id FROM pgqrs_workflow_runs r WHERE r.id = ?1)""";

    private static final String LOCK_OWNED_MESSAGE = """
            SELECT id FROM pgqrs_messages
            WHERE id = ?1 AND consumer_worker_id = ?2 AND archived_at IS NULL""";

    private static final String SET_RUN_STATUS = """
            UPDATE pgqrs_workflow_runs
            SET status = ?1,
                completed_at = CASE WHEN ?1 IN ('SUCCESS', 'ERROR', 'CANCELLED')
                                    THEN strftime('%Y-%m-%d %H:%M:%f', 'now') ELSE completed_at END,
                updated_at = strftime('%Y-%m-%d %H:%M:%f', 'now')
            WHERE id = ?2""";

    private static final String ARCHIVE_UNLEASED = """
            UPDATE pgqrs_messages
            SET archived_at = strftime('%Y-%m-%d %H:%M:%f', 'now')
            WHERE id = ?1 AND archived_at IS NULL
              AND (consumer_worker_id IS NULL OR vt <= strftime('%Y-%m-%d %H:%M:%f', 'now'))
            RETURNING id""";

    private static final String RESUME_PAUSE_STEPS = """
            UPDATE pgqrs_workflow_steps
            SET retry_at = strftime('%Y-%m-%d %H:%M:%f', 'now'), updated_at = strftime('%Y-%m-%d %H:%M:%f', 'now')
            WHERE run_id = ?1 AND status = 'PAUSED' AND input ->> 'wait' = 'pause'""";

    private static final String WAKE_MESSAGE = """
            UPDATE pgqrs_messages
            SET vt = strftime('%Y-%m-%d %H:%M:%f', 'now'), archived_at = NULL
            WHERE id = ?1 AND consumer_worker_id IS NULL
              AND (archived_at IS NOT NULL OR vt > strftime('%Y-%m-%d %H:%M:%f', 'now'))""";

    private static final String INSERT_EVENT = """
            INSERT INTO pgqrs_workflow_events (run_id, topic, payload)
            VALUES (?1, ?2, ?3)
            RETURNING id""";

    private static final String CONSUME_EVENT = """
            UPDATE pgqrs_workflow_events
            SET consumed_at = strftime('%Y-%m-%d %H:%M:%f', 'now'), consumed_by_step = ?1
            WHERE id = (SELECT e.id FROM pgqrs_workflow_events e
                        WHERE e.run_id = ?2 AND e.topic = ?3 AND e.consumed_at IS NULL
                        ORDER BY e.id LIMIT 1)
            RETURNING id, payload""";

    private static final String FAIL_RUN_OF_MESSAGE = """
            UPDATE pgqrs_workflow_runs
            SET status = CASE WHEN status = 'CANCELLING' THEN 'CANCELLED' ELSE 'ERROR' END,
                error = CASE WHEN status = 'CANCELLING' THEN error ELSE ?1 END,
                completed_at = strftime('%Y-%m-%d %H:%M:%f', 'now'), updated_at = strftime('%Y-%m-%d %H:%M:%f', 'now')
            WHERE message_id = ?2 AND status NOT IN ('SUCCESS', 'ERROR', 'CANCELLED')""";

    private static final String LIST_RUNS_WITH_STATUS = "SELECT " + WorkflowRepository.RUN_COLUMNS
            + " FROM " + WorkflowRepository.RUN_FROM + """

            WHERE w.name = ?1 AND r.status = ?2
            ORDER BY r.id DESC
            LIMIT ?3""";

    private final Dialect dialect;
    // The claim's read of its candidates per queue settings, built once each.
    private final Map<QueueSettings, String> claims = new ConcurrentHashMap<>();

    public SqliteWorkflowSql(Dialect dialect) {
        this.dialect = dialect;
    }

    @Override
    public <T> T atomically(Database database, String what, SqlWork<T> work) {
        return database.transaction(what, work);
    }

    @Override
    public TriggeredRun trigger(Connection c, long queueId, long workflowId, String payloadJson, String inputJson,
                                long delayMillis, RunFields fields, String notifyChannel, String notifyPayload)
            throws SQLException {
        // SQLite has no notifications (notifyChannel is always null here): workers poll or are woken in-process.
        long messageId = Jdbc.queryLong(c, dialect.enqueue(),
                ps -> MessageRepository.bindEnqueue(ps, queueId, payloadJson, delayMillis, null));
        return new TriggeredRun(insertTriggeredRun(c, workflowId, messageId, inputJson, fields), messageId);
    }

    private static long insertTriggeredRun(Connection c, long workflowId, long messageId, String inputJson,
                                           RunFields fields) throws SQLException {
        return Jdbc.queryOne(c, INSERT_TRIGGERED_RUN, ps -> {
            ps.setLong(1, workflowId);
            ps.setLong(2, messageId);
            ps.setString(3, inputJson);
            fields.bind(ps, 4);
        }, rs -> rs.getLong(1)).orElseThrow(() -> new SQLException("message " + messageId + " already has a run"));
    }

    @Override
    public Optional<TriggeredRun> triggerWithOptions(Connection c, long queueId, long workflowId, String payloadJson,
                                                     String inputJson, long delayMillis, String runKey, Integer priority,
                                                     RunFields fields, String notifyChannel, String notifyPayload)
            throws SQLException {
        Optional<Long> inserted = Jdbc.queryOne(c, dialect.enqueueWithOptions(), ps -> {
            int next = MessageRepository.bindEnqueue(ps, queueId, payloadJson, delayMillis, null);
            ps.setString(next, runKey);
            Jdbc.setNullableInt(ps, next + 1, priority);
            ps.setString(next + 2, null); // a run's message carries no ordering key
        }, rs -> rs.getLong(1));
        if (inserted.isEmpty()) {
            return Optional.empty();
        }
        long messageId = inserted.get();
        return Optional.of(new TriggeredRun(insertTriggeredRun(c, workflowId, messageId, inputJson, fields), messageId));
    }

    @Override
    public List<ClaimedMessage> claim(Connection c, long queueId, QueueSettings settings, int limit, int maxReadCount,
                                      long leaseMillis, long workerId, String version) throws SQLException {
        // The candidates are read, then exactly those leased, in this write transaction: 'now' is read per
        // statement, so a dequeue choosing again could take a message whose lease ran out after the read and
        // not count it as taken over.
        List<Candidate> read = Jdbc.query(c, claimStatement(settings), ps -> {
            ps.setLong(2, queueId);
            ps.setInt(3, limit);
            ps.setString(6, version);
        }, rs -> new Candidate(rs.getLong(1), rs.getObject(2) != null));
        if (read.isEmpty()) {
            return List.of();
        }
        List<Long> candidates = new ArrayList<>(read.size());
        Set<Long> takenOver = new HashSet<>();
        for (Candidate candidate : read) {
            candidates.add(candidate.id());
            if (candidate.held()) {
                takenOver.add(candidate.id());
            }
        }
        List<LeasedMessage> leased = Jdbc.query(c, SqliteDialect.LEASE_LISTED, ps -> {
            ps.setInt(1, maxReadCount);
            dialect.bindIds(c, ps, 2, candidates);
            ps.setInt(3, limit);
            ps.setLong(4, leaseMillis);
            ps.setLong(5, workerId);
        }, rs -> WorkflowRepository.leasedMessage(rs, takenOver));
        List<Long> live = new ArrayList<>(leased.size());
        leased.forEach(m -> {
            if (!m.deadLettered()) {
                live.add(m.id());
            }
        });
        Map<Long, StartedRun> started = new HashMap<>();
        if (!live.isEmpty()) {
            WorkflowRepository.startRuns(c, dialect, START_RUNS, live, version).forEach(r -> started.put(r.messageId(), r));
        }
        List<ClaimedMessage> out = new ArrayList<>(leased.size());
        leased.forEach(m -> out.add(new ClaimedMessage(m, started.get(m.id()))));
        return out;
    }

    /** A message the claim will lease; {@code held}: it had a holder, whose lease ran out. */
    private record Candidate(long id, boolean held) {
    }

    /** SQLite: the read of the candidates (id, consumer_worker_id) that {@link #claim} then leases by id. */
    @Override
    public String claimStatement(QueueSettings settings) {
        return claims.computeIfAbsent(settings, k -> SqliteDialect.dequeueCandidates(k, OF_THE_WORKERS_VERSION));
    }

    @Override
    public Optional<RunStatus> finishAndArchive(Connection c, long runId, long messageId, int readCount, long workerId,
                                                RunStatus status, String outputJson, String errorJson) throws SQLException {
        List<Long> archived = Jdbc.query(c, dialect.archive(), ps -> {
            dialect.bindDeliveries(c, ps, 1, Deliveries.of(new Lease(messageId, readCount)));
            ps.setLong(3, workerId);
        }, rs -> rs.getLong(1));
        if (archived.isEmpty()) {
            return Optional.empty();
        }
        return Jdbc.queryOne(c, FINISH_RUN, ps -> {
            ps.setString(1, status.name());
            ps.setString(2, outputJson);
            ps.setString(3, errorJson);
            ps.setLong(4, runId);
        }, rs -> RunStatus.fromSql(rs.getString(1)));
    }

    @Override
    public Optional<RunStatus> completeStepAndFinish(Connection c, long runId, String step, String stepOutputJson,
                                                     long elapsedMillis, long messageId, int readCount, long workerId,
                                                     RunStatus status, String outputJson) throws SQLException {
        Optional<Boolean> written = Jdbc.queryOne(c, COMPLETE_STEP,
                ps -> WorkflowRepository.bindStepSuccess(ps, runId, step, stepOutputJson, elapsedMillis, messageId, workerId),
                rs -> Boolean.TRUE);
        if (written.isEmpty()) {
            return Optional.empty();
        }
        return finishAndArchive(c, runId, messageId, readCount, workerId, status, outputJson, null);
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
