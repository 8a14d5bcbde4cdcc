package dev.pgqrs;

import java.time.Instant;

/** A row of {@code pgqrs_workers}; {@code queueId} is null for workers not bound to one queue. */
public record WorkerInfo(long id, String name, Long queueId, WorkerStatus status, Instant startedAt,
                         Instant heartbeatAt, Instant shutdownAt) {
}
