package dev.pgqrs.store;

import dev.pgqrs.QueueInfo;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/** Queue rows. The SQL is the same on every backend. */
public final class QueueRepository {

    private static final String INSERT = """
            INSERT INTO pgqrs_queues (queue_name) VALUES (?)
            ON CONFLICT (queue_name) DO NOTHING
            RETURNING id, queue_name, created_at""";
    private static final String FIND = "SELECT id, queue_name, created_at FROM pgqrs_queues WHERE queue_name = ?";
    private static final String LIST = "SELECT id, queue_name, created_at FROM pgqrs_queues ORDER BY queue_name";
    private static final String COUNT = "SELECT count(*) FROM pgqrs_queues";
    private static final String USAGE = """
            SELECT (SELECT count(*) FROM pgqrs_messages WHERE queue_id = ? AND archived_at IS NULL),
                   (SELECT count(*) FROM pgqrs_messages WHERE queue_id = ? AND archived_at IS NOT NULL),
                   (SELECT count(*) FROM pgqrs_workers WHERE queue_id = ? AND status <> 'stopped'),
                   (SELECT count(*) FROM pgqrs_workers WHERE queue_id = ?),
                   (SELECT count(*) FROM pgqrs_workflows WHERE queue_id = ?)""";
    private static final String DELETE = "DELETE FROM pgqrs_queues WHERE id = ?";
    // Deleted with the queue (a SQLite connection may not enforce the foreign key's cascade).
    private static final String DELETE_SETTINGS = "DELETE FROM pgqrs_queue_settings WHERE queue_id = ?";
    private static final String PURGE_STEPS = """
            DELETE FROM pgqrs_workflow_steps WHERE run_id IN (
                SELECT r.id FROM pgqrs_workflow_runs r JOIN pgqrs_messages m ON m.id = r.message_id WHERE m.queue_id = ?)""";
    private static final String PURGE_RUNS = """
            DELETE FROM pgqrs_workflow_runs WHERE message_id IN (SELECT id FROM pgqrs_messages WHERE queue_id = ?)""";
    private static final String PURGE_MESSAGES = "DELETE FROM pgqrs_messages WHERE queue_id = ?";
    private static final String PURGE_WORKER_REFERENCES = """
            UPDATE pgqrs_workflow_runs SET worker_id = NULL
            WHERE worker_id IN (SELECT id FROM pgqrs_workers WHERE queue_id = ?)""";
    private static final String PURGE_WORKERS = "DELETE FROM pgqrs_workers WHERE queue_id = ?";

    private final Dialect dialect;

    public QueueRepository(Dialect dialect) {
        this.dialect = dialect;
    }

    /** Inserts the queue; empty if a queue of that name exists already. */
    public Optional<QueueInfo> insert(Connection c, String name) throws SQLException {
        return Jdbc.queryOne(c, INSERT, ps -> ps.setString(1, name), this::map);
    }

    public Optional<QueueInfo> find(Connection c, String name) throws SQLException {
        return Jdbc.queryOne(c, FIND, ps -> ps.setString(1, name), this::map);
    }

    public List<QueueInfo> list(Connection c) throws SQLException {
        return Jdbc.query(c, LIST, StatementBinder.NONE, this::map);
    }

    public long count(Connection c) throws SQLException {
        return Jdbc.queryLong(c, COUNT, StatementBinder.NONE);
    }

    /** What still references a queue. */
    public record Usage(long liveMessages, long archivedMessages, long activeWorkers, long allWorkers, long workflows) {
        public boolean inUse() {
            return liveMessages + archivedMessages + allWorkers + workflows > 0;
        }

        public String describe() {
            StringBuilder sb = new StringBuilder();
            append(sb, liveMessages, "unprocessed message");
            append(sb, archivedMessages, "archived message");
            append(sb, activeWorkers, "active worker");
            append(sb, allWorkers - activeWorkers, "stopped worker");
            append(sb, workflows, "workflow definition");
            return "it still has " + sb;
        }

        private static void append(StringBuilder sb, long n, String what) {
            if (n > 0) {
                sb.append(sb.length() == 0 ? "" : ", ").append(n).append(' ').append(what).append(n == 1 ? "" : "s");
            }
        }
    }

    public Usage usage(Connection c, long queueId) throws SQLException {
        return Jdbc.queryOne(c, USAGE, ps -> {
            for (int i = 1; i <= 5; i++) {
                ps.setLong(i, queueId);
            }
        }, rs -> new Usage(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5))).orElseThrow();
    }

    public boolean delete(Connection c, long queueId) throws SQLException {
        Jdbc.update(c, DELETE_SETTINGS, ps -> ps.setLong(1, queueId));
        return Jdbc.update(c, DELETE, ps -> ps.setLong(1, queueId)) == 1;
    }

    /** Removes the queue's messages (with any workflow runs they carry) and its workers. */
    public int purge(Connection c, long queueId) throws SQLException {
        Jdbc.update(c, PURGE_STEPS, ps -> ps.setLong(1, queueId));
        Jdbc.update(c, PURGE_RUNS, ps -> ps.setLong(1, queueId));
        int messages = Jdbc.update(c, PURGE_MESSAGES, ps -> ps.setLong(1, queueId));
        Jdbc.update(c, PURGE_WORKER_REFERENCES, ps -> ps.setLong(1, queueId));
        Jdbc.update(c, PURGE_WORKERS, ps -> ps.setLong(1, queueId));
        return messages;
    }

    private QueueInfo map(java.sql.ResultSet rs) throws SQLException {
        return new QueueInfo(rs.getLong(1), rs.getString(2), dialect.readInstant(rs, 3));
    }
}
