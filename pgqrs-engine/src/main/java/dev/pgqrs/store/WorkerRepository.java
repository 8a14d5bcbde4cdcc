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

/** Worker rows: registration, heartbeats, status transitions, reaping. */
public final class WorkerRepository {

    private static final String COLUMNS = "id, name, queue_id, status, started_at, heartbeat_at, shutdown_at";
    private static final String FIND = "SELECT " + COLUMNS + " FROM pgqrs_workers WHERE id = ?";
    private static final String LIST = "SELECT " + COLUMNS + " FROM pgqrs_workers ORDER BY id";
    private static final String LIST_BY_QUEUE = "SELECT " + COLUMNS + " FROM pgqrs_workers WHERE queue_id = ? ORDER BY id";
    private static final String COUNT_BY_STATUS = "SELECT status, count(*) FROM pgqrs_workers GROUP BY status";
    private static final String DELETE = "DELETE FROM pgqrs_workers WHERE id = ?";
    private static final String FIND_STATUS_BY_NAME = "SELECT status FROM pgqrs_workers WHERE name = ?";

    private final Dialect dialect;

    public WorkerRepository(Dialect dialect) {
        this.dialect = dialect;
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
                    dialect.readInstant(rs, 3), null));
            if (revived.isPresent()) {
                return new Registered(revived.get(), true);
            }
        }
        try {
            return new Registered(Jdbc.queryOne(c, dialect.insertWorker(), ps -> {
                ps.setString(1, name);
                Jdbc.setNullableLong(ps, 2, queueId);
            }, rs -> new WorkerInfo(rs.getLong(1), name, queueId, WorkerStatus.READY, dialect.readInstant(rs, 2),
                    dialect.readInstant(rs, 3), null)).orElseThrow(), false);
        } catch (SQLException e) {
            if (!dialect.isConstraintViolation(e)) {
                throw e;
            }
            String status = Jdbc.queryOne(c, FIND_STATUS_BY_NAME, ps -> ps.setString(1, name), rs -> rs.getString(1))
                    .orElse("unknown");
            throw new WorkerNameTakenException(name, status);
        }
    }

    /** Beats every given worker in one statement; returns those still alive (not stopped). */
    public List<Long> heartbeat(Connection c, Collection<Long> ids) throws SQLException {
        return Jdbc.query(c, dialect.heartbeat(), ps -> dialect.bindIds(c, ps, 1, ids), rs -> rs.getLong(1));
    }

    /** Moves a worker to {@code target} if its current status allows; empty if it did not. */
    public Optional<WorkerStatus> transition(Connection c, long id, WorkerStatus target) throws SQLException {
        List<String> from = new ArrayList<>();
        for (WorkerStatus s : target.allowedFrom()) {
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
        return Jdbc.queryOne(c, FIND, ps -> ps.setLong(1, id), this::map);
    }

    public List<WorkerInfo> list(Connection c, Long queueId) throws SQLException {
        if (queueId == null) {
            return Jdbc.query(c, LIST, StatementBinder.NONE, this::map);
        }
        return Jdbc.query(c, LIST_BY_QUEUE, ps -> ps.setLong(1, queueId), this::map);
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
        return Jdbc.query(c, dialect.countStaleWorkers(), ps -> ps.setLong(1, staleMillis), rs -> rs.getLong(1)).size();
    }

    /**
     * Deletes a worker row that no message or run references (the caller knows it never produced
     * or leased anything), so short-lived producers and consumers leave no row behind.
     */
    public boolean delete(Connection c, long id) throws SQLException {
        return Jdbc.update(c, DELETE, ps -> ps.setLong(1, id)) == 1;
    }

    private WorkerInfo map(ResultSet rs) throws SQLException {
        return new WorkerInfo(rs.getLong(1), rs.getString(2), Jdbc.nullableLong(rs, 3), WorkerStatus.fromSql(rs.getString(4)),
                dialect.readInstant(rs, 5), dialect.readInstant(rs, 6), dialect.readInstant(rs, 7));
    }
}
