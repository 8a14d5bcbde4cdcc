package dev.pgqrs;

import java.util.List;

/**
 * What {@link Consumer#archiveAndDequeue} or {@link Consumer#deleteAndDequeue} did in its one commit: the next
 * batch it leased, and which deliveries of the previous batch it acknowledged.
 *
 * @param messages         the messages leased, in delivery order (as {@link Consumer#dequeue(int)} returns them)
 * @param acknowledged     the previous deliveries archived (or deleted), in the order given
 * @param notAcknowledged  the previous deliveries this consumer no longer held (the lease ran out and the message
 *                         was delivered again, or the reaper released it): left alone, as {@link Consumer#archive}
 *                         leaves them out of its answer
 */
public record NextBatch(List<Message> messages, List<Message> acknowledged, List<Message> notAcknowledged) {

    public NextBatch {
        messages = List.copyOf(messages);
        acknowledged = List.copyOf(acknowledged);
        notAcknowledged = List.copyOf(notAcknowledged);
    }

    public boolean isEmpty() {
        return messages.isEmpty();
    }
}
