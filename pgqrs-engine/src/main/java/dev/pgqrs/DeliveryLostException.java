package dev.pgqrs;

/**
 * A delivery could not be settled because its worker no longer holds it: its lease ran out and the message
 * was (or will be) delivered again, or the worker was declared dead. Whatever the attempt did in the same
 * transaction was rolled back.
 */
public class DeliveryLostException extends PgqrsException {

    public DeliveryLostException(Message message) {
        super("message " + message.id() + " of queue '" + message.queue() + "' (delivery " + message.readCount()
                + ") is no longer held by this worker: its lease ran out and it is delivered again; the transaction "
                + "was rolled back. Raise the visibility timeout if handlers often run this long");
    }
}
