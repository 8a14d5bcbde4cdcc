package dev.pgqrs.workflow;

import dev.pgqrs.PgqrsException;

import java.time.Duration;

/** A wait for a run's result timed out; the run goes on and may be awaited again. */
public class RunNotFinishedException extends PgqrsException {

    private final RunInfo run;

    public RunNotFinishedException(RunInfo run, Duration waited) {
        super("run " + run.id() + " of workflow '" + run.workflow() + "' is still " + run.status() + " after " + waited
                + "; wait again, or check that a worker serves '" + run.workflow() + "'"
                + (run.status() == RunStatus.PAUSED ? " and resume the run" : ""));
        this.run = run;
    }

    public RunInfo run() {
        return run;
    }
}
