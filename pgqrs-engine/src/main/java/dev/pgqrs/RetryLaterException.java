package dev.pgqrs;

import java.time.Duration;

/**
 * Thrown by a message handler or a workflow step for a transient failure that knows when to try again (a
 * rate limit's {@code Retry-After}): the next attempt waits {@code retryAfter} instead of the policy's
 * back-off. It still counts as an attempt. Any other exception is retried with the policy's back-off.
 */
public class RetryLaterException extends PgqrsException {

    private final Duration retryAfter;

    public RetryLaterException(String message, Duration retryAfter) {
        this(message, retryAfter, null);
    }

    public RetryLaterException(String message, Duration retryAfter, Throwable cause) {
        super(message, cause);
        if (retryAfter != null && retryAfter.isNegative()) {
            throw new IllegalArgumentException("retryAfter must not be negative, was " + retryAfter);
        }
        this.retryAfter = retryAfter;
    }

    /** The wait before the next attempt, or null for the policy's back-off. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
