package dev.pgqrs.store;

import dev.pgqrs.StoreHealth;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Whether the database answers, as the store's own operations find out: every operation that could
 * not get or keep a connection marks it unreachable, the next one that could marks it reachable. No
 * probing of its own; the hot path pays one volatile read.
 *
 * <p>The reaper asks {@link #reachableFor} before it declares anyone dead: heartbeats that could not
 * be written while the database was away must not make live workers look stale.
 */
public final class Availability {

    private final AtomicLong failures = new AtomicLong();
    private volatile boolean reachable = true;
    private volatile long sinceNanos = System.nanoTime();
    private volatile Instant since = Instant.now();
    private volatile String lastError;

    /** An operation reached the database. */
    public void reached() {
        if (!reachable) {
            flip(true);
        }
    }

    /** An operation could not reach the database (or lost its connection). */
    public void unreachable(String error) {
        failures.incrementAndGet();
        lastError = error;
        if (reachable) {
            flip(false);
        }
    }

    private synchronized void flip(boolean now) {
        if (reachable != now) {
            reachable = now;
            sinceNanos = System.nanoTime();
            since = Instant.now();
        }
    }

    public boolean isReachable() {
        return reachable;
    }

    /** True if the database has answered every operation for at least {@code d} without a break. */
    public boolean reachableFor(Duration d) {
        return reachable && System.nanoTime() - sinceNanos >= d.toNanos();
    }

    public StoreHealth snapshot() {
        return new StoreHealth(reachable, since, lastError, failures.get());
    }
}
