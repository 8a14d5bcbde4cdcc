package dev.pgqrs.workflow;

import dev.pgqrs.PgqrsException;

/** No run has that id (it never existed, or its queue was purged). */
public class RunNotFoundException extends PgqrsException {

    private final long runId;

    public RunNotFoundException(long runId) {
        super("workflow run not found: " + runId);
        this.runId = runId;
    }

    public long runId() {
        return runId;
    }
}
