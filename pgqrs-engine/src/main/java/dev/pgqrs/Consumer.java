package dev.pgqrs;

import dev.pgqrs.worker.LiveWorker;

import java.sql.Connection;
import java.time.Duration;
import java.util.Collection;
import java.util.List;

/**
 * Leases messages from one queue and settles them. Thread-safe: several threads may share one
 * consumer (they share its worker row and its leases).
 *
 * <p>A dequeue is one statement that leases up to N visible messages for a visibility timeout.
 * The lease owner then archives, deletes, extends or releases them; every settle call takes a
 * list and is one statement. A call on a message this consumer no longer owns (its lease ran
 * out and another consumer took it, or the reaper released it) changes nothing and reports
 * {@code false} / leaves the id out of the returned list — never a silent success.
 *
 * <p>A message whose lease runs out becomes visible again and is delivered again; once it has
 * been delivered {@code max_read_ct} times it moves to the dead-letter state instead.
 */
public final class Consumer implements AutoCloseable {

    private final Store store;
    private final QueueInfo queue;
    private final LiveWorker worker;
    private final long defaultVisibilityMillis;
    private final String dequeueWhat;
    private final String settleWhat;
    private volatile long seenGeneration;

    Consumer(Store store, QueueInfo queue, LiveWorker worker, Duration visibilityTimeout) {
        this.store = store;
        this.queue = queue;
        this.worker = worker;
        this.defaultVisibilityMillis = visibilityTimeout.toMillis();
        this.dequeueWhat = "dequeue from queue '" + queue.name() + "'";
        this.settleWhat = "settle messages of queue '" + queue.name() + "'";
    }

    /** Leases up to {@code max} messages for the default visibility timeout. */
    public List<Message> dequeue(int max) {
        return dequeueMillis(max, defaultVisibilityMillis);
    }

    /** Leases up to {@code max} messages for {@code visibilityTimeout}. */
    public List<Message> dequeue(int max, Duration visibilityTimeout) {
        if (visibilityTimeout == null || visibilityTimeout.isNegative() || visibilityTimeout.isZero()) {
            throw new IllegalArgumentException("visibility timeout must be positive, was " + visibilityTimeout);
        }
        return dequeueMillis(max, visibilityTimeout.toMillis());
    }

    private List<Message> dequeueMillis(int max, long visibilityMillis) {
        if (max < 1) {
            throw new IllegalArgumentException("dequeue batch size must be at least 1, was " + max);
        }
        requireActive();
        if (worker.status() == WorkerStatus.READY) {
            store.workerRegistry().transition(worker, WorkerStatus.POLLING);
        }
        worker.touchedMessages();
        // Read the signal generation before the statement, so an enqueue that lands after it wakes awaitMessages.
        seenGeneration = store.signals().generation(queue.id());
        int maxReadCount = store.config().maxReadCount();
        return store.database().execute(dequeueWhat, c -> store.messageRows()
                .dequeue(c, queue.id(), queue.name(), max, maxReadCount, visibilityMillis, worker.id()));
    }

    /**
     * Waits until messages may have arrived on this queue (an enqueue in this process, or a
     * database notification) or {@code timeout} passes, whichever is first. Call it after a
     * dequeue came back empty; a signal that arrived since that dequeue returns at once.
     *
     * @return true if woken by a signal, false on timeout
     */
    public boolean awaitMessages(Duration timeout) throws InterruptedException {
        return store.signals().await(queue.id(), seenGeneration, timeout);
    }

    /** Archives a message this consumer leased; false if it no longer owns it. */
    public boolean archive(long id) {
        return archive(List.of(id)).size() == 1;
    }

    /** Archives leased messages in one statement; returns the ids that were archived. */
    public List<Long> archive(Collection<Long> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        return store.database().execute(settleWhat, c -> store.messageRows().archive(c, ids, worker.id()));
    }

    /**
     * Archives leased messages on the caller's connection, inside the caller's transaction (e.g.
     * together with the enqueue of a follow-up message); returns the ids that were archived.
     */
    public List<Long> archive(Connection connection, Collection<Long> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        return store.database().onConnection(connection, settleWhat, c -> store.messageRows().archive(c, ids, worker.id()));
    }

    /** Deletes leased messages on the caller's connection, inside the caller's transaction. */
    public List<Long> delete(Connection connection, Collection<Long> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        return store.database().onConnection(connection, settleWhat, c -> store.messageRows().delete(c, ids, worker.id()));
    }

    /** Deletes a message this consumer leased; false if it no longer owns it. */
    public boolean delete(long id) {
        return delete(List.of(id)).size() == 1;
    }

    public List<Long> delete(Collection<Long> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        return store.database().execute(settleWhat, c -> store.messageRows().delete(c, ids, worker.id()));
    }

    /** Extends a lease to {@code visibilityTimeout} from now; false if this consumer no longer owns it. */
    public boolean extend(long id, Duration visibilityTimeout) {
        return extend(List.of(id), visibilityTimeout).size() == 1;
    }

    public List<Long> extend(Collection<Long> ids, Duration visibilityTimeout) {
        if (ids.isEmpty()) {
            return List.of();
        }
        long millis = visibilityTimeout.toMillis();
        return store.database().execute(settleWhat, c -> store.messageRows().extend(c, ids, worker.id(), millis));
    }

    /** Makes a leased message visible again now; false if this consumer no longer owns it. */
    public boolean release(long id) {
        ReleaseResult r = release(List.of(id), Duration.ZERO, null);
        return r.released().size() + r.deadLettered().size() == 1;
    }

    /**
     * Gives leased messages back after {@code delay} (a retry back-off), recording {@code error}
     * (may be null). Messages already delivered max_read_ct times are dead-lettered instead.
     */
    public ReleaseResult release(Collection<Long> ids, Duration delay, String error) {
        if (ids.isEmpty()) {
            return new ReleaseResult(List.of(), List.of());
        }
        long millis = delay == null || delay.isNegative() ? 0 : delay.toMillis();
        int maxReadCount = store.config().maxReadCount();
        ReleaseResult result = store.database().execute(settleWhat,
                c -> store.messageRows().release(c, ids, worker.id(), millis, error, maxReadCount));
        if (!result.released().isEmpty()) {
            if (millis == 0) {
                store.signals().signal(queue.id());
            } else {
                store.visibleLater(queue.id(), millis);
            }
        }
        return result;
    }

    /** Moves a leased message to the dead-letter state with a reason; false if not owned. */
    public boolean deadLetter(long id, String reason) {
        return deadLetter(List.of(id), reason).size() == 1;
    }

    public List<Long> deadLetter(Collection<Long> ids, String reason) {
        if (ids.isEmpty()) {
            return List.of();
        }
        return store.database().execute(settleWhat, c -> store.messageRows().deadLetter(c, ids, worker.id(), reason));
    }

    /**
     * Dead-letters leased messages on the caller's connection, inside the caller's transaction (e.g.
     * together with cleaning up what their processing recorded); returns the ids dead-lettered.
     */
    public List<Long> deadLetter(Connection connection, Collection<Long> ids, String reason) {
        if (ids.isEmpty()) {
            return List.of();
        }
        return store.database().onConnection(connection, settleWhat,
                c -> store.messageRows().deadLetter(c, ids, worker.id(), reason));
    }

    /** Leases this consumer holds now (unexpired, not settled). */
    public long heldLeases() {
        return store.database().read("count leases of worker '" + worker.name() + "'",
                c -> store.messageRows().countHeld(c, worker.id()));
    }

    /** Pauses this consumer: dequeues are refused until {@link #resume()}. */
    public void suspend() {
        store.workerRegistry().transition(worker, WorkerStatus.SUSPENDED);
    }

    public void resume() {
        store.workerRegistry().transition(worker, WorkerStatus.READY);
    }

    /** Marks this consumer as shutting down: it takes no new messages but may settle held ones. */
    public void interrupt() {
        store.workerRegistry().transition(worker, WorkerStatus.INTERRUPTED);
    }

    public String queue() {
        return queue.name();
    }

    public QueueInfo queueInfo() {
        return queue;
    }

    public long workerId() {
        return worker.id();
    }

    public String workerName() {
        return worker.name();
    }

    public WorkerStatus status() {
        return worker.status();
    }

    private void requireActive() {
        store.workerRegistry().requireRunning(worker);
        WorkerStatus s = worker.status();
        if (s == WorkerStatus.SUSPENDED || s == WorkerStatus.INTERRUPTED) {
            throw new PgqrsException("consumer '" + worker.name() + "' is " + s.sqlName()
                    + " and takes no new messages" + (s == WorkerStatus.SUSPENDED ? "; resume() it first" : ""));
        }
    }

    /** Stops the consumer; refused with {@link WorkerBusyException} while it holds leases. */
    @Override
    public void close() {
        close(ShutdownMode.REQUIRE_IDLE);
    }

    public void close(ShutdownMode mode) {
        if (worker.status() == WorkerStatus.STOPPED || worker.fenced()) {
            store.forget(this);
            return;
        }
        if (mode == ShutdownMode.RELEASE_HELD) {
            store.database().execute("release leases of worker '" + worker.name() + "'",
                    c -> store.messageRows().releaseAllHeld(c, worker.id()));
            store.signals().signal(queue.id());
        } else {
            long held = heldLeases();
            if (held > 0) {
                throw new WorkerBusyException(worker.name(), held);
            }
        }
        store.workerRegistry().stop(worker);
        store.forget(this);
    }
}
