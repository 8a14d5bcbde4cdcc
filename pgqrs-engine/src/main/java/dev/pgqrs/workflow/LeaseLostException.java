package dev.pgqrs.workflow;

import dev.pgqrs.PgqrsException;

/**
 * A checkpoint found that the worker no longer owns the run's message (its lease expired and another
 * worker took the run, the run was cancelled, or the reaper released it). The execution stops
 * without changing anything; whoever owns the run now carries on.
 */
final class LeaseLostException extends PgqrsException {

    LeaseLostException(RunLease lease) {
        super("worker " + lease.workerId() + " no longer owns message " + lease.messageId() + " of run " + lease.runId()
                + "; another worker carries on with the run");
    }
}
