package dev.pgqrs.store;

import dev.pgqrs.Retention;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Retention's rows: the per-queue and per-workflow overrides, where a count limit starts, and the bounded
 * deletes. Times cross JDBC as milliseconds since the epoch, so one pass works against one fixed cutoff
 * however long its batches take.
 */
public final class RetentionRepository {

    /** A run is finished in these states; none of them changes again. */
    private static final String FINISHED = "('SUCCESS', 'ERROR', 'CANCELLED')";

    /** Whose retention a row sets: the table and its key column. */
    public enum Owner {
        QUEUE("pgqrs_queue_retention", "queue_id"),
        WORKFLOW("pgqrs_workflow_retention", "workflow_id");

        final String table;
        final String key;

        Owner(String table, String key) {
            this.table = table;
            this.key = key;
        }
    }

    /** A finished run and its message, with when it finished. */
    public record FinishedRun(long runId, long messageId, long completedAtMillis) {
    }

    private final Dialect dialect;
    private final String now;
    private final String newestFinishedRun;
    private final String finishedRunsBetween;
    private final String deleteRuns;
    private final String deleteMessages;

    public RetentionRepository(Dialect dialect) {
        this.dialect = dialect;
        this.now = "SELECT " + dialect.epochMillis(dialect.now());
        this.newestFinishedRun = """
                SELECT %s FROM pgqrs_workflow_runs r
                WHERE r.workflow_id = ? AND r.completed_at IS NOT NULL AND r.status IN %s
                ORDER BY r.completed_at DESC
                LIMIT 1 OFFSET ?""".formatted(dialect.epochMillis("r.completed_at"), FINISHED);
        this.finishedRunsBetween = """
                SELECT r.id, r.message_id, %s FROM pgqrs_workflow_runs r
                WHERE r.workflow_id = ? AND r.completed_at >= %s AND r.completed_at < %s AND r.status IN %s
                ORDER BY r.completed_at
                LIMIT ?""".formatted(dialect.epochMillis("r.completed_at"), dialect.fromEpochMillis(),
                dialect.fromEpochMillis(), FINISHED);
        // Steps and events go with their run (ON DELETE CASCADE), step checkpoints with their message.
        this.deleteRuns = "DELETE FROM pgqrs_workflow_runs WHERE id " + dialect.inIds();
        this.deleteMessages = "DELETE FROM pgqrs_messages WHERE id " + dialect.inIds();
    }

    /** The database's clock, in milliseconds since the epoch. */
    public long nowMillis(Connection c) throws SQLException {
        return Jdbc.queryLong(c, now, StatementBinder.NONE);
    }

    public Optional<Retention> find(Connection c, Owner owner, long id) throws SQLException {
        return Jdbc.queryOne(c, "SELECT max_age_ms, max_count FROM " + owner.table + " WHERE " + owner.key + " = ?",
                ps -> ps.setLong(1, id), rs -> toRetention(Jdbc.nullableLong(rs, 1), Jdbc.nullableLong(rs, 2)));
    }

    /** Every override of one kind, by queue or workflow id. */
    public Map<Long, Retention> all(Connection c, Owner owner) throws SQLException {
        List<Map.Entry<Long, Retention>> rows = Jdbc.query(c,
                "SELECT " + owner.key + ", max_age_ms, max_count FROM " + owner.table, StatementBinder.NONE,
                rs -> Map.entry(rs.getLong(1), toRetention(Jdbc.nullableLong(rs, 2), Jdbc.nullableLong(rs, 3))));
        return Map.ofEntries(rows.toArray(Map.Entry[]::new));
    }

    public void set(Connection c, Owner owner, long id, Retention retention) throws SQLException {
        String sql = """
                INSERT INTO %1$s (%2$s, max_age_ms, max_count, updated_at) VALUES (?, ?, ?, %3$s)
                ON CONFLICT (%2$s) DO UPDATE SET max_age_ms = excluded.max_age_ms, max_count = excluded.max_count,
                    updated_at = excluded.updated_at""".formatted(owner.table, owner.key, dialect.now());
        Jdbc.update(c, sql, ps -> {
            ps.setLong(1, id);
            Jdbc.setNullableLong(ps, 2, retention.maxAge() == null ? null : retention.maxAge().toMillis());
            Jdbc.setNullableLong(ps, 3, retention.maxCount());
        });
    }

    public boolean clear(Connection c, Owner owner, long id) throws SQLException {
        return Jdbc.update(c, "DELETE FROM " + owner.table + " WHERE " + owner.key + " = ?", ps -> ps.setLong(1, id)) > 0;
    }

    /** The archived_at of the queue's {@code count}-th newest deletable archived message, or null when it holds fewer. */
    public Long nthNewestArchived(Connection c, long queueId, int maxReadCount, long count) throws SQLException {
        return Jdbc.queryOne(c, dialect.newestDeletableArchived(), ps -> {
            ps.setLong(1, queueId);
            ps.setInt(2, maxReadCount);
            ps.setLong(3, count - 1);
        }, rs -> rs.getLong(1)).orElse(null);
    }

    /** One batch: deletes up to {@code limit} archived messages of [from, before); returns their archived_at. */
    public List<Long> deleteArchived(Connection c, long queueId, int maxReadCount, long fromMillis, long beforeMillis,
                                     int limit) throws SQLException {
        return Jdbc.query(c, dialect.deleteArchivedBetween(), ps -> {
            ps.setLong(1, queueId);
            ps.setInt(2, maxReadCount);
            ps.setLong(3, fromMillis);
            ps.setLong(4, beforeMillis);
            ps.setInt(5, limit);
        }, rs -> rs.getLong(1));
    }

    /** The completed_at of the workflow's {@code count}-th newest finished run, or null when it has fewer. */
    public Long nthNewestFinishedRun(Connection c, long workflowId, long count) throws SQLException {
        return Jdbc.queryOne(c, newestFinishedRun, ps -> {
            ps.setLong(1, workflowId);
            ps.setLong(2, count - 1);
        }, rs -> rs.getLong(1)).orElse(null);
    }

    /** Up to {@code limit} finished runs of [from, before), oldest first. */
    public List<FinishedRun> finishedRuns(Connection c, long workflowId, long fromMillis, long beforeMillis, int limit)
            throws SQLException {
        return Jdbc.query(c, finishedRunsBetween, ps -> {
            ps.setLong(1, workflowId);
            ps.setLong(2, fromMillis);
            ps.setLong(3, beforeMillis);
            ps.setInt(4, limit);
        }, rs -> new FinishedRun(rs.getLong(1), rs.getLong(2), rs.getLong(3)));
    }

    /** Deletes finished runs (their steps and events with them) and then their messages; returns the runs deleted. */
    public int deleteRuns(Connection c, List<FinishedRun> runs) throws SQLException {
        List<Long> runIds = new ArrayList<>(runs.size());
        List<Long> messageIds = new ArrayList<>(runs.size());
        for (FinishedRun r : runs) {
            runIds.add(r.runId());
            messageIds.add(r.messageId());
        }
        int deleted = Jdbc.update(c, deleteRuns, ps -> dialect.bindIds(c, ps, 1, runIds));
        Jdbc.update(c, deleteMessages, ps -> dialect.bindIds(c, ps, 1, messageIds));
        return deleted;
    }

    private static Retention toRetention(Long maxAgeMillis, Long maxCount) {
        return new Retention(maxAgeMillis == null ? null : Duration.ofMillis(maxAgeMillis), maxCount);
    }
}
