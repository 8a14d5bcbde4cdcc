package dev.pgqrs.bench.drain;

import dev.pgqrs.bench.measure.Percentiles;

/**
 * One drain run of one contender.
 *
 * @param acked      messages acknowledged within the timed window
 * @param capped     the time cap ended the run before the backlog was drained
 * @param lost       messages neither acknowledged nor left for a later consumer: for a run that
 *                   was not capped, what remained unacknowledged in the database afterwards
 * @param commits    transactions the server committed during the run (-1: unknown, SQLite)
 * @param walSyncs   WAL flushes to disk during the run (-1: unknown)
 */
public record DrainMeasurement(
        String backend, String contender, int consumers, int batch, int repeat,
        int messages, long acked, double seconds, double msgPerSec, boolean capped,
        Percentiles dequeue, Percentiles ack,
        long errors, long duplicates, long lost,
        long commits, long walSyncs, String firstError) {

    public double commitsPerMessage() {
        return commits < 0 || acked == 0 ? Double.NaN : (double) commits / acked;
    }

    public double walSyncsPerMessage() {
        return walSyncs < 0 || acked == 0 ? Double.NaN : (double) walSyncs / acked;
    }

    public DrainCell cell() {
        return new DrainCell(consumers, batch);
    }
}
