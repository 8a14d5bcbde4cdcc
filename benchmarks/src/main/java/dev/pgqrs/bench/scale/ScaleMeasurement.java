package dev.pgqrs.bench.scale;

import dev.pgqrs.bench.measure.Percentiles;

/**
 * One run at one size: {@code queues().metrics()} timed on the filled queue, then a drain of {@code messages}.
 *
 * @param metrics  latency of {@code queues().metrics(queue)} calls on the filled queue, ms
 * @param estimatedMetrics latency of {@code queues().estimatedMetrics()} calls, interleaved with those, ms
 * @param estimateError    the estimate's largest relative error over total, pending and archived (0 when exact)
 * @param dequeue  latency of the drain's dequeue calls, ms
 */
public record ScaleMeasurement(String backend, long history, long backlog, int repeat, double prefillSeconds,
                               Percentiles metrics, Percentiles estimatedMetrics, double estimateError, long drained, double drainMsgPerSec, Percentiles dequeue,
                               long errors, String firstError) {

    public ScaleCell cell() {
        return new ScaleCell(history, backlog);
    }
}
