package dev.pgqrs.interop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The queue and worker operations of pgqrs (Rust), as plain JDBC statements written for these tests
 * from pgqrs-interop.md §2 and §5: each one autocommit statement, with the original's clocks (the
 * application host's {@link #now() t} where it uses it, the database's elsewhere) and its conditions
 * (a dequeue takes only rows no consumer holds, in enqueued_at order; nothing checks a worker's
 * status). Workflows are in {@link OriginalWorkflows}. The host clock can be skewed ({@link #skew}).
 */
final class OriginalEdition {

    static final ObjectMapper JSON = new ObjectMapper();
    static final int MAX_READ_CT = 5;
    static final int DEFAULT_VT_SECONDS = 30;

    private static final DateTimeFormatter SQLITE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS")
            .withZone(ZoneOffset.UTC);
    private static final AtomicInteger PORTS = new AtomicInteger(40_000);

    /** A dequeued message as the original's consumer sees it. */
    record Msg(long id, long queueId, String payloadJson, int readCt) {
        JsonNode payload() {
            try {
                return JSON.readTree(payloadJson);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** The original's error for an illegal call (already active, not owned, invalid transition…). */
    static final class OriginalError extends RuntimeException {
        OriginalError(String message) {
            super(message);
        }
    }

    private final OriginalDatabase db;
    private final boolean pg;
    private volatile Duration skew = Duration.ZERO;

    OriginalEdition(OriginalDatabase db) {
        this.db = db;
        this.pg = db.postgres();
    }

    OriginalDatabase database() {
        return db;
    }

    OriginalWorkflows workflows() {
        return new OriginalWorkflows(this);
    }

    /** Moves the host clock {@code t} of the original's process (a skewed host). */
    void skew(Duration skew) {
        this.skew = skew;
    }

    /** The original's host clock, t (Rust's {@code Utc::now()}). */
    Instant now() {
        return Instant.now().plus(skew);
    }

    // ---- SQL text that differs by backend ------------------------------------------------------

    boolean postgres() {
        return pg;
    }

    /** The database's own clock: now() on PostgreSQL, SQLite's seconds-precision datetime('now'). */
    String dbNow() {
        return pg ? "now()" : "datetime('now')";
    }

    /** A JSON parameter. */
    String json() {
        return pg ? "?::jsonb" : "?";
    }

    String payloadText(String column) {
        return pg ? column + "::text" : column;
    }

    void bindTime(PreparedStatement ps, int index, Instant t) throws SQLException {
        if (pg) {
            ps.setObject(index, OffsetDateTime.ofInstant(t, ZoneOffset.UTC));
        } else {
            ps.setString(index, SQLITE_TIME.format(t));
        }
    }

    /** A timestamp parameter plus whole seconds (SQLite date arithmetic truncates to seconds). */
    String timePlusSeconds() {
        return pg ? "(?::timestamptz + make_interval(secs => ?))" : "datetime(?, printf('%+d seconds', ?))";
    }

    String columnPlusSeconds(String column) {
        return pg ? "(" + column + " + make_interval(secs => ?))" : "datetime(" + column + ", printf('%+d seconds', ?))";
    }

    // ---- JDBC ------------------------------------------------------------------------------------

    interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    interface Mapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    <T> List<T> query(String sql, Binder binder, Mapper<T> mapper) {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
                List<T> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(mapper.map(rs));
                }
                return out;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("original statement failed: " + e.getMessage() + "\n" + sql, e);
        }
    }

    <T> Optional<T> queryOne(String sql, Binder binder, Mapper<T> mapper) {
        List<T> rows = query(sql, binder, mapper);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    int update(String sql, Binder binder) {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("original statement failed: " + e.getMessage() + "\n" + sql, e);
        }
    }

    // ---- queues ----------------------------------------------------------------------------------

    long createQueue(String name) {
        return queryOne("INSERT INTO pgqrs_queues (queue_name) VALUES (?) RETURNING id",
                ps -> ps.setString(1, name), rs -> rs.getLong(1)).orElseThrow();
    }

    Optional<Long> queueId(String name) {
        return queryOne("SELECT id FROM pgqrs_queues WHERE queue_name = ?", ps -> ps.setString(1, name), rs -> rs.getLong(1));
    }

    long queueIdOrCreate(String name) {
        return queueId(name).orElseGet(() -> createQueue(name));
    }

    // ---- workers ---------------------------------------------------------------------------------

    /**
     * register(name, queue): a new row with t as started/heartbeat, or the same row revived when it is
     * stopped; "already active" for a live one. Before 0.15.2 a worker is a (hostname, port) pair: the
     * name is the hostname and each name gets a port of its own.
     */
    long register(String name, Long queueId) {
        String key = db.release().namedWorkers() ? "name = ?" : "hostname = ?";
        Optional<String[]> existing = queryOne("SELECT id, status FROM pgqrs_workers WHERE " + key,
                ps -> ps.setString(1, name), rs -> new String[] {rs.getString(1), rs.getString(2)});
        Instant t = now();
        if (existing.isEmpty()) {
            String columns = db.release().namedWorkers() ? "name" : "hostname, port";
            String values = db.release().namedWorkers() ? "?" : "?, " + PORTS.incrementAndGet();
            return queryOne("INSERT INTO pgqrs_workers (" + columns + ", queue_id, started_at, heartbeat_at, status) VALUES ("
                    + values + ", ?, ?, ?, 'ready') RETURNING id", ps -> {
                ps.setString(1, name);
                setNullableLong(ps, 2, queueId);
                bindTime(ps, 3, t);
                bindTime(ps, 4, t);
            }, rs -> rs.getLong(1)).orElseThrow();
        }
        long id = Long.parseLong(existing.get()[0]);
        switch (existing.get()[1]) {
            case "stopped" -> {
                update("UPDATE pgqrs_workers SET status = 'ready', queue_id = ?, started_at = " + dbNow() + ", heartbeat_at = "
                        + dbNow() + ", shutdown_at = NULL WHERE id = ?", ps -> {
                    setNullableLong(ps, 1, queueId);
                    ps.setLong(2, id);
                });
                return id;
            }
            case "suspended" -> throw new OriginalError("worker " + name + " is suspended. Use resume()");
            default -> throw new OriginalError("worker " + name + " is already active");
        }
    }

    /** The ephemeral worker every builder call without a named worker creates (never beats, never stops). */
    long ephemeral(Long queueId) {
        String name = "__ephemeral__" + UUID.randomUUID();
        String columns = db.release().namedWorkers() ? "name" : "hostname, port";
        String values = db.release().namedWorkers() ? "?" : "?, -1";
        return queryOne("INSERT INTO pgqrs_workers (" + columns + ", queue_id, status) VALUES (" + values + ", ?, 'ready') RETURNING id",
                ps -> {
                    ps.setString(1, name);
                    setNullableLong(ps, 2, queueId);
                }, rs -> rs.getLong(1)).orElseThrow();
    }

    /**
     * heartbeat_at = t, with no status condition (a stopped row gets it too). The original's consumer
     * calls it only from its poll loop while the queue is empty; producers, admins and ephemeral
     * workers never do. Tests call it where that loop would.
     */
    void heartbeat(long workerId) {
        Instant t = now();
        update("UPDATE pgqrs_workers SET heartbeat_at = ? WHERE id = ?", ps -> {
            bindTime(ps, 1, t);
            ps.setLong(2, workerId);
        });
    }

    String status(long workerId) {
        return queryOne("SELECT status FROM pgqrs_workers WHERE id = ?", ps -> ps.setLong(1, workerId), rs -> rs.getString(1))
                .orElseThrow(() -> new OriginalError("worker " + workerId + " not found"));
    }

    /** A conditional transition; when no row changes, InvalidStateTransition(from, to). */
    void transition(long workerId, String to, String... from) {
        String shutdown = to.equals("stopped") ? ", shutdown_at = ?" : "";
        String in = String.join(", ", java.util.Arrays.stream(from).map(s -> "'" + s + "'").toList());
        Instant t = now();
        int changed = update("UPDATE pgqrs_workers SET status = '" + to + "'" + shutdown + " WHERE id = ? AND status IN (" + in + ")",
                ps -> {
                    int i = 1;
                    if (!shutdown.isEmpty()) {
                        bindTime(ps, i++, t);
                    }
                    ps.setLong(i, workerId);
                });
        if (changed == 0) {
            throw new OriginalError("InvalidStateTransition(" + status(workerId) + ", " + to + ")");
        }
    }

    void suspend(long workerId) {
        transition(workerId, "suspended", "ready", "polling", "interrupted");
    }

    /** Shutdown works from suspended only; a consumer holding any unarchived message of its queue refuses. */
    void shutdownConsumer(long workerId, long queueId) {
        long held = queryOne("SELECT count(*) FROM pgqrs_messages WHERE consumer_worker_id = ? AND queue_id = ? AND archived_at IS NULL",
                ps -> {
                    ps.setLong(1, workerId);
                    ps.setLong(2, queueId);
                }, rs -> rs.getLong(1)).orElse(0L);
        if (held > 0) {
            throw new OriginalError("consumer " + workerId + " still holds " + held + " message(s)");
        }
        transition(workerId, "stopped", "suspended");
    }

    void shutdown(long workerId) {
        transition(workerId, "stopped", "suspended");
    }

    // ---- messages --------------------------------------------------------------------------------

    /** enqueue: read_ct 0, enqueued_at = t, vt = t + delay (whole seconds), producer = the producer's row. */
    long enqueue(long queueId, long producerId, String payloadJson, int delaySeconds) {
        OriginalPayloadRules.check(payloadJson);
        Instant t = now();
        return queryOne("INSERT INTO pgqrs_messages (queue_id, payload, read_ct, enqueued_at, vt, producer_worker_id) VALUES (?, "
                + json() + ", 0, ?, ?, ?) RETURNING id", ps -> {
            ps.setLong(1, queueId);
            ps.setString(2, payloadJson);
            bindTime(ps, 3, t);
            bindTime(ps, 4, t.plusSeconds(delaySeconds));
            ps.setLong(5, producerId);
        }, rs -> rs.getLong(1)).orElseThrow();
    }

    long enqueue(long queueId, long producerId, String payloadJson) {
        return enqueue(queueId, producerId, payloadJson, 0);
    }

    /** The batch is one insert; every structure is checked before anything is written. */
    List<Long> enqueueBatch(long queueId, long producerId, List<String> payloads) {
        for (int i = 0; i < payloads.size(); i++) {
            try {
                OriginalPayloadRules.check(payloads.get(i));
            } catch (OriginalPayloadRules.Rejected e) {
                throw new OriginalPayloadRules.Rejected("Payload at index " + i + ": " + e.getMessage());
            }
        }
        Instant t = now();
        StringBuilder rows = new StringBuilder();
        for (int i = 0; i < payloads.size(); i++) {
            rows.append(i == 0 ? "" : ", ").append("(?, ").append(json()).append(", 0, ?, ?, ?)");
        }
        return query("INSERT INTO pgqrs_messages (queue_id, payload, read_ct, enqueued_at, vt, producer_worker_id) VALUES "
                + rows + " RETURNING id", ps -> {
            int p = 1;
            for (String payload : payloads) {
                ps.setLong(p++, queueId);
                ps.setString(p++, payload);
                bindTime(ps, p++, t);
                bindTime(ps, p++, t);
                ps.setLong(p++, producerId);
            }
        }, rs -> rs.getLong(1));
    }

    /**
     * dequeue(n, vt): rows of the queue that are visible by t, held by no consumer, not archived and
     * under max_read_ct, oldest enqueued_at first (no tie-break); vt = t + vt s, read_ct + 1.
     */
    List<Msg> dequeue(long queueId, long consumerId, int n, int vtSeconds) {
        Instant t = now();
        String lock = pg ? " FOR UPDATE SKIP LOCKED" : "";
        return query("UPDATE pgqrs_messages SET vt = " + timePlusSeconds() + ", read_ct = read_ct + 1,"
                + " dequeued_at = coalesce(dequeued_at, ?), consumer_worker_id = ?"
                + " WHERE id IN (SELECT id FROM pgqrs_messages WHERE queue_id = ? AND (vt IS NULL OR vt <= ?)"
                + " AND consumer_worker_id IS NULL AND archived_at IS NULL AND read_ct < ? ORDER BY enqueued_at ASC LIMIT ?" + lock + ")"
                + " RETURNING id, queue_id, " + payloadText("payload") + ", read_ct", ps -> {
            bindTime(ps, 1, t);
            ps.setInt(2, vtSeconds);
            bindTime(ps, 3, t);
            ps.setLong(4, consumerId);
            ps.setLong(5, queueId);
            bindTime(ps, 6, t);
            ps.setInt(7, MAX_READ_CT);
            ps.setInt(8, n);
        }, rs -> new Msg(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getInt(4)));
    }

    List<Msg> dequeue(long queueId, long consumerId, int n) {
        return dequeue(queueId, consumerId, n, DEFAULT_VT_SECONDS);
    }

    /** archive: owned by me and not archived (vt not checked); archived_at = now(). */
    boolean archive(long id, long consumerId) {
        return update("UPDATE pgqrs_messages SET archived_at = " + dbNow()
                + " WHERE id = ? AND consumer_worker_id = ? AND archived_at IS NULL", ps -> {
            ps.setLong(1, id);
            ps.setLong(2, consumerId);
        }) == 1;
    }

    /** delete: owned by me, archived or not, any vt. */
    boolean delete(long id, long consumerId) {
        return update("DELETE FROM pgqrs_messages WHERE id = ? AND consumer_worker_id = ?", ps -> {
            ps.setLong(1, id);
            ps.setLong(2, consumerId);
        }) == 1;
    }

    /** extend_vt: owned by me (no archived check); vt = old vt + s. */
    boolean extendVt(long id, long consumerId, int seconds) {
        return update("UPDATE pgqrs_messages SET vt = " + columnPlusSeconds("vt") + " WHERE id = ? AND consumer_worker_id = ?", ps -> {
            ps.setInt(1, seconds);
            ps.setLong(2, id);
            ps.setLong(3, consumerId);
        }) == 1;
    }

    /** release_messages: owned by me (no archived check); vt = now(), consumer NULL, read_ct kept. */
    boolean release(long id, long consumerId) {
        return update("UPDATE pgqrs_messages SET vt = " + dbNow() + ", consumer_worker_id = NULL WHERE id = ? AND consumer_worker_id = ?",
                ps -> {
                    ps.setLong(1, id);
                    ps.setLong(2, consumerId);
                }) == 1;
    }

    /** admin dlq(): over all queues, unarchived rows with read_ct ≥ max (leased or not) get archived_at = now(). */
    List<Long> dlq() {
        return query("UPDATE pgqrs_messages SET archived_at = " + dbNow() + " WHERE read_ct >= ? AND archived_at IS NULL RETURNING id",
                ps -> ps.setInt(1, MAX_READ_CT), rs -> rs.getLong(1));
    }

    /** replay_dlq(id): any archived row becomes new: read_ct 0, vt and enqueued_at now(), no consumer. */
    boolean replayDlq(long id) {
        return update("UPDATE pgqrs_messages SET archived_at = NULL, read_ct = 0, vt = " + dbNow() + ", enqueued_at = " + dbNow()
                + ", consumer_worker_id = NULL, dequeued_at = NULL WHERE id = ? AND archived_at IS NOT NULL", ps -> ps.setLong(1, id)) == 1;
    }

    /**
     * reclaim_messages(queue, older_than): workers of that queue, not stopped, whose heartbeat is older
     * than older_than (PG: by now(); SQLite: by t). Per zombie: its unarchived messages released, then
     * the worker stopped. Two statements per zombie, no transaction. Returns the messages released.
     */
    int reclaim(long queueId, Duration olderThan) {
        Instant t = now();
        String cutoff = pg ? "now() - make_interval(secs => ?)" : "?";
        List<Long> zombies = query("SELECT id FROM pgqrs_workers WHERE queue_id = ? AND status IN ('ready', 'polling', 'suspended', 'interrupted')"
                + " AND heartbeat_at < " + cutoff, ps -> {
            ps.setLong(1, queueId);
            if (pg) {
                ps.setDouble(2, olderThan.toMillis() / 1000.0);
            } else {
                bindTime(ps, 2, t.minus(olderThan));
            }
        }, rs -> rs.getLong(1));
        int released = 0;
        for (long zombie : zombies) {
            released += update("UPDATE pgqrs_messages SET vt = " + dbNow() + ", consumer_worker_id = NULL"
                    + " WHERE consumer_worker_id = ? AND archived_at IS NULL", ps -> ps.setLong(1, zombie));
            update("UPDATE pgqrs_workers SET status = 'stopped', shutdown_at = " + dbNow() + " WHERE id = ?", ps -> ps.setLong(1, zombie));
        }
        return released;
    }

    /**
     * purge_old_workers(d): stopped workers whose heartbeat is older than t − d and that no message
     * names as producer or consumer. It does not look at workflow runs: a run naming the worker makes
     * the statement fail on its foreign key.
     */
    int purgeOldWorkers(Duration olderThan) {
        Instant cutoff = now().minus(olderThan);
        return update("DELETE FROM pgqrs_workers AS w WHERE w.status = 'stopped' AND w.heartbeat_at < ?"
                + " AND NOT EXISTS (SELECT 1 FROM pgqrs_messages m WHERE m.producer_worker_id = w.id OR m.consumer_worker_id = w.id)",
                ps -> bindTime(ps, 1, cutoff));
    }

    /** Per queue as the original's stats count: pending = not leased, not archived (delayed and dead included). */
    record Counts(long total, long pending, long locked, long archived) {
    }

    Counts counts(long queueId) {
        return queryOne("SELECT count(*),"
                + " coalesce(sum(CASE WHEN consumer_worker_id IS NULL AND archived_at IS NULL THEN 1 ELSE 0 END), 0),"
                + " coalesce(sum(CASE WHEN consumer_worker_id IS NOT NULL AND archived_at IS NULL THEN 1 ELSE 0 END), 0),"
                + " coalesce(sum(CASE WHEN archived_at IS NOT NULL THEN 1 ELSE 0 END), 0)"
                + " FROM pgqrs_messages WHERE queue_id = ?", ps -> ps.setLong(1, queueId),
                rs -> new Counts(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4))).orElseThrow();
    }

    /** Every column of one message, as text, for assertions. */
    java.util.Map<String, String> messageRow(long id) {
        return queryOne("SELECT * FROM pgqrs_messages WHERE id = ?", ps -> ps.setLong(1, id), rs -> {
            java.util.Map<String, String> row = new java.util.LinkedHashMap<>();
            for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                row.put(rs.getMetaData().getColumnName(i), rs.getString(i));
            }
            return row;
        }).orElse(null);
    }

    static Long nullableLong(ResultSet rs, int column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }

    static void setNullableLong(PreparedStatement ps, int index, Long value) throws SQLException {
        if (value == null) {
            ps.setNull(index, java.sql.Types.BIGINT);
        } else {
            ps.setLong(index, value);
        }
    }
}
