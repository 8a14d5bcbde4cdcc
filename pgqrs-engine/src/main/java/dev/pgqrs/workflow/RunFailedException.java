package dev.pgqrs.workflow;

import dev.pgqrs.PgqrsException;

/** Thrown when asking for the result of a run that ended in {@code ERROR}; carries the stored error. */
public class RunFailedException extends PgqrsException {

    private final RunInfo run;

    public RunFailedException(RunInfo run) {
        super("run " + run.id() + " of workflow '" + run.workflow() + "' failed: " + run.errorMessage());
        this.run = run;
    }

    public RunInfo run() {
        return run;
    }
}
