package dev.pgqrs;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Reading worker rows: who is registered, in which status, and whether their heartbeat is fresh. */
public final class Workers {

    private static final int PURGE_BATCH = 500;

    private final Store store;

    Workers(Store store) {
        this.store = store;
    }

    public List<WorkerInfo> list() {
        return store.database().read("list workers", c -> store.workerRows().list(c, null));
    }

    public List<WorkerInfo> list(String queue) {
        QueueInfo q = store.queues().get(queue);
        return store.database().read("list workers of '" + queue + "'", c -> store.workerRows().list(c, q.id()));
    }

    public Optional<WorkerInfo> get(long id) {
        return store.database().read("read worker " + id, c -> store.workerRows().find(c, id));
    }

    /** Whether the worker exists, is not stopped, and beat within {@code maxAge} (by the database's clock). */
    public boolean isHealthy(long id, Duration maxAge) {
        return get(id).map(w -> w.isHealthy(maxAge)).orElse(false);
    }

    /**
     * Suspends a worker of any process: its row becomes {@code suspended}, and the worker, which reads its row at
     * each heartbeat, takes no new messages until resumed (queue workers and consumers of this edition; other
     * editions' workers follow their own rules). Returns the status the row had.
     *
     * @throws IllegalWorkerTransitionException if the worker is interrupted or stopped
     */
    public WorkerStatus suspend(long id) {
        return move(id, WorkerStatus.SUSPENDED, WorkerStatus.SUSPENDED.allowedFrom());
    }

    /** Resumes a suspended worker of any process (its row becomes {@code ready}); returns the status it had. */
    public WorkerStatus resume(long id) {
        return move(id, WorkerStatus.READY, java.util.EnumSet.of(WorkerStatus.SUSPENDED));
    }

    /**
     * Asks a worker of any process to shut down: its row becomes {@code interrupted}, and a queue worker that
     * sees it at its next heartbeat stops as {@code close()} does (handlers in progress finish and settle).
     * Returns the status the row had.
     */
    public WorkerStatus shutdown(long id) {
        return move(id, WorkerStatus.INTERRUPTED, WorkerStatus.INTERRUPTED.allowedFrom());
    }

    /** One conditional update; a worker already in the target status (or, for a resume, running) is left as it is. */
    private WorkerStatus move(long id, WorkerStatus target, java.util.Set<WorkerStatus> allowed) {
        return store.database().transaction("move worker " + id + " to " + target.sqlName(), c -> {
            WorkerInfo w = store.workerRows().find(c, id)
                    .orElseThrow(() -> new PgqrsException("no worker with id " + id + "; list them with workers().list()"));
            boolean running = w.status() == WorkerStatus.READY || w.status() == WorkerStatus.POLLING;
            if (w.status() == target || (target == WorkerStatus.READY && running)) {
                return w.status();
            }
            if (store.workerRows().transition(c, id, target, allowed).isEmpty()) {
                throw new IllegalWorkerTransitionException(w.name(), w.status(), target);
            }
            return w.status();
        });
    }

    /**
     * Makes every message the worker holds visible again now (delivery count kept), as after a crash, so other
     * consumers need not wait for the leases to run out. Returns how many messages were released.
     */
    public int releaseMessages(long id) {
        return store.database().execute("release messages of worker " + id, c -> store.workerRows().releaseMessagesOf(c, id));
    }

    /**
     * Deletes a worker row. Refused while a message names it as its producer or consumer (see
     * {@link #purgeStopped} to detach and delete old stopped workers). Returns false if there was no such row.
     */
    public boolean delete(long id) {
        return store.database().transaction("delete worker " + id, c -> {
            long references = store.workerRows().countReferences(c, id);
            if (references > 0) {
                throw new PgqrsException("worker " + id + " is named by " + references + " message(s) as their producer or "
                        + "consumer; release its messages first, or purge stopped workers with workers().purgeStopped(...)");
            }
            return store.workerRows().delete(c, id);
        });
    }

    /**
     * Deletes the workers stopped longer ago than {@code olderThan}, in batches of 500 (one transaction each, so
     * the hot path is never held up for long). Messages and runs that still name such a worker keep their data
     * and lose the reference. Returns how many workers were deleted.
     */
    public int purgeStopped(Duration olderThan) {
        long millis = olderThan.toMillis();
        int total = 0;
        int deleted;
        do {
            deleted = store.database().transaction("purge stopped workers",
                    c -> store.workerRows().purgeStopped(c, millis, PURGE_BATCH));
            total += deleted;
        } while (deleted == PURGE_BATCH);
        return total;
    }
}
