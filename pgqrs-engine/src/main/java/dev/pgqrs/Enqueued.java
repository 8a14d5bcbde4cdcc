package dev.pgqrs;

/**
 * What an enqueue with {@link EnqueueOptions} did.
 *
 * @param id         the message's id: the new message's, or, for a duplicate, that of the message holding the key
 * @param duplicate  true when a message of the queue held the deduplication key, so nothing was inserted
 */
public record Enqueued(long id, boolean duplicate) {
}
