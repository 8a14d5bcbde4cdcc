package dev.pgqrs;

import dev.pgqrs.store.Deliveries;
import dev.pgqrs.store.Lease;
import dev.pgqrs.store.MessageRepository;
import dev.pgqrs.worker.LiveWorker;

import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

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
    private volatile LiveWorker worker;
    private final long defaultVisibilityMillis;
    private final String dequeueWhat;
    private final String settleWhat;
    private final String acknowledgeWhat;
    private volatile long seenGeneration;

    Consumer(Store store, QueueInfo queue, LiveWorker worker, Duration visibilityTimeout) {
        this.store = store;
        this.queue = queue;
        this.worker = worker;
        this.defaultVisibilityMillis = visibilityTimeout.toMillis();
        this.dequeueWhat = "dequeue from queue '" + queue.name() + "'";
        this.settleWhat = "settle messages of queue '" + queue.name() + "'";
        this.acknowledgeWhat = "acknowledge messages of queue '" + queue.name() + "' and dequeue the next";
    }

    /** Leases up to {@code max} messages for the default visibility timeout. */
    public List<Message> dequeue(int max) {
        return dequeueMillis(max, defaultVisibilityMillis);
    }

    /** Leases the next visible message for the default visibility timeout, if there is one. */
    public Optional<Message> dequeueOne() {
        List<Message> one = dequeue(1);
        return one.isEmpty() ? Optional.empty() : Optional.of(one.get(0));
    }

    /** Leases up to {@code max} messages for {@code visibilityTimeout}. */
    public List<Message> dequeue(int max, Duration visibilityTimeout) {
        return dequeueMillis(max, visibilityMillis(visibilityTimeout));
    }

    /** As {@link #dequeue(int, Duration)}, dead-lettering at {@code maxReadCount} deliveries (a worker's own limit). */
    List<Message> dequeue(int max, Duration visibilityTimeout, int maxReadCount) {
        return dequeueMillis(max, visibilityTimeout.toMillis(), maxReadCount);
    }

    private List<Message> dequeueMillis(int max, long visibilityMillis) {
        return dequeueMillis(max, visibilityMillis, store.config().maxReadCount());
    }

    private List<Message> dequeueMillis(int max, long visibilityMillis, int maxReadCount) {
        if (max < 1) {
            throw new IllegalArgumentException("dequeue batch size must be at least 1, was " + max);
        }
        LiveWorker w = activeWorker();
        if (w.status() == WorkerStatus.READY) {
            store.workerRegistry().markPolling(w);
        }
        w.touchedMessages();
        // Read the signal generation before the statement, so an enqueue that lands after it wakes awaitMessages.
        seenGeneration = store.signals().generation(queue.id());
        long t0 = System.nanoTime();
        List<Message> leased = store.database().execute(dequeueWhat, c -> store.messageRows()
                .dequeue(c, queue.id(), queue.name(), max, maxReadCount, visibilityMillis, w.id(),
                        dead -> store.events().deadLettered(queue.name(), dead)));
        store.events().dequeued(queue.name(), leased.size(), System.nanoTime() - t0);
        return leased;
    }

    // Acknowledging the previous batch with the fetch of the next: one commit per batch instead of two. The price
    // is the window between the two: a batch whose acknowledgement waits for the next fetch is delivered again if
    // the process dies before that fetch (at-least-once, as ever); work that settles inside its own transaction
    // (archive(connection, ...)) is not affected.

    /**
     * Archives held deliveries — the previous batch — and leases up to {@code max} messages for the default
     * visibility timeout, in one commit: one statement on PostgreSQL (the acknowledgement is a data-modifying CTE
     * ahead of the queue's dequeue), one write transaction holding both statements on SQLite and on FIFO queues
     * (whose next message of a key may be taken only once its head is archived, which a claim in the same
     * statement would not see). The acknowledgement is fenced on the delivery as {@link #archive(Collection)}'s
     * is; a message it archives is not leased again by the claim. If the statement fails, neither happened.
     * With {@code previous} empty it is a {@link #dequeue(int)}. Refused, acknowledging nothing, while the
     * consumer is suspended or interrupted: settle with {@link #archive(Collection)} then.
     */
    public NextBatch archiveAndDequeue(Collection<Message> previous, int max) {
        return acknowledgeAndDequeue(false, previous, max, defaultVisibilityMillis, store.config().maxReadCount());
    }

    /** As {@link #archiveAndDequeue(Collection, int)}, leasing for {@code visibilityTimeout}. */
    public NextBatch archiveAndDequeue(Collection<Message> previous, int max, Duration visibilityTimeout) {
        return acknowledgeAndDequeue(false, previous, max, visibilityMillis(visibilityTimeout), store.config().maxReadCount());
    }

    /** As {@link #archiveAndDequeue(Collection, int)}, deleting the previous deliveries instead of archiving them. */
    public NextBatch deleteAndDequeue(Collection<Message> previous, int max) {
        return acknowledgeAndDequeue(true, previous, max, defaultVisibilityMillis, store.config().maxReadCount());
    }

    /** As {@link #deleteAndDequeue(Collection, int)}, leasing for {@code visibilityTimeout}. */
    public NextBatch deleteAndDequeue(Collection<Message> previous, int max, Duration visibilityTimeout) {
        return acknowledgeAndDequeue(true, previous, max, visibilityMillis(visibilityTimeout), store.config().maxReadCount());
    }

    /** The worker's acknowledging fetch: archives (or deletes) and leases, dead-lettering at its own limit. */
    NextBatch acknowledgeAndDequeue(boolean delete, Collection<Message> previous, int max, Duration visibilityTimeout,
                                    int maxReadCount) {
        return acknowledgeAndDequeue(delete, previous, max, visibilityTimeout.toMillis(), maxReadCount);
    }

    private NextBatch acknowledgeAndDequeue(boolean delete, Collection<Message> previous, int max, long visibilityMillis,
                                            int maxReadCount) {
        if (previous.isEmpty()) {
            return new NextBatch(dequeueMillis(max, visibilityMillis, maxReadCount), List.of(), List.of());
        }
        if (max < 1) {
            throw new IllegalArgumentException("dequeue batch size must be at least 1, was " + max);
        }
        LiveWorker w = activeWorker();
        if (w.status() == WorkerStatus.READY) {
            store.workerRegistry().markPolling(w);
        }
        w.touchedMessages();
        seenGeneration = store.signals().generation(queue.id());
        Map<Lease, Message> held = byLease(previous);
        long t0 = System.nanoTime();
        MessageRepository.AcknowledgedDequeue done = store.database().execute(acknowledgeWhat,
                c -> store.messageRows().acknowledgeAndDequeue(c, delete, Deliveries.of(held.keySet()), queue.id(),
                        queue.name(), max, maxReadCount, visibilityMillis, w.id(),
                        dead -> store.events().deadLettered(queue.name(), dead)));
        store.events().dequeued(queue.name(), done.leased().size(), System.nanoTime() - t0);
        Set<Lease> settled = new HashSet<>(done.acknowledged());
        List<Message> acknowledged = new ArrayList<>(settled.size());
        List<Message> notAcknowledged = new ArrayList<>();
        held.forEach((lease, m) -> (settled.contains(lease) ? acknowledged : notAcknowledged).add(m));
        store.events().acknowledged(queue.name(), acknowledged.size());
        return new NextBatch(done.leased(), acknowledged, notAcknowledged);
    }

    private static long visibilityMillis(Duration visibilityTimeout) {
        if (visibilityTimeout == null || visibilityTimeout.isNegative() || visibilityTimeout.isZero()) {
            throw new IllegalArgumentException("visibility timeout must be positive, was " + visibilityTimeout);
        }
        return visibilityTimeout.toMillis();
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

    // Settling. Every call names the deliveries it settles (the Message objects a dequeue returned): a
    // message is changed only while it is still that delivery, held by this consumer. If its lease ran
    // out and the message was delivered again — to another consumer or to another thread of this one —
    // the call changes nothing for it and reports it as not settled.

    /** Archives a delivery this consumer holds; false if it no longer holds it. */
    public boolean archive(Message message) {
        return archive(List.of(message)).size() == 1;
    }

    /** Archives held deliveries in one statement; returns those archived. */
    public List<Message> archive(Collection<Message> messages) {
        return acknowledged(settle(messages, held -> store.database().execute(settleWhat,
                c -> store.messageRows().archive(c, held, worker.id()))));
    }

    /**
     * Archives held deliveries on the caller's connection, inside the caller's transaction (e.g. together
     * with the enqueue of a follow-up message or the business write the message asked for); returns those
     * archived. On SQLite, prefer a connection of {@link Store#inTransaction}, which also orders the
     * transaction among the store's own writers.
     */
    public List<Message> archive(Connection connection, Collection<Message> messages) {
        return acknowledged(settle(messages, held -> store.database().onConnection(connection, settleWhat,
                c -> store.messageRows().archive(c, held, worker.id()))));
    }

    /** Deletes held deliveries on the caller's connection, inside the caller's transaction. */
    public List<Message> delete(Connection connection, Collection<Message> messages) {
        return acknowledged(settle(messages, held -> store.database().onConnection(connection, settleWhat,
                c -> store.messageRows().delete(c, held, worker.id()))));
    }

    /** Deletes a delivery this consumer holds; false if it no longer holds it. */
    public boolean delete(Message message) {
        return delete(List.of(message)).size() == 1;
    }

    public List<Message> delete(Collection<Message> messages) {
        return acknowledged(settle(messages, held -> store.database().execute(settleWhat,
                c -> store.messageRows().delete(c, held, worker.id()))));
    }

    /**
     * Extends a lease by {@code extension}, from its end (from now, if it has passed), as pgqrs's
     * {@code extend_vt} does; false if this consumer no longer holds the delivery.
     */
    public boolean extend(Message message, Duration extension) {
        return extend(List.of(message), extension).size() == 1;
    }

    public List<Message> extend(Collection<Message> messages, Duration extension) {
        long millis = extension.toMillis();
        return settle(messages, held -> store.database().execute(settleWhat,
                c -> store.messageRows().extend(c, held, worker.id(), millis)));
    }

    /** Renews held leases to end {@code visibilityMillis} from now: the lease keeper's statement. */
    List<Lease> renewLeases(Deliveries held, long visibilityMillis) {
        return store.database().execute(settleWhat, c -> store.messageRows().renew(c, held, worker.id(), visibilityMillis));
    }

    /** Makes a held delivery visible again now; false if this consumer no longer holds it. */
    public boolean release(Message message) {
        return release(List.of(message), Duration.ZERO, null).size() == 1;
    }

    /**
     * Gives held deliveries back, visible again after {@code delay} (a retry back-off), recording
     * {@code error} (may be null), their delivery count kept; returns those released. A release never
     * dead-letters (as in pgqrs): a message delivered max_read_ct times is dead-lettered by the next
     * dequeue that meets it.
     */
    public List<Message> release(Collection<Message> messages, Duration delay, String error) {
        long millis = delay == null || delay.isNegative() ? 0 : delay.toMillis();
        String text = ErrorText.cut(error, ErrorText.MAX_STORED_BYTES);
        List<Message> released = settle(messages, held -> store.database().execute(settleWhat,
                c -> store.messageRows().release(c, held, worker.id(), millis, text)));
        if (!released.isEmpty()) {
            store.wakeUps().visibleLater(queue.id(), millis);
        }
        if (text != null) {
            store.events().retried(queue.name(), released.size()); // a failed attempt, not a give-back
        }
        return released;
    }

    /** Moves a held delivery to the dead-letter state with a reason; false if not held. */
    public boolean deadLetter(Message message, String reason) {
        return deadLetter(List.of(message), reason).size() == 1;
    }

    public List<Message> deadLetter(Collection<Message> messages, String reason) {
        String text = ErrorText.cut(reason, ErrorText.MAX_STORED_BYTES);
        return deadLettered(settle(messages, held -> store.database().execute(settleWhat,
                c -> store.messageRows().deadLetter(c, held, worker.id(), text))));
    }

    /**
     * Dead-letters held deliveries on the caller's connection, inside the caller's transaction (e.g.
     * together with cleaning up what their processing recorded); returns those dead-lettered.
     */
    public List<Message> deadLetter(Connection connection, Collection<Message> messages, String reason) {
        String text = ErrorText.cut(reason, ErrorText.MAX_STORED_BYTES);
        return deadLettered(settle(messages, held -> store.database().onConnection(connection, settleWhat,
                c -> store.messageRows().deadLetter(c, held, worker.id(), text))));
    }

    private List<Message> acknowledged(List<Message> settled) {
        store.events().acknowledged(queue.name(), settled.size());
        return settled;
    }

    private List<Message> deadLettered(List<Message> settled) {
        store.events().deadLettered(queue.name(), settled.size());
        return settled;
    }

    /** Runs a settling statement on the deliveries of {@code messages}; returns the messages it settled, in order. */
    private static List<Message> settle(Collection<Message> messages, Function<Deliveries, List<Lease>> statement) {
        if (messages.isEmpty()) {
            return List.of();
        }
        Map<Lease, Message> byLease = byLease(messages);
        Set<Lease> settled = new HashSet<>(statement.apply(Deliveries.of(byLease.keySet())));
        List<Message> out = new ArrayList<>(settled.size());
        byLease.forEach((lease, m) -> {
            if (settled.contains(lease)) {
                out.add(m);
            }
        });
        return out;
    }

    /** The deliveries of {@code messages}, each once, in the order given. */
    private static Map<Lease, Message> byLease(Collection<Message> messages) {
        Map<Lease, Message> byLease = new LinkedHashMap<>(messages.size() * 2);
        for (Message m : messages) {
            byLease.putIfAbsent(Lease.of(m), m);
        }
        return byLease;
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

    /**
     * The worker to lease under. One the store declared dead (its heartbeat went stale, e.g. while the
     * database was away) held nothing any more — the reaper released its deliveries, and settling them
     * now reports them as not held — so it is renewed and the consumer goes on.
     */
    private LiveWorker activeWorker() {
        LiveWorker w = worker;
        if (w.fenced()) {
            w = renew(w);
        }
        store.workerRegistry().requireNotStopped(w);
        WorkerStatus s = w.status();
        if (s == WorkerStatus.SUSPENDED || s == WorkerStatus.INTERRUPTED) {
            throw new PgqrsException("consumer '" + w.name() + "' is " + s.sqlName()
                    + " and takes no new messages" + (s == WorkerStatus.SUSPENDED ? "; resume() it first" : ""));
        }
        return w;
    }

    private synchronized LiveWorker renew(LiveWorker fenced) {
        if (worker == fenced) {
            worker = store.workerRegistry().renew(fenced);
        }
        return worker;
    }

    /** Stops the consumer; refused with {@link WorkerBusyException} while it holds leases. */
    @Override
    public void close() {
        close(ShutdownMode.REQUIRE_IDLE);
    }

    public void close(ShutdownMode mode) {
        LiveWorker worker = this.worker;
        if (worker.status() == WorkerStatus.STOPPED || worker.fenced()) {
            store.workerRegistry().forget(worker);
            store.forget(this);
            return;
        }
        if (mode == ShutdownMode.RELEASE_HELD) {
            store.database().execute("release leases of worker '" + worker.name() + "'",
                    c -> store.workerRows().releaseMessagesOf(c, worker.id()));
            store.wakeUps().visibleNow(queue.id());
        } else if (mode == ShutdownMode.REQUIRE_IDLE) {
            // Any message it still owns counts, expired leases included: pgqrs refuses such a shutdown too.
            long held = store.database().read("count messages of worker '" + worker.name() + "'",
                    c -> store.workerRows().countOwned(c, worker.id()));
            if (held > 0) {
                throw new WorkerBusyException(worker.name(), held);
            }
        }
        store.workerRegistry().stop(worker);
        store.forget(this);
    }
}
