package dev.pgqrs.workflow;

import dev.pgqrs.PgqrsException;

import java.time.Duration;

/**
 * A step's attempt ran past the step's timeout: its thread was interrupted and the attempt counts as failed
 * (recorded with {@code "timed_out": true}), retried under the step's policy like any retryable failure.
 */
public class StepTimeoutException extends PgqrsException {

    public StepTimeoutException(String step, int attempt, Duration timeout) {
        super("step '" + step + "' attempt " + attempt + " timed out after " + timeout
                + "; its thread was interrupted");
    }
}
