package dev.pgqrs.maintenance;

import dev.pgqrs.store.LeaderLease;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * Whether this process is the one that runs maintenance on its database. A tick (on a thread of its own, so long
 * maintenance passes never delay it) takes or renews the {@link LeaderLease}; leadership confirmed at a tick is
 * trusted for the lease's length only, so a leader that can no longer renew (its database away, its thread
 * stalled) stops leading before another process may take over. One INFO line on gaining and on losing it.
 */
final class MaintenanceLeader {

    private static final Logger LOG = LoggerFactory.getLogger(MaintenanceLeader.class);

    private final LeaderLease lease;
    private final String holder;
    private final String database;
    private final long trustNanos;
    private volatile boolean held;
    private volatile long trustedUntil;

    MaintenanceLeader(LeaderLease lease, String holder, String database, Duration trust) {
        this.lease = lease;
        this.holder = holder;
        this.database = database;
        this.trustNanos = trust.toNanos();
    }

    /** Takes or renews leadership; rethrows an outage after counting leadership as lost. */
    void tick() {
        long started = System.nanoTime();
        boolean holds;
        try {
            holds = lease.acquireOrRenew();
        } catch (RuntimeException e) {
            lose("the database could not be reached (" + e.getMessage() + ")");
            throw e;
        }
        if (holds) {
            trustedUntil = started + trustNanos;
            if (!held) {
                held = true;
                LOG.info("{} is now the maintenance leader of {}", holder, database);
            }
        } else {
            lose("another process holds leadership");
        }
    }

    private void lose(String why) {
        if (held) {
            held = false;
            LOG.info("{} is no longer the maintenance leader of {}: {}", holder, database, why);
        }
    }

    boolean isLeader() {
        return held && System.nanoTime() - trustedUntil < 0;
    }

    /** Gives leadership up, so another process takes over at its next tick instead of after the lease. */
    void close() {
        boolean was = held;
        held = false;
        lease.release();
        if (was) {
            LOG.info("{} is no longer the maintenance leader of {}: the store is closing", holder, database);
        }
    }
}
