package dev.pgqrs;

import java.time.Duration;
import java.time.Instant;

/**
 * A snapshot of one queue.
 *
 * @param total         every message row of the queue, archived ones included
 * @param pending       visible now and deliverable
 * @param leased        held by a consumer whose lease has not run out
 * @param delayed       not yet visible: enqueued with a delay, or released with a back-off
 * @param archived      processed and kept
 * @param deadLettered  delivered the maximum number of times, or dead-lettered by a consumer
 * @param oldestPendingEnqueuedAt when the oldest pending message was enqueued (null if none)
 * @param oldestPendingAge how long that message has waited, measured when the snapshot was taken
 * @param estimated     some counts were estimated rather than counted ({@link Queues#estimatedMetrics(int)})
 */
public record QueueMetrics(String queue, long total, long pending, long leased, long delayed, long archived,
                           long deadLettered, Instant oldestPendingEnqueuedAt, Duration oldestPendingAge,
                           boolean estimated) {

    /** A snapshot whose every count was counted. */
    public QueueMetrics(String queue, long total, long pending, long leased, long delayed, long archived,
                        long deadLettered, Instant oldestPendingEnqueuedAt, Duration oldestPendingAge) {
        this(queue, total, pending, leased, delayed, archived, deadLettered, oldestPendingEnqueuedAt, oldestPendingAge,
                false);
    }
}
