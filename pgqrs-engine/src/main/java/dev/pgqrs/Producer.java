package dev.pgqrs;

import dev.pgqrs.signal.WakeUps;
import dev.pgqrs.worker.LiveWorker;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Enqueues messages to one queue. Thread-safe; keep one per queue and reuse it.
 *
 * <p>Every enqueue is one statement (a batch too). The {@code Connection} overloads run on the
 * caller's connection inside the caller's transaction: the message becomes visible when that
 * transaction commits and disappears if it rolls back.
 */
public final class Producer implements AutoCloseable {

    private final Store store;
    private final QueueInfo queue;
    private volatile LiveWorker worker;
    private final RateLimiter limiter;
    private final String enqueueWhat;
    private final String batchWhat;

    Producer(Store store, QueueInfo queue, LiveWorker worker, RateLimiter limiter) {
        this.store = store;
        this.queue = queue;
        this.worker = worker;
        this.limiter = limiter;
        this.enqueueWhat = "enqueue to queue '" + queue.name() + "'";
        this.batchWhat = "enqueue batch to queue '" + queue.name() + "'";
    }

    /** Enqueues a payload (JSON text, Jackson tree, Map or POJO); returns the message id. */
    public long enqueue(Object payload) {
        return enqueue(payload, Duration.ZERO);
    }

    /** Enqueues a payload that becomes visible after {@code delay}. */
    public long enqueue(Object payload, Duration delay) {
        String json = store.validator().validate(payload).json();
        long delayMillis = delayMillis(delay);
        beforeWrite(1);
        WakeUps.Notice notice = store.wakeUps().beforeWrite(queue.id(), delayMillis);
        long id = store.database().execute(enqueueWhat, c -> insert(c, json, notice));
        store.wakeUps().afterWrite(notice);
        return id;
    }

    /** Enqueues a payload that becomes visible at {@code visibleAt} (now, if that has passed). */
    public long enqueueAt(Object payload, Instant visibleAt) {
        return enqueue(payload, untilNow(visibleAt));
    }

    /** Enqueues a batch in one statement; returns ids in payload order. Fails whole if one payload is invalid. */
    public List<Long> enqueueBatch(List<?> payloads) {
        return enqueueBatch(payloads, Duration.ZERO);
    }

    public List<Long> enqueueBatch(List<?> payloads, Duration delay) {
        List<String> jsons = store.validator().validateBatch(payloads);
        long delayMillis = delayMillis(delay);
        beforeWrite(jsons.size());
        WakeUps.Notice notice = store.wakeUps().beforeWrite(queue.id(), delayMillis);
        List<Long> ids = store.database().execute(batchWhat, c -> insertBatch(c, jsons, notice));
        store.wakeUps().afterWrite(notice);
        return ids;
    }

    /**
     * Enqueues a payload with options: a delay, a deduplication key, a priority. With a key that a message of the
     * queue holds (pending, leased, or archived within the store's {@code dedup_window}) nothing is inserted and
     * the result names that message, as a duplicate. Race-safe across processes: the database's unique index on
     * the key decides. One statement (two for a duplicate).
     */
    public Enqueued enqueue(Object payload, EnqueueOptions options) {
        String json = store.validator().validate(payload).json();
        long delayMillis = options.delay().toMillis();
        beforeWrite(1);
        WakeUps.Notice notice = store.wakeUps().beforeWrite(queue.id(), delayMillis);
        Enqueued enqueued = store.database().execute(enqueueWhat, c -> insert(c, json, options, notice));
        store.wakeUps().afterWrite(notice);
        return enqueued;
    }

    /** As {@link #enqueue(Object, EnqueueOptions)}, on the caller's connection, inside the caller's transaction. */
    public Enqueued enqueue(Connection connection, Object payload, EnqueueOptions options) {
        String json = store.validator().validate(payload).json();
        long delayMillis = options.delay().toMillis();
        beforeWrite(1);
        WakeUps.Notice notice = store.wakeUps().beforeWriteInTransaction(queue.id(), delayMillis);
        Enqueued enqueued = store.database().onConnection(connection, enqueueWhat, c -> insert(c, json, options, notice));
        store.wakeUps().afterWrite(notice);
        return enqueued;
    }

    /**
     * Enqueues a batch in one statement with options per message ({@code options.get(i)} for payload {@code i};
     * their delay must be zero: the batch's is {@code delay}). Returns, in payload order, what each enqueue did;
     * a key repeated in the batch is inserted once, the later payloads with it are duplicates of the first.
     */
    public List<Enqueued> enqueueBatch(List<?> payloads, List<EnqueueOptions> options, Duration delay) {
        List<String> jsons = store.validator().validateBatch(payloads);
        BatchOptions batch = BatchOptions.of(options, jsons.size());
        long delayMillis = delayMillis(delay);
        beforeWrite(jsons.size());
        WakeUps.Notice notice = store.wakeUps().beforeWrite(queue.id(), delayMillis);
        List<Enqueued> result = store.database().execute(batchWhat, c -> insertBatch(c, jsons, batch, notice));
        store.wakeUps().afterWrite(notice);
        return result;
    }

    /** As {@link #enqueueBatch(List, List, Duration)}, on the caller's connection, inside the caller's transaction. */
    public List<Enqueued> enqueueBatch(Connection connection, List<?> payloads, List<EnqueueOptions> options,
                                       Duration delay) {
        List<String> jsons = store.validator().validateBatch(payloads);
        BatchOptions batch = BatchOptions.of(options, jsons.size());
        long delayMillis = delayMillis(delay);
        beforeWrite(jsons.size());
        WakeUps.Notice notice = store.wakeUps().beforeWriteInTransaction(queue.id(), delayMillis);
        List<Enqueued> result = store.database().onConnection(connection, batchWhat,
                c -> insertBatch(c, jsons, batch, notice));
        store.wakeUps().afterWrite(notice);
        return result;
    }

    /** A batch's options as the statement binds them: keys, stored priorities, ordering keys, in payload order. */
    private record BatchOptions(List<String> dedupKeys, List<Integer> priorities, List<String> orderingKeys) {

        static BatchOptions of(List<EnqueueOptions> options, int size) {
            if (options == null || options.size() != size) {
                throw new IllegalArgumentException("a batch needs one EnqueueOptions per payload: " + size
                        + " payload(s), " + (options == null ? "no" : options.size()) + " options");
            }
            List<String> keys = new java.util.ArrayList<>(size);
            List<Integer> priorities = new java.util.ArrayList<>(size);
            List<String> orderingKeys = new java.util.ArrayList<>(size);
            for (int i = 0; i < size; i++) {
                EnqueueOptions o = java.util.Objects.requireNonNull(options.get(i), "options at index " + i);
                if (!o.delay().isZero()) {
                    throw new IllegalArgumentException("options at index " + i + " have a delay of " + o.delay()
                            + ": a batch has one delay, given to enqueueBatch");
                }
                keys.add(o.dedupKey());
                priorities.add(o.storedPriority());
                orderingKeys.add(o.orderingKey());
            }
            return new BatchOptions(keys, priorities, orderingKeys);
        }
    }

    /** Enqueues on the caller's connection, inside the caller's transaction. */
    public long enqueue(Connection connection, Object payload) {
        return enqueue(connection, payload, Duration.ZERO);
    }

    public long enqueue(Connection connection, Object payload, Duration delay) {
        String json = store.validator().validate(payload).json();
        long delayMillis = delayMillis(delay);
        beforeWrite(1);
        WakeUps.Notice notice = store.wakeUps().beforeWriteInTransaction(queue.id(), delayMillis);
        long id = store.database().onConnection(connection, enqueueWhat, c -> insert(c, json, notice));
        store.wakeUps().afterWrite(notice);
        return id;
    }

    /**
     * Enqueues JSON the engine built itself from a payload that was validated before (a dead-letter copy with
     * its context), on the caller's connection: the copy is not held to the payload limits again.
     */
    long enqueueValidated(Connection connection, String json) {
        beforeWrite(1);
        WakeUps.Notice notice = store.wakeUps().beforeWriteInTransaction(queue.id(), 0);
        long id = store.database().onConnection(connection, enqueueWhat, c -> insert(c, json, notice));
        store.wakeUps().afterWrite(notice);
        return id;
    }

    /** Enqueues a batch on the caller's connection, inside the caller's transaction. */
    public List<Long> enqueueBatch(Connection connection, List<?> payloads, Duration delay) {
        List<String> jsons = store.validator().validateBatch(payloads);
        long delayMillis = delayMillis(delay);
        beforeWrite(jsons.size());
        WakeUps.Notice notice = store.wakeUps().beforeWriteInTransaction(queue.id(), delayMillis);
        List<Long> ids = store.database().onConnection(connection, batchWhat, c -> insertBatch(c, jsons, notice));
        store.wakeUps().afterWrite(notice);
        return ids;
    }

    // Each insert is timed and counted in memory around its one statement (EngineEvents): nothing is added to it.

    private long insert(Connection c, String json, WakeUps.Notice notice) throws SQLException {
        long t0 = System.nanoTime();
        long id = store.messageRows().insert(c, queue.id(), json, notice.delayMillis(), workerId(), notice.channel(),
                notice.payload());
        store.events().enqueued(queue.name(), 1, System.nanoTime() - t0);
        return id;
    }

    private Enqueued insert(Connection c, String json, EnqueueOptions options, WakeUps.Notice notice) throws SQLException {
        long t0 = System.nanoTime();
        Enqueued enqueued = store.messageRows().insertWithOptions(c, queue.id(), json, notice.delayMillis(), workerId(),
                options.dedupKey(), options.storedPriority(), options.orderingKey(), notice.channel(), notice.payload());
        store.events().enqueued(queue.name(), enqueued.duplicate() ? 0 : 1, System.nanoTime() - t0);
        return enqueued;
    }

    private List<Enqueued> insertBatch(Connection c, List<String> jsons, BatchOptions batch, WakeUps.Notice notice)
            throws SQLException {
        long t0 = System.nanoTime();
        List<Enqueued> result = store.messageRows().insertBatchWithOptions(c, queue.id(), jsons, notice.delayMillis(),
                workerId(), batch.dedupKeys(), batch.priorities(), batch.orderingKeys(), notice.channel(), notice.payload());
        int inserted = (int) result.stream().filter(e -> !e.duplicate()).count();
        store.events().enqueued(queue.name(), inserted, System.nanoTime() - t0);
        return result;
    }

    private List<Long> insertBatch(Connection c, List<String> jsons, WakeUps.Notice notice) throws SQLException {
        long t0 = System.nanoTime();
        List<Long> ids = store.messageRows().insertBatch(c, queue.id(), jsons, notice.delayMillis(), workerId(),
                notice.channel(), notice.payload());
        store.events().enqueued(queue.name(), ids.size(), System.nanoTime() - t0);
        return ids;
    }

    public String queue() {
        return queue.name();
    }

    public QueueInfo queueInfo() {
        return queue;
    }

    /** This producer's worker id, or null for the store's ephemeral producers. */
    public Long workerId() {
        LiveWorker w = worker;
        return w == null ? null : w.id();
    }

    /** The status of this producer's worker row; READY for the store's ephemeral producers. */
    public WorkerStatus status() {
        LiveWorker w = worker;
        return w == null ? WorkerStatus.READY : w.fenced() ? WorkerStatus.READY : w.status();
    }

    private void beforeWrite(int messages) {
        LiveWorker w = worker;
        if (w != null) {
            if (w.fenced()) {
                w = renew(w);
            }
            store.workerRegistry().requireNotStopped(w);
            w.touchedMessages();
        }
        if (limiter != null) {
            limiter.acquire(messages);
        }
    }

    /** A producer can always go on after being declared dead: it holds nothing, so it just takes a new row. */
    private synchronized LiveWorker renew(LiveWorker fenced) {
        if (worker == fenced) {
            worker = store.workerRegistry().renew(fenced);
        }
        return worker;
    }

    private static long delayMillis(Duration delay) {
        if (delay == null || delay.isNegative()) {
            return 0;
        }
        return delay.toMillis();
    }

    private static Duration untilNow(Instant at) {
        Duration d = Duration.between(Instant.now(), at);
        return d.isNegative() ? Duration.ZERO : d;
    }

    /** Stops this producer's worker row (kept if it produced messages, removed otherwise). */
    @Override
    public void close() {
        LiveWorker w = worker;
        if (w != null && w.status() != WorkerStatus.STOPPED) {
            store.workerRegistry().stop(w);
        } else if (w != null) {
            store.workerRegistry().forget(w);
        }
        store.forget(this);
    }
}
