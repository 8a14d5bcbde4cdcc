package dev.pgqrs.camel;

import dev.pgqrs.Consumer;
import dev.pgqrs.ConsumerOptions;
import dev.pgqrs.Message;
import dev.pgqrs.ShutdownMode;
import dev.pgqrs.Store;
import dev.pgqrs.WorkerStoppedException;
import dev.pgqrs.signal.QueueSignals;
import dev.pgqrs.store.OutageLog;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.Processor;
import org.apache.camel.spi.ExecutorServiceManager;
import org.apache.camel.spi.Synchronization;
import org.apache.camel.support.DefaultConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Consumes a queue: {@code concurrentConsumers} threads each lease up to
 * {@code maxMessagesPerPoll} messages per poll and process them one exchange per message. The
 * message is settled when its exchange is done ({@link MessageSettler}); meanwhile its lease is
 * kept alive ({@link VisibilityExtender}).
 *
 * <p>Rather than Camel's scheduled polling, each thread runs its own loop so that it can wait on
 * the store's wake-up signal: an enqueue in this process, or a NOTIFY from another, ends an idle
 * wait at once; {@code delay} (with idle back-off) is the polling fallback.
 */
public class PgqrsConsumer extends DefaultConsumer {

    private static final Logger LOG = LoggerFactory.getLogger(PgqrsConsumer.class);

    private volatile Consumer leases;
    private Store store;
    private long queueId;
    private MessageSettler settler;
    private VisibilityExtender extender;
    private ExecutorService pollers;
    private ScheduledExecutorService extenderThread;
    private volatile CountDownLatch stopping;
    /** Plain acknowledgements of the poll running on this thread, made together when it ends. */
    private final ThreadLocal<List<Message>> pendingAcks = new ThreadLocal<>();
    private OutageLog outage;

    public PgqrsConsumer(PgqrsEndpoint endpoint, Processor processor) {
        super(endpoint, processor);
    }

    @Override
    public PgqrsEndpoint getEndpoint() {
        return (PgqrsEndpoint) super.getEndpoint();
    }

    PgqrsConfiguration conf() {
        return getEndpoint().getConfiguration();
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        PgqrsConfiguration conf = conf();
        store = getEndpoint().store();
        queueId = getEndpoint().queue().id();
        leases = openLeases();
        outage = new OutageLog(LOG, "pgqrs consumer of queue '" + getEndpoint().getQueueName() + "'");
        settler = new MessageSettler(store, () -> leases, conf, getEndpoint().deadLetterQueueInfo());
        ExecutorServiceManager ecm = getEndpoint().getCamelContext().getExecutorServiceManager();
        if (conf.isExtendVisibility()) {
            extender = new VisibilityExtender(() -> leases, Duration.ofMillis(conf.getVisibilityTimeout()));
            extenderThread = ecm.newSingleThreadScheduledExecutor(this, "pgqrs-lease-extender[" + getEndpoint().getQueueName() + "]");
            extender.start(extenderThread);
        }
        PgqrsConsumerHealthCheck.register(this, () -> store);
        stopping = new CountDownLatch(1);
        int threads = conf.getConcurrentConsumers();
        pollers = ecm.newFixedThreadPool(this, "pgqrs-consumer[" + getEndpoint().getQueueName() + "]", threads);
        for (int i = 0; i < threads; i++) {
            pollers.submit(this::pollLoop);
        }
    }

    /** The engine consumer (one worker row) all of this consumer's threads lease through. */
    private Consumer openLeases() {
        ConsumerOptions options = ConsumerOptions.defaults()
                .workerName(conf().getWorkerName())
                .visibilityTimeout(Duration.ofMillis(conf().getVisibilityTimeout()));
        return store.consumer(getEndpoint().queue().name(), options);
    }

    @Override
    protected void doStop() throws Exception {
        CountDownLatch latch = stopping;
        if (latch != null) {
            latch.countDown();
        }
        if (store != null) {
            store.signals().signal(queueId); // wakes idle pollers at once
        }
        if (pollers != null) {
            // Pollers finish the exchange in hand; messages of the batch not started yet are released.
            getEndpoint().getCamelContext().getExecutorServiceManager().shutdownGraceful(pollers);
            pollers = null;
        }
        if (extender != null) {
            extender.stop();
            getEndpoint().getCamelContext().getExecutorServiceManager().shutdownNow(extenderThread);
            extender = null;
        }
        if (leases != null) {
            try {
                leases.close(ShutdownMode.RELEASE_HELD);
            } catch (RuntimeException e) {
                LOG.warn("stopping the pgqrs consumer of '{}' could not release its leases ({}); they expire on their own",
                        getEndpoint().getQueueName(), e.getMessage());
            }
            leases = null;
        }
        super.doStop();
    }

    private boolean polling() {
        CountDownLatch latch = stopping;
        return latch != null && latch.getCount() > 0 && isRunAllowed() && !isSuspendingOrSuspended();
    }

    private void pollLoop() {
        PgqrsConfiguration conf = conf();
        QueueSignals signals = store.signals();
        long wait = conf.getDelay();
        while (polling()) {
            // Read before the dequeue, so a wake-up that lands between the dequeue and the wait is not lost.
            long generation = signals.generation(queueId);
            List<Message> batch;
            try {
                batch = dequeue(conf);
            } catch (RuntimeException e) {
                if (OutageLog.isOutage(e)) {
                    outage.failed(e, "polling again with idle back-off up to " + conf.getBackoffMaxDelay() + " ms");
                } else {
                    getExceptionHandler().handleException("pgqrs: polling queue '" + getEndpoint().getQueueName()
                            + "' failed, retrying in " + wait + " ms", e);
                }
                pause(wait);
                wait = nextIdleWait(wait, conf);
                continue;
            }
            outage.succeeded();
            if (!batch.isEmpty()) {
                processBatch(batch);
                wait = conf.getDelay();
                if (!conf.isGreedy()) {
                    pause(conf.getDelay());
                }
                continue;
            }
            try {
                boolean woken = signals.await(queueId, generation, Duration.ofMillis(wait));
                wait = woken ? conf.getDelay() : nextIdleWait(wait, conf);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private List<Message> dequeue(PgqrsConfiguration conf) {
        try {
            return leases.dequeue(conf.getMaxMessagesPerPoll(), Duration.ofMillis(conf.getVisibilityTimeout()));
        } catch (WorkerStoppedException e) {
            // The engine renews a worker the store declared dead; a stopped one means the store was closed.
            throw new IllegalStateException("pgqrs store of queue '" + getEndpoint().getQueueName()
                    + "' was closed while its route still runs; stop the route (or the CamelContext) first", e);
        }
    }

    private static long nextIdleWait(long wait, PgqrsConfiguration conf) {
        return Math.min(conf.getBackoffMaxDelay(), wait * conf.getBackoffMultiplier());
    }

    private void pause(long millis) {
        try {
            CountDownLatch latch = stopping;
            if (latch != null) {
                latch.await(millis, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Runs the poll's exchanges one after the other. Exchanges that complete on this thread while
     * the poll runs are acknowledged together when it ends, in one statement (as the dequeue was
     * one): a batch of N costs two commits, not N + 1. Their leases are kept alive until then.
     * Exchanges that finish elsewhere (asynchronous routing), fail, or carry checkpoints settle on
     * their own, at once.
     */
    private void processBatch(List<Message> batch) {
        int total = batch.size();
        List<Message> acks = new ArrayList<>(total);
        pendingAcks.set(acks);
        try {
            for (int index = 0; index < total; index++) {
                if (!polling()) {
                    releaseUnstarted(batch.subList(index, total));
                    return;
                }
                Message message = batch.get(index);
                Exchange exchange = createExchange(message);
                exchange.setProperty(ExchangePropertyKey.BATCH_INDEX, index);
                exchange.setProperty(ExchangePropertyKey.BATCH_SIZE, total);
                exchange.setProperty(ExchangePropertyKey.BATCH_COMPLETE, index == total - 1);
                process(message, exchange);
            }
        } finally {
            pendingAcks.remove();
            acknowledgeTogether(acks);
        }
    }

    private void acknowledgeTogether(List<Message> acks) {
        if (acks.isEmpty()) {
            return;
        }
        try {
            settler.completedAll(acks);
        } catch (RuntimeException e) {
            getExceptionHandler().handleException("pgqrs: acknowledging " + acks.size() + " message(s) of queue '"
                    + getEndpoint().getQueueName() + "' failed; they will be delivered again when their leases expire", e);
        } finally {
            if (extender != null) {
                acks.forEach(extender::untrack);
            }
        }
    }

    /** Runs one exchange to its end; the message is settled by the exchange's completion. */
    private void process(Message message, Exchange exchange) {
        if (extender != null) {
            extender.track(message);
        }
        exchange.getExchangeExtension().addOnCompletion(new Acknowledgement(message));
        try {
            getProcessor().process(exchange);
        } catch (Exception e) {
            exchange.setException(e);
        }
    }

    private void releaseUnstarted(List<Message> messages) {
        try {
            leases.release(messages, Duration.ZERO, null);
        } catch (RuntimeException e) {
            LOG.debug("releasing {} unstarted message(s) failed; their leases expire on their own", messages.size());
        }
    }

    private Exchange createExchange(Message message) {
        Exchange exchange = createExchange(true);
        org.apache.camel.Message in = exchange.getIn();
        in.setBody(Payloads.toBody(message, conf().getBodyType()));
        in.setHeader(PgqrsConstants.MESSAGE_ID, message.id());
        in.setHeader(PgqrsConstants.QUEUE, message.queue());
        in.setHeader(PgqrsConstants.READ_COUNT, message.readCount());
        in.setHeader(PgqrsConstants.ENQUEUED_AT, message.enqueuedAt());
        in.setHeader(PgqrsConstants.RUN_ID, DurableSteps.messageRunKey(message.id()));
        exchange.setProperty(DurableSteps.CONSUMED_MESSAGE, message.id());
        return exchange;
    }

    /** Settles the message when the exchange is done: the consumer's ack/nack. */
    private class Acknowledgement implements Synchronization {
        private final Message message;

        Acknowledgement(Message message) {
            this.message = message;
        }

        @Override
        public void onComplete(Exchange exchange) {
            if (exchange.isRollbackOnly() || exchange.isRollbackOnlyLast()) {
                // Marked for rollback without an exception (rollback(), markRollbackOnly()): not done, give it back.
                onFailure(exchange);
                return;
            }
            List<Message> poll = pendingAcks.get();
            if (poll != null && settler.isPlainAck(message, exchange)) {
                poll.add(message); // acknowledged with the rest of its poll; the lease stays tracked until then
                return;
            }
            untrack();
            try {
                settler.completed(message, exchange);
            } catch (RuntimeException e) {
                getExceptionHandler().handleException("pgqrs: acknowledging message " + message.id()
                        + " failed; it will be delivered again when its lease expires", exchange, e);
            }
        }

        @Override
        public void onFailure(Exchange exchange) {
            untrack();
            try {
                settler.failed(message, exchange);
            } catch (RuntimeException e) {
                getExceptionHandler().handleException("pgqrs: giving back failed message " + message.id()
                        + " failed; it will be delivered again when its lease expires", exchange, e);
            }
        }

        private void untrack() {
            if (extender != null) {
                extender.untrack(message);
            }
        }

        @Override
        public String toString() {
            return "PgqrsAcknowledgement[" + message.id() + "]";
        }
    }
}
