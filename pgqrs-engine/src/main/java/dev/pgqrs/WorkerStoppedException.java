package dev.pgqrs;

/**
 * The producer or consumer was closed by its owner and takes no more work; create a new one. (A worker
 * the store declared dead because its heartbeat went stale is not closed: it renews itself.)
 */
public class WorkerStoppedException extends PgqrsException {

    public WorkerStoppedException(String role, String workerName) {
        super(role + " '" + workerName + "' was closed and takes no more work; create a new " + role);
    }
}
