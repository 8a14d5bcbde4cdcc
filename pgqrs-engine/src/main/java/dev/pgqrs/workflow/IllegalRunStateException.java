package dev.pgqrs.workflow;

import dev.pgqrs.PgqrsException;

/** An operation that the run's current status does not allow (resuming a finished run, sending to one). */
public class IllegalRunStateException extends PgqrsException {

    public IllegalRunStateException(String message) {
        super(message);
    }
}
