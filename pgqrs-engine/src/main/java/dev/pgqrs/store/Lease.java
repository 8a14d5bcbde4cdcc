package dev.pgqrs.store;

import dev.pgqrs.Message;

/**
 * One delivery of a message: its id and the read_ct the dequeue gave it. read_ct goes up with every
 * delivery, so it is the delivery's fencing token: whoever settles a message proves which delivery it
 * holds, and a holder whose lease ran out and whose message was delivered again (to another consumer, or
 * to another thread of the same one) no longer matches and changes nothing.
 */
public record Lease(long messageId, int readCount) {

    public static Lease of(Message message) {
        return new Lease(message.id(), message.readCount());
    }
}
