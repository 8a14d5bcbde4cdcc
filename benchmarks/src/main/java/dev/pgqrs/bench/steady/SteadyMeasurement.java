package dev.pgqrs.bench.steady;

import dev.pgqrs.bench.measure.Percentiles;

/**
 * One steady-state run: producers and consumers running at once for a fixed time.
 *
 * @param produced    messages enqueued within the window
 * @param consumed    messages archived within the window
 * @param finalDepth  messages left (pending or leased) when the window closed: grows when consumers fall behind
 * @param endToEnd    enqueue call start to the consumer holding the message
 * @param commits     transactions the server committed in the window (-1: unknown, SQLite)
 */
public record SteadyMeasurement(
        String backend, int consumers, int enqueueBatch, int dequeueBatch, int repeat, double seconds,
        long produced, long consumed, double producedPerSec, double consumedPerSec, long finalDepth,
        Percentiles enqueue, Percentiles dequeue, Percentiles archive, Percentiles endToEnd,
        long errors, long duplicates, long commits, String firstError) {

    public SteadyCell cell() {
        return new SteadyCell(consumers, enqueueBatch, dequeueBatch);
    }

    public double commitsPerMessage() {
        return commits < 0 || consumed == 0 ? Double.NaN : (double) commits / consumed;
    }
}
