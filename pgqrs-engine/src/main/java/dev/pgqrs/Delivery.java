package dev.pgqrs;

import dev.pgqrs.store.Lease;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One delivery of a message to a {@link MessageHandler}, and how it is settled. Settling happens once:
 * the first of {@link #ack}, {@link #ackWith}, {@link #retry}, {@link #retryIn}, {@link #deadLetter} counts,
 * later calls change nothing. If the handler returns without settling, the worker acknowledges; if it
 * throws, the worker calls {@link #retry} with the error — unless the handler {@link #defer deferred} the
 * outcome, in which case the delivery stays leased (and kept alive) until something settles it.
 *
 * <p>Every settle is fenced on this delivery: if the lease was lost meanwhile (it ran out and the message
 * was delivered again), nothing changes and the settle reports so. Thread-safe.
 */
public final class Delivery {

    private final QueueWorker worker;
    private final Message message;
    private final Lease lease;
    private final int batchIndex;
    private final int batchSize;
    private final AtomicBoolean settled = new AtomicBoolean();
    private volatile boolean deferred;
    private volatile String checkpointRun;
    /** The fetch being handled on the worker's thread: acknowledgements made during handle() join its one statement. */
    private volatile QueueWorker.Fetch fetch;

    Delivery(QueueWorker worker, Message message, QueueWorker.Fetch fetch, int batchIndex, int batchSize) {
        this.worker = worker;
        this.message = message;
        this.lease = Lease.of(message);
        this.fetch = fetch;
        this.batchIndex = batchIndex;
        this.batchSize = batchSize;
    }

    public Message message() {
        return message;
    }

    /** Which attempt this is, from 1: the message's delivery count. */
    public int attempt() {
        return message.readCount();
    }

    /** Position of this message in the batch its fetch leased (from 0). */
    public int batchIndex() {
        return batchIndex;
    }

    /** How many messages the fetch that leased this one leased. */
    public int batchSize() {
        return batchSize;
    }

    /** Attempts in all before the message is dead-lettered. */
    public int maxAttempts() {
        return worker.maxAttempts();
    }

    public boolean isSettled() {
        return settled.get();
    }

    /**
     * Acknowledges: archives or deletes the message (the worker's {@link AckMode}). Called while the handler
     * runs, it joins the other acknowledgements of the same fetch: in the statement that fetches the thread's
     * next batch when the worker piggybacks them ({@link QueueWorkerOptions#piggybacksAcks()}; if the process
     * dies before that fetch, the message is delivered again), else in one statement after the last of them.
     * Called later (from another thread, after {@link #defer}), it is one statement of its own. To make a side
     * effect and the acknowledgement one commit, use {@link #ackWith}: it never waits for a fetch.
     */
    public void ack() {
        if (claim()) {
            QueueWorker.Fetch f = fetch;
            if (f != null && f.isHandledHere()) {
                f.acknowledgeLater(this);
            } else {
                worker.settler().ack(List.of(this));
                worker.settled(this);
            }
        }
    }

    /**
     * Runs {@code work} and acknowledges this delivery in one transaction (the outbox/inbox pattern: the side
     * effect and the acknowledgement commit together, or neither does). If the delivery is no longer held,
     * the transaction is rolled back and {@link DeliveryLostException} thrown; if {@code work} throws, it is
     * rolled back and the exception propagates (and, out of the handler, counts as a failed attempt).
     */
    public <T> T ackWith(TransactionWork<T> work) {
        if (!claim()) {
            throw new IllegalStateException("message " + message.id() + " was settled already");
        }
        try {
            T result = worker.settler().ackWith(this, work);
            worker.settled(this);
            return result;
        } catch (DeliveryLostException lost) {
            worker.settled(this);
            throw lost;
        } catch (RuntimeException | Error e) {
            settled.set(false); // nothing was committed: the attempt's outcome is still open
            throw e;
        }
    }

    /** A failed attempt: retried after the policy's back-off, or dead-lettered when the attempts are used up. */
    public void retry(Throwable error) {
        if (claim()) {
            worker.settler().fail(this, error);
            worker.settled(this);
        }
    }

    /** A failed attempt to be retried after {@code delay} (or dead-lettered when the attempts are used up). */
    public void retryIn(Duration delay, String reason) {
        if (claim()) {
            worker.settler().retryIn(this, delay, reason);
            worker.settled(this);
        }
    }

    /** No more attempts: to the dead-letter queue, or the dead-letter state, with {@code reason}. */
    public void deadLetter(String reason) {
        if (claim()) {
            worker.settler().deadLetter(this, reason);
            worker.settled(this);
        }
    }

    /**
     * The handler's return does not settle this delivery: it stays leased, its lease kept alive, until one of
     * the settle methods is called (from any thread). A worker that stops waits for deferred deliveries up to
     * its shutdown timeout.
     */
    public Delivery defer() {
        deferred = true;
        return this;
    }

    /**
     * The handling recorded step checkpoints under {@code runKey} (durable steps of this message): they are
     * deleted in the transaction that acknowledges or dead-letters it.
     */
    public void usesCheckpoints(String runKey) {
        this.checkpointRun = runKey;
    }

    String checkpointRun() {
        return checkpointRun;
    }

    boolean isDeferred() {
        return deferred;
    }

    Lease lease() {
        return lease;
    }

    /** The handler has returned: from now on acknowledgements go out on their own. */
    void handled() {
        fetch = null;
    }

    private boolean claim() {
        return settled.compareAndSet(false, true);
    }

    @Override
    public String toString() {
        return "Delivery{message=" + message.id() + ", queue=" + message.queue() + ", attempt=" + attempt() + "}";
    }
}
