package dev.pgqrs;

/**
 * Thrown by a message handler or a workflow step for a failure another attempt cannot fix (invalid input,
 * a refused payment): no retries — the message is dead-lettered, the run fails — whatever attempts the
 * {@link RetryPolicy} has left.
 */
public class PermanentFailureException extends PgqrsException {

    public PermanentFailureException(String message) {
        super(message);
    }

    public PermanentFailureException(String message, Throwable cause) {
        super(message, cause);
    }
}
