package dev.pgqrs;

import java.time.Instant;

/** A row of {@code pgqrs_queues}. */
public record QueueInfo(long id, String name, Instant createdAt) {
}
