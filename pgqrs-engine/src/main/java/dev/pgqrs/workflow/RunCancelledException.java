package dev.pgqrs.workflow;

import dev.pgqrs.PgqrsException;

/** Thrown when asking for the result of a run that was cancelled. */
public class RunCancelledException extends PgqrsException {

    private final RunInfo run;

    public RunCancelledException(RunInfo run) {
        super("run " + run.id() + " of workflow '" + run.workflow() + "' was cancelled"
                + (run.errorMessage() == null ? "" : " (" + run.errorMessage() + ")") + "; it has no result");
        this.run = run;
    }

    public RunInfo run() {
        return run;
    }
}
