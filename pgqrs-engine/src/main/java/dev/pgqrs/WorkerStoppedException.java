package dev.pgqrs;

/**
 * The worker row is stopped: it was shut down, or the reaper declared it dead because its
 * heartbeat went stale (for example after a long GC pause or a lost connection). Its leases were
 * released for other consumers; create a new consumer to continue.
 */
public class WorkerStoppedException extends PgqrsException {

    public WorkerStoppedException(String workerName) {
        super("worker '" + workerName + "' is stopped (shut down, or reaped after its heartbeat went stale); create a new consumer");
    }
}
