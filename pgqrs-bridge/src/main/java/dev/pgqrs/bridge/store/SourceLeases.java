package dev.pgqrs.bridge.store;

import java.sql.PreparedStatement;
import java.time.Duration;

/**
 * Leases of sources that must not run on two instances at once (a file folder, a timer): a row per
 * connector naming the instance that holds it until {@code expires_at} (the database's clock). The holder
 * renews it; another instance takes it over only once it has expired.
 */
public final class SourceLeases {

    private final BridgeDatabase db;

    public SourceLeases(BridgeDatabase db) {
        this.db = db;
    }

    /** Takes or renews the lease for {@code holder}; true if {@code holder} holds it now. */
    public boolean acquire(String name, String holder, Duration duration) {
        return db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement(db.sql("""
                    INSERT INTO pgqrs_bridge_leases (name, holder, expires_at) VALUES (?, ?, {now} + ?)
                    ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
                    WHERE pgqrs_bridge_leases.holder = excluded.holder OR pgqrs_bridge_leases.expires_at < {now}"""))) {
                ps.setString(1, name);
                ps.setString(2, holder);
                ps.setLong(3, duration.toMillis());
                return ps.executeUpdate() == 1;
            }
        });
    }

    /** Gives the lease back at once (the holder stops), so another instance need not wait for it to expire. */
    public void release(String name, String holder) {
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM pgqrs_bridge_leases WHERE name = ? AND holder = ?")) {
                ps.setString(1, name);
                ps.setString(2, holder);
                return ps.executeUpdate();
            }
        });
    }
}
