package dev.pgqrs.store.sqlite;

import dev.pgqrs.store.Database;
import dev.pgqrs.store.Jdbc;
import dev.pgqrs.store.LeaderLease;

import java.time.Duration;

/**
 * Maintenance leadership on SQLite: a lease row in {@code pgqrs_leader_leases}, which its holder renews on every
 * tick and another process takes once it has expired. Within one process there is one candidate per store; across
 * processes on one file the row decides, by SQLite's own clock, in one upsert (the file's write lock serialises
 * candidates). A holder killed with {@code kill -9} renews no more and is replaced once its lease runs out.
 */
final class SqliteLeaseRow implements LeaderLease {

    static final String NAME = "maintenance";

    private static final String ACQUIRE_OR_RENEW = """
            INSERT INTO pgqrs_leader_leases (name, holder, acquired_at, expires_at)
            VALUES (?1, ?2, strftime('%Y-%m-%d %H:%M:%f', 'now'),
                    strftime('%Y-%m-%d %H:%M:%f', 'now', printf('%+.3f seconds', ?3 / 1000.0)))
            ON CONFLICT (name) DO UPDATE SET
                acquired_at = CASE WHEN pgqrs_leader_leases.holder = excluded.holder
                                   THEN pgqrs_leader_leases.acquired_at ELSE excluded.acquired_at END,
                holder = excluded.holder,
                expires_at = excluded.expires_at
            WHERE pgqrs_leader_leases.holder = excluded.holder
               OR pgqrs_leader_leases.expires_at < strftime('%Y-%m-%d %H:%M:%f', 'now')
            RETURNING holder""";

    private static final String RELEASE = "DELETE FROM pgqrs_leader_leases WHERE name = ?1 AND holder = ?2";

    private final Database database;
    private final String holder;
    private final long ttlMillis;

    SqliteLeaseRow(Database database, String holder, Duration ttl) {
        this.database = database;
        this.holder = holder;
        this.ttlMillis = Math.max(1, ttl.toMillis());
    }

    @Override
    public boolean acquireOrRenew() {
        return database.execute("take or renew the maintenance leader lease", c -> Jdbc.queryOne(c, ACQUIRE_OR_RENEW, ps -> {
            ps.setString(1, NAME);
            ps.setString(2, holder);
            ps.setLong(3, ttlMillis);
        }, rs -> rs.getString(1)).isPresent());
    }

    @Override
    public void release() {
        try {
            database.execute("give up the maintenance leader lease", c -> Jdbc.update(c, RELEASE, ps -> {
                ps.setString(1, NAME);
                ps.setString(2, holder);
            }));
        } catch (RuntimeException e) {
            // Unreachable or closing: the lease expires on its own.
        }
    }
}
