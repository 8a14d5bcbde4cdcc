package dev.pgqrs.bench.scale;

import dev.pgqrs.bench.measure.Percentiles;

/**
 * One run at one size: {@code queues().metrics()} timed on the filled queue, then a drain of {@code messages}.
 *
 * @param metrics  latency of {@code queues().metrics(queue)} calls on the filled queue, ms
 * @param dequeue  latency of the drain's dequeue calls, ms
 */
public record ScaleMeasurement(String backend, long history, long backlog, int repeat, double prefillSeconds,
                               Percentiles metrics, long drained, double drainMsgPerSec, Percentiles dequeue,
                               long errors, String firstError) {

    public ScaleCell cell() {
        return new ScaleCell(history, backlog);
    }
}
