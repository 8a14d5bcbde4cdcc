package dev.pgqrs.bridge.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

/** The bridge instances sharing the store, by heartbeat (Kafka Connect's workers of a cluster). */
public final class WorkerRepository {

    private final BridgeDatabase db;

    public WorkerRepository(BridgeDatabase db) {
        this.db = db;
    }

    /** Records that the instance is alive (and where its REST API is). */
    public void beat(String workerId, String url) {
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement(db.sql("""
                    INSERT INTO pgqrs_bridge_workers (worker_id, url, started_at, heartbeat_at) VALUES (?, ?, {now}, {now})
                    ON CONFLICT (worker_id) DO UPDATE SET url = excluded.url, heartbeat_at = excluded.heartbeat_at"""))) {
                ps.setString(1, workerId);
                ps.setString(2, url);
                return ps.executeUpdate();
            }
        });
    }

    public void remove(String workerId) {
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM pgqrs_bridge_workers WHERE worker_id = ?")) {
                ps.setString(1, workerId);
                return ps.executeUpdate();
            }
        });
    }

    /** The instances that beat within {@code liveWithinMillis}. */
    public List<String> live(long liveWithinMillis) {
        return db.read("list bridge instances", c -> {
            try (PreparedStatement ps = c.prepareStatement(db.sql(
                    "SELECT worker_id FROM pgqrs_bridge_workers WHERE heartbeat_at >= {now} - ? ORDER BY worker_id"))) {
                ps.setLong(1, liveWithinMillis);
                try (ResultSet rs = ps.executeQuery()) {
                    List<String> out = new ArrayList<>();
                    while (rs.next()) {
                        out.add(rs.getString(1));
                    }
                    return out;
                }
            }
        });
    }
}
