package dev.pgqrs.signal;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Wakes consumers waiting for a queue when messages may have arrived, so they need not wait for
 * the next poll. Enqueues in this process signal directly; on PostgreSQL a NOTIFY listener can
 * signal for enqueues made elsewhere. Polling stays the fallback: a missed signal costs at most
 * one poll interval, never a message.
 *
 * <p>Each queue has a generation counter. A consumer reads it <em>before</em> it dequeues and,
 * after an empty dequeue, waits only while the counter still has that value, so a signal that
 * lands between the dequeue and the wait is not lost.
 */
public final class QueueSignals {

    private final ConcurrentHashMap<Long, Channel> channels = new ConcurrentHashMap<>();
    private final Linger linger;

    public QueueSignals() {
        this(Linger.NONE);
    }

    /** @param linger how long consumers that found work keep looking before they wait (see {@link Linger}) */
    public QueueSignals(Linger linger) {
        this.linger = linger;
    }

    /** The linger of this store's consumers. */
    public Linger linger() {
        return linger;
    }

    private static final class Channel {
        final ReentrantLock lock = new ReentrantLock();
        final Condition changed = lock.newCondition();
        volatile long generation;
    }

    private Channel channel(long queueId) {
        return channels.computeIfAbsent(queueId, id -> new Channel());
    }

    /** The current generation of a queue; pass it to {@link #await} after an empty dequeue. */
    public long generation(long queueId) {
        return channel(queueId).generation;
    }

    /** Messages may have arrived on the queue: wake its waiters. */
    public void signal(long queueId) {
        Channel ch = channels.get(queueId);
        if (ch == null) {
            return; // nobody has ever waited on this queue in this process
        }
        ch.lock.lock();
        try {
            ch.generation++;
            ch.changed.signalAll();
        } finally {
            ch.lock.unlock();
        }
    }

    /** Wakes every waiter of every queue (used on shutdown and when a listener reconnects). */
    public void signalAll() {
        channels.keySet().forEach(this::signal);
    }

    /**
     * Waits until the queue's generation moves past {@code seenGeneration} or the timeout ends.
     *
     * @return true if signalled, false on timeout
     */
    public boolean await(long queueId, long seenGeneration, Duration timeout) throws InterruptedException {
        Channel ch = channel(queueId);
        long nanos = timeout.toNanos();
        ch.lock.lock();
        try {
            while (ch.generation == seenGeneration) {
                if (nanos <= 0) {
                    return false;
                }
                nanos = ch.changed.awaitNanos(nanos);
            }
            return true;
        } finally {
            ch.lock.unlock();
        }
    }

    /** Convenience for callers that hold no generation: waits for the next signal. */
    public boolean awaitNext(long queueId, Duration timeout) throws InterruptedException {
        return await(queueId, generation(queueId), timeout);
    }

}
