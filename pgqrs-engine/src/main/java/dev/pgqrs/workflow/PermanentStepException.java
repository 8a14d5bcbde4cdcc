package dev.pgqrs.workflow;

import dev.pgqrs.PermanentFailureException;
import dev.pgqrs.RetryPolicy;

/**
 * Thrown by a step to fail its run at once, without retries (invalid input, a refused payment: anything
 * another attempt cannot fix). {@link RetryPolicy#nonRetryable} marks other exception types the same way.
 */
public class PermanentStepException extends PermanentFailureException {

    public PermanentStepException(String message) {
        super(message);
    }

    public PermanentStepException(String message, Throwable cause) {
        super(message, cause);
    }
}
