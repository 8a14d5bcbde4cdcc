package dev.pgqrs.store;

import dev.pgqrs.WorkerInfo;
import dev.pgqrs.WorkerNameTakenException;
import dev.pgqrs.WorkerStatus;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Worker rows: registration, heartbeats, status transitions, reaping. */
public final class WorkerRepository {

    private static final String COUNT_BY_STATUS = "SELECT status, count(*) FROM pgqrs_workers GROUP BY status";
    private static final String DELETE = "DELETE FROM pgqrs_workers WHERE id = ?";
    private static final String FIND_STATUS_BY_NAME = "SELECT status FROM pgqrs_workers WHERE name = ?";
    private static final String COUNT_OWNED = "SELECT count(*) FROM pgqrs_messages WHERE consumer_worker_id = ? AND archived_at IS NULL";
    /** The statuses of a worker that is not stopped. */
    private static final String LIVE = "status IN ('ready', 'polling', 'suspended', 'interrupted')";

    private final Dialect dialect;
    private final String columns;
    private final String find;
    private final String list;
    private final String listByQueue;
    private final String reapAll;
    private final String reapQueue;
    private final String releaseOf;
    private final String releaseHeldBy;
    private final String stoppedBefore;
    private final String detachProducer;
    private final String detachConsumer;
    private final String detachRuns;
    private final String deleteAll;
    private final String countReferences;
    private final String countStale;

    public WorkerRepository(Dialect dialect) {
        this.dialect = dialect;
        this.columns = "id, name, queue_id, status, started_at, heartbeat_at, shutdown_at, "
                + dialect.millisSince("heartbeat_at");
        this.find = "SELECT " + columns + " FROM pgqrs_workers WHERE id = ?";
        this.list = "SELECT " + columns + " FROM pgqrs_workers ORDER BY id";
        this.listByQueue = "SELECT " + columns + " FROM pgqrs_workers WHERE queue_id = ? ORDER BY id";
        String stop = "UPDATE pgqrs_workers SET status = 'stopped', shutdown_at = " + dialect.now()
                + " WHERE " + LIVE + " AND heartbeat_at < " + dialect.nowMinusMillis();
        // The reaper judges only this edition's workers, which heartbeat on a schedule whether busy or idle;
        // other editions' workers beat by their own rules, and are left to an operator's reclaim.
        this.reapAll = stop + " AND edition = 'java' RETURNING id";
        this.reapQueue = stop + " AND queue_id = ? RETURNING id";
        this.releaseOf = "UPDATE pgqrs_messages SET vt = " + dialect.now() + ", consumer_worker_id = NULL"
                + " WHERE consumer_worker_id " + dialect.inIds() + " AND archived_at IS NULL";
        this.releaseHeldBy = "UPDATE pgqrs_messages SET vt = " + dialect.now() + ", consumer_worker_id = NULL"
                + " WHERE consumer_worker_id = ? AND archived_at IS NULL";
        this.stoppedBefore = "SELECT id FROM pgqrs_workers WHERE status = 'stopped'"
                + " AND coalesce(shutdown_at, heartbeat_at) < " + dialect.nowMinusMillis() + " ORDER BY id LIMIT ?";
        this.detachProducer = "UPDATE pgqrs_messages SET producer_worker_id = NULL WHERE producer_worker_id " + dialect.inIds();
        this.detachConsumer = "UPDATE pgqrs_messages SET consumer_worker_id = NULL WHERE consumer_worker_id " + dialect.inIds();
        this.detachRuns = "UPDATE pgqrs_workflow_runs SET worker_id = NULL WHERE worker_id " + dialect.inIds();
        this.deleteAll = "DELETE FROM pgqrs_workers WHERE id " + dialect.inIds();
        this.countStale = "SELECT count(*) FROM pgqrs_workers WHERE " + LIVE + " AND heartbeat_at < " + dialect.nowMinusMillis();
        this.countReferences = "SELECT (SELECT count(*) FROM pgqrs_messages WHERE producer_worker_id = ?)"
                + " + (SELECT count(*) FROM pgqrs_messages WHERE consumer_worker_id = ?)";
    }

    /** A registered worker row, and whether it was a stopped row of the same name taken over. */
    public record Registered(WorkerInfo info, boolean revived) {
    }

    /**
     * Registers a worker: with an explicit name, a stopped row of that name is taken over; otherwise (or if
     * there is none) a row is inserted. A name held by a live worker fails with the status it has.
     */
    public Registered register(Connection c, String name, Long queueId, boolean explicitName) throws SQLException {
        if (explicitName) {
            Optional<WorkerInfo> revived = Jdbc.queryOne(c, dialect.reviveWorker(), ps -> {
                Jdbc.setNullableLong(ps, 1, queueId);
                ps.setString(2, name);
            }, rs -> new WorkerInfo(rs.getLong(1), name, queueId, WorkerStatus.READY, dialect.readInstant(rs, 2),
                    dialect.readInstant(rs, 3), null, java.time.Duration.ZERO));
            if (revived.isPresent()) {
                return new Registered(revived.get(), true);
            }
        }
        try {
            return new Registered(Jdbc.queryOne(c, dialect.insertWorker(), ps -> {
                ps.setString(1, name);
                Jdbc.setNullableLong(ps, 2, queueId);
            }, rs -> new WorkerInfo(rs.getLong(1), name, queueId, WorkerStatus.READY, dialect.readInstant(rs, 2),
                    dialect.readInstant(rs, 3), null, java.time.Duration.ZERO)).orElseThrow(), false);
        } catch (SQLException e) {
            if (!dialect.isConstraintViolation(e)) {
                throw e;
            }
            String status = Jdbc.queryOne(c, FIND_STATUS_BY_NAME, ps -> ps.setString(1, name), rs -> rs.getString(1))
                    .orElse("unknown");
            throw new WorkerNameTakenException(name, status);
        }
    }

    /**
     * Beats every given worker in one statement; returns those still alive (not stopped) with the status their
     * rows have.
     */
    public Map<Long, WorkerStatus> heartbeat(Connection c, Collection<Long> ids) throws SQLException {
        Map<Long, WorkerStatus> alive = new java.util.HashMap<>();
        Jdbc.query(c, dialect.heartbeat(), ps -> dialect.bindIds(c, ps, 1, ids),
                rs -> alive.put(rs.getLong(1), WorkerStatus.fromSql(rs.getString(2))));
        return alive;
    }

    /** Moves a worker to {@code target} if its current status allows; empty if it did not. */
    public Optional<WorkerStatus> transition(Connection c, long id, WorkerStatus target) throws SQLException {
        return transition(c, id, target, target.allowedFrom());
    }

    /** Moves the worker to {@code target} only from one of {@code allowed}; empty when it had another status. */
    public Optional<WorkerStatus> transition(Connection c, long id, WorkerStatus target, Set<WorkerStatus> allowed)
            throws SQLException {
        List<String> from = new ArrayList<>();
        for (WorkerStatus s : allowed) {
            from.add(s.sqlName());
        }
        return Jdbc.queryOne(c, dialect.transitionWorker(), ps -> {
            ps.setString(1, target.sqlName());
            ps.setString(2, target.sqlName());
            ps.setLong(3, id);
            dialect.bindTexts(c, ps, 4, from);
        }, rs -> WorkerStatus.fromSql(rs.getString(1)));
    }

    public Optional<WorkerInfo> find(Connection c, long id) throws SQLException {
        return Jdbc.queryOne(c, find, ps -> ps.setLong(1, id), this::map);
    }

    public List<WorkerInfo> list(Connection c, Long queueId) throws SQLException {
        if (queueId == null) {
            return Jdbc.query(c, list, StatementBinder.NONE, this::map);
        }
        return Jdbc.query(c, listByQueue, ps -> ps.setLong(1, queueId), this::map);
    }

    /**
     * Stops the workers that are not stopped and whose heartbeat is older than {@code staleMillis} by the
     * database's clock — this edition's workers of every queue when {@code queueId} is null (the reaper), or
     * every worker of one queue (an operator's reclaim) — and makes the messages they held visible again
     * (delivery count kept). Two statements: run it in a transaction.
     */
    public dev.pgqrs.ReapResult reap(Connection c, long staleMillis, Long queueId) throws SQLException {
        List<Long> dead = Jdbc.query(c, queueId == null ? reapAll : reapQueue, ps -> {
            ps.setLong(1, staleMillis);
            if (queueId != null) {
                ps.setLong(2, queueId);
            }
        }, rs -> rs.getLong(1));
        if (dead.isEmpty()) {
            return dev.pgqrs.ReapResult.NONE;
        }
        int released = Jdbc.update(c, releaseOf, ps -> dialect.bindIds(c, ps, 1, dead));
        return new dev.pgqrs.ReapResult(dead.size(), released);
    }

    /** Makes every message the worker holds visible again (delivery count kept); returns how many. */
    public int releaseMessagesOf(Connection c, long workerId) throws SQLException {
        return Jdbc.update(c, releaseHeldBy, ps -> ps.setLong(1, workerId));
    }

    /** Unarchived messages the worker holds, expired leases included (pgqrs refuses a consumer's shutdown then). */
    public long countOwned(Connection c, long workerId) throws SQLException {
        return Jdbc.queryLong(c, COUNT_OWNED, ps -> ps.setLong(1, workerId));
    }

    /** How many messages name the worker as their producer or consumer. */
    public long countReferences(Connection c, long workerId) throws SQLException {
        return Jdbc.queryLong(c, countReferences, ps -> {
            ps.setLong(1, workerId);
            ps.setLong(2, workerId);
        });
    }

    /**
     * Deletes up to {@code limit} workers stopped longer ago than {@code olderMillis}, detaching the messages
     * and runs that still name them (their producer, consumer or worker becomes unknown: the history of a
     * worker long gone). Several statements: run it in a transaction. Returns how many were deleted.
     */
    public int purgeStopped(Connection c, long olderMillis, int limit) throws SQLException {
        List<Long> ids = Jdbc.query(c, stoppedBefore, ps -> {
            ps.setLong(1, olderMillis);
            ps.setInt(2, limit);
        }, rs -> rs.getLong(1));
        if (ids.isEmpty()) {
            return 0;
        }
        for (String detach : List.of(detachProducer, detachConsumer, detachRuns)) {
            Jdbc.update(c, detach, ps -> dialect.bindIds(c, ps, 1, ids));
        }
        return Jdbc.update(c, deleteAll, ps -> dialect.bindIds(c, ps, 1, ids));
    }

    public Map<WorkerStatus, Long> countByStatus(Connection c) throws SQLException {
        Map<WorkerStatus, Long> counts = new EnumMap<>(WorkerStatus.class);
        for (WorkerStatus s : WorkerStatus.values()) {
            counts.put(s, 0L);
        }
        Jdbc.query(c, COUNT_BY_STATUS, StatementBinder.NONE,
                rs -> counts.put(WorkerStatus.fromSql(rs.getString(1)), rs.getLong(2)));
        return counts;
    }

    public long countStale(Connection c, long staleMillis) throws SQLException {
        return Jdbc.queryLong(c, countStale, ps -> ps.setLong(1, staleMillis));
    }

    /**
     * Deletes a worker row that no message or run references (the caller knows it never produced
     * or leased anything), so short-lived producers and consumers leave no row behind.
     */
    public boolean delete(Connection c, long id) throws SQLException {
        return Jdbc.update(c, DELETE, ps -> ps.setLong(1, id)) == 1;
    }

    private WorkerInfo map(ResultSet rs) throws SQLException {
        Long age = Jdbc.nullableLong(rs, 8);
        return new WorkerInfo(rs.getLong(1), rs.getString(2), Jdbc.nullableLong(rs, 3), WorkerStatus.fromSql(rs.getString(4)),
                dialect.readInstant(rs, 5), dialect.readInstant(rs, 6), dialect.readInstant(rs, 7),
                age == null ? null : java.time.Duration.ofMillis(Math.max(0, age)));
    }
}
