package dev.pgqrs;

import java.time.Duration;
import java.time.Instant;

/**
 * What a store knows about its database without asking it: whether the last operation that reached
 * for a connection got one, since when that has been so, and the last connection error. Reading it
 * costs nothing, so health checks can answer at once even while the database is away.
 *
 * @param reachable        false from the first operation that could not reach the database until the
 *                         next one that could
 * @param since            when {@code reachable} last changed (the store's start, at first)
 * @param lastError        the last connection error seen (kept after recovery), or null
 * @param failedOperations operations that failed for want of the database since the store started
 */
public record StoreHealth(boolean reachable, Instant since, String lastError, long failedOperations) {

    /** How long the current state has lasted. */
    public Duration duration() {
        Duration d = Duration.between(since, Instant.now());
        return d.isNegative() ? Duration.ZERO : d;
    }
}
