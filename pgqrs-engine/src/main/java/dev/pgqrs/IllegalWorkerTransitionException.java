package dev.pgqrs;

/** A worker was asked to move between two statuses that the lifecycle does not connect. */
public class IllegalWorkerTransitionException extends PgqrsException {

    private final WorkerStatus from;
    private final WorkerStatus to;

    public IllegalWorkerTransitionException(String workerName, WorkerStatus from, WorkerStatus to) {
        super("worker '" + workerName + "' cannot go from " + from.sqlName() + " to " + to.sqlName());
        this.from = from;
        this.to = to;
    }

    public WorkerStatus from() {
        return from;
    }

    public WorkerStatus to() {
        return to;
    }
}
