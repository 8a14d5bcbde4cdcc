package dev.pgqrs;

import dev.pgqrs.store.Deliveries;
import dev.pgqrs.worker.LeaseKeeper;
import dev.pgqrs.worker.PollLoop;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Handles the messages of one queue with a {@link MessageHandler}: {@code threads} threads each lease a
 * batch (one statement), hand its messages to the handler one by one, and acknowledge the ones handled
 * without a word — in the statement that fetches the thread's next batch (one commit per batch; see
 * {@link QueueWorkerOptions#piggybacksAcks()} for when), or in one more statement of their own. Failed attempts are retried after the
 * {@link RetryPolicy}'s back-off and dead-lettered (in place, or moved to a dead-letter queue) once the
 * attempts are used up. While a handler runs, its message's lease is kept alive.
 *
 * <p>An idle thread waits for a wake-up — an enqueue in this process, a NOTIFY from another on PostgreSQL —
 * with polling as the fallback, its wait growing while the queue stays empty. A database outage is logged
 * once when it starts and once when it ends; the worker goes on by itself when the database is back (a
 * worker row the store declared dead meanwhile is renewed).
 *
 * <p>Start one with {@link Store#worker}; {@link #close()} stops it gracefully: no new fetches, the messages
 * of a batch not started yet are given back, handlers (and deferred deliveries) get the shutdown timeout to
 * finish.
 */
public final class QueueWorker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(QueueWorker.class);
    private static final AtomicInteger WORKERS = new AtomicInteger();

    private enum State { RUNNING, SUSPENDED, STOPPING, STOPPED }

    private final Store store;
    private final QueueInfo queue;
    private final MessageHandler handler;
    private final QueueWorkerOptions options;
    private final Consumer consumer;
    private final DeliverySettler settler;
    /** Whether a batch's acknowledgements ride on the next fetch of its thread ({@link QueueWorkerOptions#piggybacksAcks()}). */
    private final boolean piggyback;
    private final LeaseKeeper leaseKeeper;
    private final Duration visibilityTimeout;
    private final int deliveryLimit;
    private final ExecutorService threads;
    private final boolean ownThreads;
    private final List<Future<?>> loops = new ArrayList<>();
    /** Deliveries handed to the handler and not settled yet (deferred ones included). */
    private final Set<Delivery> inFlight = ConcurrentHashMap.newKeySet();
    private final Object stateLock = new Object();
    /** Held shared by each dequeue statement, so suspend can wait for one in flight. */
    private final ReentrantReadWriteLock fetchGate = new ReentrantReadWriteLock();
    private volatile State state = State.RUNNING;

    QueueWorker(Store store, QueueInfo queue, MessageHandler handler, QueueWorkerOptions options, QueueInfo deadLetterQueue) {
        this.store = store;
        this.queue = queue;
        this.handler = handler;
        this.options = options;
        this.visibilityTimeout = options.visibilityTimeout() != null ? options.visibilityTimeout()
                : store.config().visibilityTimeout();
        // A policy with more attempts than the store's max_read_ct raises the limit for this worker's deliveries.
        this.deliveryLimit = Math.max(store.config().maxReadCount(), options.retryPolicy().maxAttempts());
        this.consumer = store.consumer(queue.name(), ConsumerOptions.defaults().workerName(options.workerName())
                .visibilityTimeout(visibilityTimeout));
        this.settler = new DeliverySettler(store, consumer, options, deadLetterQueue);
        this.piggyback = options.piggybacksAcks();
        this.leaseKeeper = new LeaseKeeper("queue worker of '" + queue.name() + "'",
                leases -> consumer.renewLeases(Deliveries.of(leases), visibilityTimeout.toMillis()),
                lease -> LOG.warn("the lease of message {} of queue '{}' (delivery {}) was lost while its handler ran (it "
                        + "ran out and the message is delivered again); raise the visibility timeout if handlers often run "
                        + "this long", lease.messageId(), queue.name(), lease.readCount()),
                () -> store.health().reachable());
        this.ownThreads = options.executor() == null;
        int n = WORKERS.incrementAndGet();
        AtomicInteger count = new AtomicInteger();
        this.threads = ownThreads ? Executors.newFixedThreadPool(options.threads(), r -> {
            Thread t = new Thread(r, "pgqrs-worker-" + queue.name() + "-" + n + "-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        }) : options.executor();
    }

    QueueWorker start() {
        if (options.extendLeases()) {
            leaseKeeper.start(store.scheduler(), visibilityTimeout);
        }
        Duration poll = options.pollInterval() != null ? options.pollInterval() : store.config().pollInterval();
        for (int i = 0; i < options.threads(); i++) {
            PollLoop loop = new PollLoop("queue worker of '" + queue.name() + "'", store.signals(), queue.id(), poll,
                    options.maxIdleWait(), options.idleFactor(), this::fetching, LOG);
            FetchLoop fetches = new FetchLoop();
            loops.add(threads.submit(() -> fetches.run(loop)));
        }
        return this;
    }

    // ---- the loop ------------------------------------------------------------------------------------

    private boolean fetching() {
        State s = state;
        return s == State.RUNNING || s == State.SUSPENDED;
    }

    /**
     * One of the worker's threads: its poll loop, and the acknowledgements that wait for its next fetch. With
     * piggybacked acknowledgements a batch's successes are archived (or deleted) by the statement that fetches
     * the next batch: one commit per batch. They are sent at once, on their own, when no fetch follows: the worker
     * is suspended (here or by an operator), asked to shut down, or stops. A fetch that finds the queue empty
     * acknowledges them too, so an idle queue holds no acknowledged message leased. Until then the deliveries stay
     * in flight, their leases kept alive; if the process dies first, they are delivered again (at-least-once).
     */
    private final class FetchLoop {

        private final List<Delivery> pendingAcks = new ArrayList<>();

        void run(PollLoop loop) {
            try {
                loop.run(this::fetchOnce);
            } finally {
                flushPendingAcks();
            }
        }

        int fetchOnce() throws InterruptedException {
            if (state == State.SUSPENDED) {
                flushPendingAcks();
                awaitResume();
                return PollLoop.BUSY;
            }
            WorkerStatus row = consumer.status();
            if (row == WorkerStatus.SUSPENDED) {
                flushPendingAcks();
                awaitRowResumed();
                return PollLoop.BUSY;
            }
            if (row == WorkerStatus.INTERRUPTED) {
                flushPendingAcks();
                shutdownAsked();
                return PollLoop.BUSY;
            }
            List<Message> batch;
            fetchGate.readLock().lock();
            try {
                if (state != State.RUNNING) {
                    return PollLoop.BUSY; // suspended or stopping before the statement: the loop finds out
                }
                batch = fetch();
            } catch (PgqrsException e) {
                if (state != State.RUNNING && !OutageLog.isOutage(e)) {
                    return PollLoop.BUSY; // suspended or stopping under the fetch's feet: the loop finds out
                }
                throw e;
            } finally {
                fetchGate.readLock().unlock();
            }
            if (batch.isEmpty()) {
                return 0;
            }
            new Fetch(batch, this).handle();
            return batch.size();
        }

        /** The next batch, acknowledging the last one's successes in the same statement when they wait for it. */
        private List<Message> fetch() {
            if (pendingAcks.isEmpty()) {
                return consumer.dequeue(options.batchSize(), visibilityTimeout, deliveryLimit);
            }
            NextBatch next;
            try {
                next = consumer.acknowledgeAndDequeue(options.ackMode() == AckMode.DELETE, messagesOf(pendingAcks),
                        options.batchSize(), visibilityTimeout, deliveryLimit);
            } catch (RuntimeException e) {
                // Nothing was acknowledged. Through an outage they wait for the fetch that succeeds; after any
                // other failure they go on their own, so they do not wait on a fetch that keeps failing.
                if (!OutageLog.isOutage(e)) {
                    flushPendingAcks();
                }
                throw e;
            }
            DeliverySettler.warnLost(next.notAcknowledged());
            pendingAcks.forEach(QueueWorker.this::settled);
            pendingAcks.clear();
            return next.messages();
        }

        /** A batch's acknowledgements made while it was handled on this thread: they wait for the next fetch, or go now. */
        void acknowledge(List<Delivery> acks) {
            if (!piggyback) {
                sendAcks(acks);
                return;
            }
            List<Delivery> now = new ArrayList<>();
            for (Delivery d : acks) {
                (settler.ridesOnFetch(d) ? pendingAcks : now).add(d);
            }
            sendAcks(now);
        }

        private void flushPendingAcks() {
            if (!pendingAcks.isEmpty()) {
                List<Delivery> acks = new ArrayList<>(pendingAcks);
                pendingAcks.clear();
                sendAcks(acks);
            }
        }
    }

    private static List<Message> messagesOf(List<Delivery> deliveries) {
        List<Message> messages = new ArrayList<>(deliveries.size());
        for (Delivery d : deliveries) {
            messages.add(d.message());
        }
        return messages;
    }

    /** Acknowledgements in a statement of their own (one for the plain ones, one transaction per checkpointed one). */
    private void sendAcks(List<Delivery> acks) {
        if (acks.isEmpty()) {
            return;
        }
        try {
            settler.ack(acks);
        } catch (RuntimeException e) {
            LOG.warn("acknowledging {} message(s) of queue '{}' failed ({}); they are delivered again when their leases "
                    + "run out", acks.size(), queue.name(), e.getMessage());
        } finally {
            acks.forEach(this::settled);
        }
    }

    private void awaitResume() throws InterruptedException {
        synchronized (stateLock) {
            while (state == State.SUSPENDED) {
                stateLock.wait(1_000);
            }
        }
    }

    /**
     * The worker's row was suspended by an operator (from another process; the heartbeat brought the news):
     * fetch nothing until the row is resumed, or this worker resumed or stopped here.
     */
    private void awaitRowResumed() throws InterruptedException {
        synchronized (stateLock) {
            while (state == State.RUNNING && consumer.status() == WorkerStatus.SUSPENDED) {
                stateLock.wait(250);
            }
        }
    }

    /**
     * An operator asked the worker to shut down (its row is interrupted): it stops as {@link #close()} does, on
     * a thread of its own, since close waits for this loop to end.
     */
    private void shutdownAsked() {
        synchronized (stateLock) {
            if (state != State.RUNNING) {
                return;
            }
        }
        LOG.info("queue worker of '{}' ({}) was asked to shut down by an operator; stopping", queue.name(),
                consumer.workerName());
        stopFetching();
        Thread closer = new Thread(this::close, "pgqrs-worker-shutdown-" + queue.name());
        closer.setDaemon(true);
        closer.start();
    }

    /** One fetched batch, handled on the thread that fetched it. */
    final class Fetch {
        private final List<Message> batch;
        private final FetchLoop loop;
        private final Thread thread = Thread.currentThread();
        private final List<Delivery> acks;

        Fetch(List<Message> batch, FetchLoop loop) {
            this.batch = batch;
            this.loop = loop;
            this.acks = new ArrayList<>(batch.size());
        }

        boolean isHandledHere() {
            return Thread.currentThread() == thread;
        }

        void acknowledgeLater(Delivery d) {
            acks.add(d);
        }

        void handle() {
            int index = 0;
            try {
                for (; index < batch.size(); index++) {
                    if (state == State.STOPPING || state == State.STOPPED) {
                        giveBack(batch.subList(index, batch.size()));
                        return;
                    }
                    handleOne(new Delivery(QueueWorker.this, batch.get(index), this, index, batch.size()));
                }
            } finally {
                loop.acknowledge(acks);
            }
        }
    }

    private void handleOne(Delivery d) {
        inFlight.add(d);
        leaseKeeper.track(d.lease());
        try {
            handler.handle(d);
            if (!d.isDeferred()) {
                d.ack();
            }
        } catch (VirtualMachineError e) {
            LOG.error("the handler of queue '{}' hit {} on message {}; the message is delivered again when its lease runs "
                    + "out", queue.name(), e, d.message().id());
            abandon(d);
        } catch (Throwable e) {
            if (d.isSettled()) {
                LOG.warn("the handler of queue '{}' threw after settling message {}: {}", queue.name(), d.message().id(),
                        e.toString());
            } else {
                settleFailure(d, e);
            }
        } finally {
            d.handled();
        }
    }

    private void settleFailure(Delivery d, Throwable error) {
        try {
            d.retry(error);
        } catch (RuntimeException e) {
            LOG.warn("giving back message {} of queue '{}' after a failure failed ({}); it is delivered again when its lease "
                    + "runs out", d.message().id(), queue.name(), e.getMessage());
            settled(d);
        }
    }

    private void abandon(Delivery d) {
        settled(d);
    }

    private void giveBack(List<Message> unstarted) {
        try {
            consumer.release(unstarted, Duration.ZERO, null);
        } catch (RuntimeException e) {
            LOG.debug("giving back {} unstarted message(s) failed; their leases run out on their own", unstarted.size());
        }
    }

    /** A delivery is settled (or given up): its lease need not be kept any more. */
    void settled(Delivery d) {
        if (inFlight.remove(d)) {
            leaseKeeper.untrack(d.lease());
            if (inFlight.isEmpty()) {
                synchronized (stateLock) {
                    stateLock.notifyAll();
                }
            }
        }
    }

    DeliverySettler settler() {
        return settler;
    }

    int maxAttempts() {
        return options.retryPolicy().maxAttempts();
    }

    // ---- lifecycle -----------------------------------------------------------------------------------

    public String queue() {
        return queue.name();
    }

    /** The worker row's name ({@code pgqrs_workers.name}). */
    public String workerName() {
        return consumer.workerName();
    }

    public long workerId() {
        return consumer.workerId();
    }

    /** Deliveries being handled now, deferred ones included. */
    public int inFlight() {
        return inFlight.size();
    }

    public boolean isRunning() {
        return state == State.RUNNING;
    }

    /** Suspended here, or its row suspended by an operator. */
    public boolean isSuspended() {
        return state == State.SUSPENDED || (state == State.RUNNING && consumer.status() == WorkerStatus.SUSPENDED);
    }

    /** Takes no new messages until {@link #resume()}; handlers in progress finish and settle as usual. */
    public void suspend() {
        synchronized (stateLock) {
            if (state != State.RUNNING) {
                return;
            }
            state = State.SUSPENDED;
        }
        // Once suspend returns no dequeue is under way: one that started before it has finished.
        fetchGate.writeLock().lock();
        fetchGate.writeLock().unlock();
        store.signals().signal(queue.id());
        consumer.suspend();
    }

    public void resume() {
        synchronized (stateLock) {
            if (state == State.RUNNING && consumer.status() == WorkerStatus.SUSPENDED) {
                consumer.resume(); // its row was suspended by an operator
                stateLock.notifyAll();
                return;
            }
            if (state != State.SUSPENDED) {
                return;
            }
            consumer.resume();
            state = State.RUNNING;
            stateLock.notifyAll();
        }
        store.signals().signal(queue.id());
    }

    /** Stops fetching (the first half of a shutdown): handlers in progress go on and settle. */
    public void stopFetching() {
        synchronized (stateLock) {
            if (state == State.STOPPED || state == State.STOPPING) {
                return;
            }
            state = State.STOPPING;
            stateLock.notifyAll();
        }
        store.signals().signal(queue.id());
    }

    /** Stops gracefully within the options' shutdown timeout. */
    @Override
    public void close() {
        close(options.shutdownTimeout());
    }

    /**
     * Stops: no new fetches, unstarted messages given back, and up to {@code timeout} for handlers and
     * deferred deliveries to settle. Returns true if all did; deliveries still in flight after that are left
     * to their leases, which run out so the messages are delivered again.
     */
    public boolean close(Duration timeout) {
        synchronized (stateLock) {
            if (state == State.STOPPED) {
                return true;
            }
        }
        stopFetching();
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean clean = awaitLoops(deadline) && awaitInFlight(deadline);
        synchronized (stateLock) {
            state = State.STOPPED;
        }
        leaseKeeper.close();
        if (ownThreads) {
            threads.shutdownNow();
        }
        try {
            consumer.close(clean ? ShutdownMode.RELEASE_HELD : ShutdownMode.LEAVE_HELD);
        } catch (RuntimeException e) {
            LOG.warn("stopping the queue worker of '{}' could not stop its worker row ({}); the reaper will", queue.name(),
                    e.getMessage());
        }
        if (!clean) {
            LOG.warn("queue worker of '{}': {} delivery(ies) still in flight after the shutdown timeout of {}; their leases "
                    + "run out and the messages are delivered again", queue.name(), inFlight.size(), timeout);
        }
        store.forget(this);
        return clean;
    }

    private boolean awaitLoops(long deadline) {
        for (Future<?> loop : loops) {
            try {
                loop.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            } catch (Exception e) {
                LOG.warn("a thread of the queue worker of '{}' ended with {}", queue.name(), e.toString());
            }
        }
        return true;
    }

    private boolean awaitInFlight(long deadline) {
        synchronized (stateLock) {
            while (!inFlight.isEmpty()) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    return false;
                }
                try {
                    stateLock.wait(Math.min(left, 100));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return true;
        }
    }

    @Override
    public String toString() {
        return "QueueWorker{" + queue.name() + ", " + consumer.workerName() + "}";
    }
}
