package dev.pgqrs;

import java.time.Duration;
import java.util.concurrent.ExecutorService;

/**
 * How a {@link QueueWorker} runs. Immutable; start from {@link #defaults()}.
 *
 * @param threads           handler threads; each fetches its own batch and handles it message by message
 * @param batchSize         messages one fetch leases at most (one statement), acknowledged together: by the next
 *                          fetch, or in one more statement
 * @param visibilityTimeout lease of a fetched message; null: the store's {@code visibility_timeout}. While a
 *                          handler runs, the lease is extended every third of it
 * @param extendLeases      keep the leases of running handlers alive (off: a handler must finish within it)
 * @param retryPolicy       attempts in all and the back-off between them; its {@code maxAttempts} may exceed
 *                          the store's {@code max_read_ct} (the worker raises the limit for its queue's deliveries)
 * @param deadLetterQueue   queue that receives a message whose attempts are used up, with its context, in one
 *                          transaction with settling the original; null: the message is dead-lettered in place
 * @param ackMode           what acknowledging does: archive (default) or delete
 * @param pollInterval      first idle wait when a fetch found nothing (woken early by enqueues and NOTIFY);
 *                          null: the store's {@code poll_interval}
 * @param maxIdleWait       longest idle wait: each empty fetch multiplies the wait by {@code idleFactor} up to it
 * @param idleFactor        growth of the idle wait (1 = no back-off)
 * @param shutdownTimeout   how long {@link QueueWorker#close()} waits for handlers to finish
 * @param workerName        unique worker name, or null to generate one
 * @param executor          runs the worker's threads (e.g. a framework's managed pool); null: threads of its own.
 *                          An executor passed here is not shut down by the worker
 * @param piggybackAcks     whether a batch's acknowledgement rides on the thread's next fetch (one statement and one
 *                          commit per batch instead of two; see {@link #piggybacksAcks()}); null: where the drain
 *                          benchmark measured it faster
 */
public record QueueWorkerOptions(int threads, int batchSize, Duration visibilityTimeout, boolean extendLeases,
                                 RetryPolicy retryPolicy, String deadLetterQueue, AckMode ackMode, Duration pollInterval,
                                 Duration maxIdleWait, double idleFactor, Duration shutdownTimeout, String workerName,
                                 ExecutorService executor, Boolean piggybackAcks) {

    /** The largest batch the worker piggybacks its acknowledgements for by default. */
    public static final int PIGGYBACK_MAX_BATCH = 10;

    public QueueWorkerOptions {
        if (threads < 1) {
            throw new ConfigException("queue worker threads must be at least 1, was " + threads);
        }
        if (batchSize < 1) {
            throw new ConfigException("queue worker batchSize must be at least 1, was " + batchSize);
        }
        if (visibilityTimeout != null && visibilityTimeout.toMillis() < 300) {
            throw new ConfigException("queue worker visibilityTimeout must be at least 300 ms (leases are extended every "
                    + "third of it), was " + visibilityTimeout);
        }
        if (retryPolicy == null) {
            throw new ConfigException("queue worker retryPolicy must not be null; use RetryPolicy.noRetries() for none");
        }
        if (ackMode == null) {
            throw new ConfigException("queue worker ackMode must not be null");
        }
        positive("pollInterval", pollInterval, true);
        positive("maxIdleWait", maxIdleWait, false);
        positive("shutdownTimeout", shutdownTimeout, false);
        if (!(idleFactor >= 1.0) || Double.isInfinite(idleFactor)) {
            throw new ConfigException("queue worker idleFactor must be at least 1, was " + idleFactor);
        }
        if (deadLetterQueue != null) {
            Names.requireQueueName(deadLetterQueue);
        }
    }

    private static void positive(String name, Duration d, boolean nullable) {
        if (d == null ? !nullable : d.isNegative() || d.isZero()) {
            throw new ConfigException("queue worker " + name + " must be a positive duration, was " + d);
        }
    }

    /**
     * One thread, batches of 10, the store's lease and poll interval, leases extended, five attempts
     * (exponential back-off from 1 s to 1 min with 20 % jitter) then dead-lettered in place, archived on
     * success (by the next fetch where {@link #piggybacksAcks()} says so), idle wait growing ×2 up to 5 s, 10 s to
     * shut down.
     */
    public static QueueWorkerOptions defaults() {
        return new QueueWorkerOptions(1, 10, null, true,
                RetryPolicy.exponential(5, Duration.ofSeconds(1), Duration.ofMinutes(1)).withJitter(0.2), null,
                AckMode.ARCHIVE, null, Duration.ofSeconds(5), 2.0, Duration.ofSeconds(10), null, null, null);
    }

    public QueueWorkerOptions threads(int n) {
        return new QueueWorkerOptions(n, batchSize, visibilityTimeout, extendLeases, retryPolicy, deadLetterQueue, ackMode,
                pollInterval, maxIdleWait, idleFactor, shutdownTimeout, workerName, executor, piggybackAcks);
    }

    public QueueWorkerOptions batchSize(int n) {
        return new QueueWorkerOptions(threads, n, visibilityTimeout, extendLeases, retryPolicy, deadLetterQueue, ackMode,
                pollInterval, maxIdleWait, idleFactor, shutdownTimeout, workerName, executor, piggybackAcks);
    }

    public QueueWorkerOptions visibilityTimeout(Duration d) {
        return new QueueWorkerOptions(threads, batchSize, d, extendLeases, retryPolicy, deadLetterQueue, ackMode,
                pollInterval, maxIdleWait, idleFactor, shutdownTimeout, workerName, executor, piggybackAcks);
    }

    public QueueWorkerOptions extendLeases(boolean on) {
        return new QueueWorkerOptions(threads, batchSize, visibilityTimeout, on, retryPolicy, deadLetterQueue, ackMode,
                pollInterval, maxIdleWait, idleFactor, shutdownTimeout, workerName, executor, piggybackAcks);
    }

    public QueueWorkerOptions retryPolicy(RetryPolicy policy) {
        return new QueueWorkerOptions(threads, batchSize, visibilityTimeout, extendLeases, policy, deadLetterQueue, ackMode,
                pollInterval, maxIdleWait, idleFactor, shutdownTimeout, workerName, executor, piggybackAcks);
    }

    public QueueWorkerOptions deadLetterQueue(String queue) {
        return new QueueWorkerOptions(threads, batchSize, visibilityTimeout, extendLeases, retryPolicy, queue, ackMode,
                pollInterval, maxIdleWait, idleFactor, shutdownTimeout, workerName, executor, piggybackAcks);
    }

    public QueueWorkerOptions ackMode(AckMode mode) {
        return new QueueWorkerOptions(threads, batchSize, visibilityTimeout, extendLeases, retryPolicy, deadLetterQueue, mode,
                pollInterval, maxIdleWait, idleFactor, shutdownTimeout, workerName, executor, piggybackAcks);
    }

    public QueueWorkerOptions pollInterval(Duration d) {
        return new QueueWorkerOptions(threads, batchSize, visibilityTimeout, extendLeases, retryPolicy, deadLetterQueue, ackMode,
                d, maxIdleWait, idleFactor, shutdownTimeout, workerName, executor, piggybackAcks);
    }

    public QueueWorkerOptions maxIdleWait(Duration d) {
        return new QueueWorkerOptions(threads, batchSize, visibilityTimeout, extendLeases, retryPolicy, deadLetterQueue, ackMode,
                pollInterval, d, idleFactor, shutdownTimeout, workerName, executor, piggybackAcks);
    }

    public QueueWorkerOptions idleFactor(double factor) {
        return new QueueWorkerOptions(threads, batchSize, visibilityTimeout, extendLeases, retryPolicy, deadLetterQueue, ackMode,
                pollInterval, maxIdleWait, factor, shutdownTimeout, workerName, executor, piggybackAcks);
    }

    public QueueWorkerOptions shutdownTimeout(Duration d) {
        return new QueueWorkerOptions(threads, batchSize, visibilityTimeout, extendLeases, retryPolicy, deadLetterQueue, ackMode,
                pollInterval, maxIdleWait, idleFactor, d, workerName, executor, piggybackAcks);
    }

    public QueueWorkerOptions workerName(String name) {
        return new QueueWorkerOptions(threads, batchSize, visibilityTimeout, extendLeases, retryPolicy, deadLetterQueue, ackMode,
                pollInterval, maxIdleWait, idleFactor, shutdownTimeout, name, executor, piggybackAcks);
    }

    /**
     * Acknowledgements ride on the next fetch ({@link Consumer#archiveAndDequeue}: one statement and one commit per
     * batch) or go out on their own after each batch (two commits per batch); null: {@link #piggybacksAcks()} decides.
     */
    public QueueWorkerOptions piggybackAcks(Boolean on) {
        return new QueueWorkerOptions(threads, batchSize, visibilityTimeout, extendLeases, retryPolicy, deadLetterQueue, ackMode,
                pollInterval, maxIdleWait, idleFactor, shutdownTimeout, workerName, executor, on);
    }

    /**
     * Whether the worker acknowledges each batch with its thread's next fetch: {@link #piggybackAcks()} when set,
     * else on for batches of up to {@value #PIGGYBACK_MAX_BATCH} messages, where the drain benchmark measured it
     * faster (one commit per batch instead of two is most of what such a batch costs), and off for larger ones, where
     * it was not: as fast with one thread on PostgreSQL, slower on SQLite (its two statements then take a
     * transaction of their own, which costs more than the commit it saves) and with several threads (the claim
     * holds its rows' locks through the acknowledgement of the last batch while the other threads' claims skip past
     * them). Figures: docs/benchmarks/piggyback.md and camel-piggyback.md.
     */
    public boolean piggybacksAcks() {
        if (piggybackAcks != null) {
            return piggybackAcks;
        }
        return batchSize <= PIGGYBACK_MAX_BATCH;
    }

    public QueueWorkerOptions executor(ExecutorService pool) {
        return new QueueWorkerOptions(threads, batchSize, visibilityTimeout, extendLeases, retryPolicy, deadLetterQueue, ackMode,
                pollInterval, maxIdleWait, idleFactor, shutdownTimeout, workerName, pool, piggybackAcks);
    }
}
