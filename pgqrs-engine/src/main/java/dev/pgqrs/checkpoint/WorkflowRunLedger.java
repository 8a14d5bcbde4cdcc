package dev.pgqrs.checkpoint;

import dev.pgqrs.Message;
import dev.pgqrs.Names;
import dev.pgqrs.QueueInfo;
import dev.pgqrs.Store;
import dev.pgqrs.config.Backend;
import dev.pgqrs.store.Jdbc;

import java.sql.Connection;
import java.util.Optional;

/**
 * Minimal bookkeeping of workflow runs for integrations that execute a run themselves (the Camel
 * workflow consumer): one run per message of the workflow's queue, in the pgqrs schema's
 * {@code pgqrs_workflows} / {@code pgqrs_workflow_runs} tables, so runs show up where every pgqrs
 * edition looks for them.
 *
 * <p>A stand-in until the workflow runtime ({@code dev.pgqrs.workflow}) is available to
 * integrations: it records runs (RUNNING, then SUCCESS or ERROR, QUEUED again between retries) but
 * schedules nothing; retries follow the consumer's redelivery. The SQL differs between backends
 * only in how "now" and JSON values are written, substituted once here.
 */
public final class WorkflowRunLedger {

    /** A workflow definition: its id and its queue (of the same name). */
    public record WorkflowRef(long id, String name, QueueInfo queue) {
    }

    /** A run as the consumer needs it: its id, and whether it had already finished (nothing to do). */
    public record RunStart(long runId, boolean alreadyFinished) {
    }

    private static final String INSERT_WORKFLOW = """
            INSERT INTO pgqrs_workflows (name, queue_id) VALUES (?, ?)
            ON CONFLICT (name) DO NOTHING""";

    private static final String FIND_WORKFLOW = "SELECT id, queue_id FROM pgqrs_workflows WHERE name = ?";

    private static final String INSERT_RUN = """
            INSERT INTO pgqrs_workflow_runs (workflow_id, message_id, status, input, started_at, updated_at, worker_id)
            VALUES (?, ?, 'RUNNING', {JSON}, {NOW}, {NOW}, ?)
            ON CONFLICT (message_id) DO NOTHING""";

    private static final String FIND_RUN = "SELECT id, status FROM pgqrs_workflow_runs WHERE message_id = ?";

    private static final String RESTART_RUN = """
            UPDATE pgqrs_workflow_runs SET status = 'RUNNING', updated_at = {NOW}, worker_id = ?
            WHERE id = ?""";

    private static final String COMPLETE_RUN = """
            UPDATE pgqrs_workflow_runs
            SET status = 'SUCCESS', output = {JSON}, error = NULL, completed_at = {NOW}, updated_at = {NOW}
            WHERE id = ?""";

    private static final String FAIL_RUN = """
            UPDATE pgqrs_workflow_runs
            SET status = ?, error = {JSON}, updated_at = {NOW},
                completed_at = CASE WHEN ? THEN {NOW} ELSE completed_at END
            WHERE id = ?""";

    private final Store store;
    private final String insertRun;
    private final String restartRun;
    private final String completeRun;
    private final String failRun;

    public WorkflowRunLedger(Store store) {
        this.store = store;
        boolean pg = store.backend() == Backend.POSTGRES;
        String now = pg ? "now()" : "strftime('%Y-%m-%d %H:%M:%f', 'now')";
        String json = pg ? "?::jsonb" : "?";
        this.insertRun = INSERT_RUN.replace("{NOW}", now).replace("{JSON}", json);
        this.restartRun = RESTART_RUN.replace("{NOW}", now);
        this.completeRun = COMPLETE_RUN.replace("{NOW}", now).replace("{JSON}", json);
        this.failRun = (pg ? FAIL_RUN.replace("status = ?", "status = ?::pgqrs_workflow_status") : FAIL_RUN)
                .replace("{NOW}", now).replace("{JSON}", json);
    }

    /** The workflow of that name, created with its queue when absent. */
    public WorkflowRef ensureWorkflow(String name) {
        Names.requireWorkflowName(name);
        QueueInfo queue = store.queues().createIfAbsent(name);
        return store.database().transaction("register workflow '" + name + "'", c -> {
            Jdbc.update(c, INSERT_WORKFLOW, ps -> {
                ps.setString(1, name);
                ps.setLong(2, queue.id());
            });
            return Jdbc.queryOne(c, FIND_WORKFLOW, ps -> ps.setString(1, name),
                    rs -> new WorkflowRef(rs.getLong(1), name, queue)).orElseThrow();
        });
    }

    /** The workflow of that name, if it exists. */
    public Optional<Long> findWorkflow(String name) {
        return store.database().read("find workflow '" + name + "'",
                c -> Jdbc.queryOne(c, FIND_WORKFLOW, ps -> ps.setString(1, name), rs -> rs.getLong(1)));
    }

    /**
     * Materialises the run of a message (first delivery), or marks it RUNNING again (redelivery).
     * A run that already finished is reported as such and left alone.
     */
    public RunStart start(WorkflowRef workflow, Message message, String inputJson, long workerId) {
        return store.database().transaction("start run of message " + message.id(), c -> {
            Jdbc.update(c, insertRun, ps -> {
                ps.setLong(1, workflow.id());
                ps.setLong(2, message.id());
                ps.setString(3, inputJson);
                ps.setLong(4, workerId);
            });
            long[] run = Jdbc.queryOne(c, FIND_RUN, ps -> ps.setLong(1, message.id()),
                    rs -> new long[] {rs.getLong(1), finished(rs.getString(2)) ? 1 : 0}).orElseThrow();
            if (run[1] == 1) {
                return new RunStart(run[0], true);
            }
            Jdbc.update(c, restartRun, ps -> {
                ps.setLong(1, workerId);
                ps.setLong(2, run[0]);
            });
            return new RunStart(run[0], false);
        });
    }

    private static boolean finished(String status) {
        return "SUCCESS".equals(status) || "ERROR".equals(status) || "CANCELLED".equals(status);
    }

    /** Marks a run SUCCESS with its output, on the caller's connection (with the message's ack). */
    public void complete(Connection connection, long runId, String outputJson) {
        store.database().onConnection(connection, "complete run " + runId, c -> Jdbc.update(c, completeRun, ps -> {
            ps.setString(1, outputJson);
            ps.setLong(2, runId);
        }));
    }

    /** Records a failure: ERROR when {@code terminal}, else QUEUED until the retry. */
    public void fail(Connection connection, long runId, String errorJson, boolean terminal) {
        store.database().onConnection(connection, "fail run " + runId, c -> Jdbc.update(c, failRun, ps -> {
            ps.setString(1, terminal ? "ERROR" : "QUEUED");
            ps.setString(2, errorJson);
            ps.setBoolean(3, terminal);
            ps.setLong(4, runId);
        }));
    }
}
