package dev.pgqrs.bench.latency;

import dev.pgqrs.bench.measure.Percentiles;

/**
 * One latency run: enqueue-to-processing latency from the scheduled send time to the consumer
 * holding the message.
 *
 * @param achievedRate messages per second the producer committed over the recorded window (below
 *                     {@code rate} when it could not keep up)
 */
public record LatencyMeasurement(String backend, String wakeUp, int rate, String contender, int repeat,
                                 long sent, long received, double achievedRate, Percentiles latency,
                                 long errors, String firstError) {
}
