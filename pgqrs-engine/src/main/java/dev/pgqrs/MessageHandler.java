package dev.pgqrs;

/**
 * Handles one delivery of a message for a {@link QueueWorker}. Returning acknowledges the message
 * (archive or delete, as the worker's {@link AckMode} says); throwing is a failed attempt, retried after
 * the {@link RetryPolicy}'s back-off and dead-lettered once the attempts are used up, or at once for a
 * {@link PermanentFailureException}. Settle explicitly through the {@link Delivery} to do anything else:
 * acknowledge inside your own transaction, retry at a time of your choosing, dead-letter, or defer the
 * outcome to another thread.
 */
@FunctionalInterface
public interface MessageHandler {

    void handle(Delivery delivery) throws Exception;
}
