package dev.pgqrs;

import java.time.Duration;
import java.time.Instant;

/**
 * A row of {@code pgqrs_workers}; {@code queueId} is null for workers not bound to one queue.
 * {@code heartbeatAge} is measured by the database's clock when the row was read (null for a row that
 * was not read from the database, or has no heartbeat).
 */
public record WorkerInfo(long id, String name, Long queueId, WorkerStatus status, Instant startedAt,
                         Instant heartbeatAt, Instant shutdownAt, Duration heartbeatAge) {

    /** Whether the worker is not stopped and beat within {@code maxAge}. */
    public boolean isHealthy(Duration maxAge) {
        return status != WorkerStatus.STOPPED && heartbeatAge != null && heartbeatAge.compareTo(maxAge) <= 0;
    }
}
