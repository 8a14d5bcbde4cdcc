package dev.pgqrs.bridge.store;

/**
 * A record written to a connector's dead-letter queue, as the bridge indexes it.
 *
 * @param payload  the original message as JSON
 * @param context  the error context as a JSON object (Kafka Connect's names: connector.name, task.id, stage, ...)
 */
public record DeadLetterRecord(long id, String connector, String dlq, Long dlqMessageId, String sourceQueue,
                               Long sourceMessageId, String payload, String context, long failedAt, Long replayedAt,
                               String replayedTo, Long replayedMessageId) {
}
