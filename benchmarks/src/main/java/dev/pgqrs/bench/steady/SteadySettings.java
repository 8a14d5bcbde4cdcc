package dev.pgqrs.bench.steady;

import java.time.Duration;

/**
 * @param duration  how long producers and consumers run together in one measured run
 * @param warmUp    one unrecorded run per backend first, this long (zero: none)
 * @param producers producer threads, each enqueueing as fast as it can
 */
public record SteadySettings(Duration duration, Duration warmUp, int producers) {
}
