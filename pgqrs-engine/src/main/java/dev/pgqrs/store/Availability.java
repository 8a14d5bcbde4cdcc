package dev.pgqrs.store;

import dev.pgqrs.StoreHealth;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Whether the database answers, as the store's own operations find out: every operation that could
 * not get or keep a connection marks it unreachable, the next one that could marks it reachable. No
 * probing of its own; the hot path pays one volatile read.
 *
 * <p>The reaper asks {@link #reachableFor} before it declares anyone dead: heartbeats that could not
 * be written while the database was away must not make live workers look stale. An operation that got
 * its connection only after a long wait ({@link #waitedLong}) — the pool could not connect for a while,
 * and then could — breaks that time too, though nothing failed: other processes' heartbeats were held up
 * just as long.
 */
public final class Availability {

    /** A wait for a connection this long means the database (or the pool) did not answer meanwhile. */
    public static final long LONG_WAIT_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final AtomicLong failures = new AtomicLong();
    private volatile boolean reachable = true;
    /** Start of the current stretch of answers without a failure or a long wait. */
    private volatile long unbrokenSinceNanos = System.nanoTime();
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

    /** An operation got its connection, but only after waiting at least {@link #LONG_WAIT_NANOS}. */
    public void waitedLong() {
        unbrokenSinceNanos = System.nanoTime();
    }

    private synchronized void flip(boolean now) {
        if (reachable != now) {
            reachable = now;
            unbrokenSinceNanos = System.nanoTime();
            since = Instant.now();
        }
    }

    public boolean isReachable() {
        return reachable;
    }

    /**
     * True if the database has answered every operation for at least {@code d} without a break: no failure,
     * and no operation that had to wait long for its connection.
     */
    public boolean reachableFor(Duration d) {
        return reachable && System.nanoTime() - unbrokenSinceNanos >= d.toNanos();
    }

    public StoreHealth snapshot() {
        return new StoreHealth(reachable, since, lastError, failures.get());
    }
}
