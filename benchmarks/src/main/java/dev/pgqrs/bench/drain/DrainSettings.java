package dev.pgqrs.bench.drain;

import java.time.Duration;

/**
 * What every drain run shares.
 *
 * @param messages   the backlog prefilled before the clock starts (the original: 50,000)
 * @param maxRunTime the timed part stops here even if the backlog is not drained; msg/s is then
 *                   measured over what was drained and the run is marked as capped
 * @param warmupMessages backlog of one unrecorded run per contender and backend before the
 *                   measured ones, so the first measured run does not pay for class loading and JIT
 */
public record DrainSettings(int messages, Duration maxRunTime, int warmupMessages) {

    /** Lease length of every dequeue: long enough that no message is redelivered during a run. */
    public static final Duration VISIBILITY = Duration.ofSeconds(60);
}
