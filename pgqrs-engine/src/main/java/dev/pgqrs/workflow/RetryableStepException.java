package dev.pgqrs.workflow;

import dev.pgqrs.RetryLaterException;

import java.time.Duration;

/**
 * Thrown by a step for a transient failure that knows when to try again (a rate limit's
 * {@code Retry-After}): the next attempt waits {@code retryAfter} instead of the policy's back-off.
 * It still counts as an attempt. Any other exception is retried with the policy's back-off.
 */
public class RetryableStepException extends RetryLaterException {

    public RetryableStepException(String message, Duration retryAfter) {
        super(message, retryAfter);
    }

    public RetryableStepException(String message, Duration retryAfter, Throwable cause) {
        super(message, retryAfter, cause);
    }
}
