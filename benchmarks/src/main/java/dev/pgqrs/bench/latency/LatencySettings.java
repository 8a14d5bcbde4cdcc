package dev.pgqrs.bench.latency;

import java.time.Duration;

/**
 * @param duration     how long the producer sends at its rate (after the warm-up)
 * @param warmUp       sent at the same rate before, not recorded
 * @param pollInterval how long an idle consumer waits before it polls again (pgqrs's default)
 * @param producers    threads sharing the producer's schedule, so one slow commit does not hold the next send
 * @param batch        most messages a consumer takes per fetch
 */
public record LatencySettings(Duration duration, Duration warmUp, Duration pollInterval, int producers, int batch) {
}
