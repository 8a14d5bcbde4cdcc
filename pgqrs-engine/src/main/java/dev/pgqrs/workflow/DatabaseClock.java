package dev.pgqrs.workflow;

import java.time.Instant;

/**
 * The database's clock as one execution of a run sees it: read once when the run was started and
 * advanced by the time elapsed here since. Due times are set by the database ({@code now()}), so they
 * are compared with this estimate and never with the host's clock, which may be skewed.
 */
final class DatabaseClock {

    private final Instant readAtStart;
    private final long startNanos = System.nanoTime();

    DatabaseClock(Instant readAtStart) {
        this.readAtStart = readAtStart;
    }

    /** The database's clock now, estimated. */
    Instant now() {
        return readAtStart.plusNanos(System.nanoTime() - startNanos);
    }

    /** Whether a wake-up or retry time has come; null (no time set) never has. */
    boolean isDue(Instant at) {
        return at != null && !at.isAfter(now());
    }

    /** Durations recorded for steps and attempts need no agreement between hosts: this host's monotonic clock. */
    static long elapsedMillis(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
