package dev.pgqrs.workflow;

import dev.pgqrs.PgqrsException;

/**
 * Thrown by a step to fail its run at once, without retries (invalid input, a refused payment: anything
 * another attempt cannot fix). {@link RetryPolicy#nonRetryable} marks other exception types the same way.
 */
public class PermanentStepException extends PgqrsException {

    public PermanentStepException(String message) {
        super(message);
    }

    public PermanentStepException(String message, Throwable cause) {
        super(message, cause);
    }
}
