package dev.pgqrs.bridge.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** The tasks' rows: each instance writes its own, every instance reads all (the status of a connector). */
public final class TaskRepository {

    private final BridgeDatabase db;

    public TaskRepository(BridgeDatabase db) {
        this.db = db;
    }

    /** Replaces this instance's rows of a connector with {@code tasks}. */
    public void replace(String connector, String workerId, Collection<TaskRecord> tasks) {
        db.write(c -> {
            try (PreparedStatement del = c.prepareStatement("DELETE FROM pgqrs_bridge_tasks WHERE connector = ? AND worker_id = ?")) {
                del.setString(1, connector);
                del.setString(2, workerId);
                del.executeUpdate();
            }
            try (PreparedStatement ins = c.prepareStatement(db.sql("""
                    INSERT INTO pgqrs_bridge_tasks (connector, task, worker_id, state, trace, updated_at)
                    VALUES (?, ?, ?, ?, ?, {now})"""))) {
                for (TaskRecord t : tasks) {
                    ins.setString(1, connector);
                    ins.setString(2, t.task());
                    ins.setString(3, workerId);
                    ins.setString(4, t.state());
                    ins.setString(5, t.trace());
                    ins.addBatch();
                }
                ins.executeBatch();
            }
            return null;
        });
    }

    /** Removes every row of this instance (it is stopping). */
    public void removeWorker(String workerId) {
        db.write(c -> {
            try (PreparedStatement del = c.prepareStatement("DELETE FROM pgqrs_bridge_tasks WHERE worker_id = ?")) {
                del.setString(1, workerId);
                return del.executeUpdate();
            }
        });
    }

    /** The rows of a connector written by instances that beat within {@code liveWithinMillis}. */
    public List<TaskRecord> list(String connector, long liveWithinMillis) {
        return db.read("read the tasks of '" + connector + "'", c -> {
            try (PreparedStatement ps = c.prepareStatement(db.sql("""
                    SELECT t.connector, t.task, t.worker_id, t.state, t.trace, t.updated_at
                    FROM pgqrs_bridge_tasks t JOIN pgqrs_bridge_workers w ON w.worker_id = t.worker_id
                    WHERE t.connector = ? AND w.heartbeat_at >= {now} - ?
                    ORDER BY t.task, t.worker_id"""))) {
                ps.setString(1, connector);
                ps.setLong(2, liveWithinMillis);
                try (ResultSet rs = ps.executeQuery()) {
                    List<TaskRecord> out = new ArrayList<>();
                    while (rs.next()) {
                        out.add(new TaskRecord(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                                rs.getString(5), rs.getLong(6)));
                    }
                    return out;
                }
            }
        });
    }
}
