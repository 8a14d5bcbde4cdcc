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

    private long insert(Connection c, String json, WakeUps.Notice notice) throws SQLException {
        return store.messageRows().insert(c, queue.id(), json, notice.delayMillis(), workerId(), notice.channel(),
                notice.payload());
    }

    private List<Long> insertBatch(Connection c, List<String> jsons, WakeUps.Notice notice) throws SQLException {
        return store.messageRows().insertBatch(c, queue.id(), jsons, notice.delayMillis(), workerId(), notice.channel(),
                notice.payload());
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
