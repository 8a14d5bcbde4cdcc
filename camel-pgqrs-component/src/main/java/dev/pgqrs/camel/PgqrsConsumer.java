package dev.pgqrs.camel;

import dev.pgqrs.Delivery;
import dev.pgqrs.Message;
import dev.pgqrs.PgqrsException;
import dev.pgqrs.QueueLimits;
import dev.pgqrs.QueueWorker;
import dev.pgqrs.QueueWorkerOptions;
import dev.pgqrs.Store;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.Processor;
import org.apache.camel.ShutdownRunningTask;
import org.apache.camel.spi.ExecutorServiceManager;
import org.apache.camel.spi.ShutdownAware;
import org.apache.camel.spi.Synchronization;
import org.apache.camel.support.DefaultConsumer;

import java.time.Duration;
import java.util.concurrent.ExecutorService;

/**
 * Consumes a queue with the engine's {@link QueueWorker}: a thin adapter that turns each delivery into an
 * exchange and the exchange's outcome into the delivery's settlement. Polling and wake-ups, batches and
 * their one-statement acknowledgements, lease extension, retries with back-off, dead-lettering and the
 * move to a dead-letter queue, checkpoint cleanup and renewal after an outage are the worker's.
 *
 * <p>An exchange that completes acknowledges its message; one that fails (or is marked rollback-only) is
 * a failed attempt. The outcome is the exchange's {@link Synchronization}, so an exchange that finishes
 * on another thread (asynchronous routing) settles when it finishes. The worker's threads come from
 * Camel's {@link ExecutorServiceManager}; suspending the route stops fetching until it resumes; a
 * graceful shutdown stops fetching and waits for the exchanges in flight.
 */
public class PgqrsConsumer extends DefaultConsumer implements ShutdownAware {

    /** Exchange property holding the {@link Consumed} delivery of the exchange. */
    static final String DELIVERY = "CamelPgqrsDelivery";

    /** The delivery an exchange was made from, and the store it came from. */
    record Consumed(Store store, Delivery delivery) {
    }

    private volatile QueueWorker worker;
    private ExecutorService threads;

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

    /** The worker this consumer runs on (null while stopped). */
    QueueWorker worker() {
        return worker;
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        PgqrsConfiguration conf = conf();
        Store store = getEndpoint().store();
        ExecutorServiceManager ecm = getEndpoint().getCamelContext().getExecutorServiceManager();
        threads = ecm.newFixedThreadPool(this, "pgqrs-consumer[" + getEndpoint().getQueueName() + "]",
                conf.getConcurrentConsumers());
        QueueLimits limits = conf.queueLimits();
        if (limits != null) {
            // Declared before the first poll, so this consumer's dequeues already run under them.
            try {
                store.queues().setLimits(getEndpoint().queue().name(), limits);
            } catch (PgqrsException | IllegalArgumentException e) {
                throw new IllegalStateException(getEndpoint().describe() + ": " + e.getMessage(), e);
            }
        }
        QueueWorkerOptions options = conf.workerOptions().executor(threads);
        worker = store.worker(getEndpoint().queue().name(), this::onDelivery, options);
        PgqrsConsumerHealthCheck.register(this, () -> store);
    }

    @Override
    protected void doStop() throws Exception {
        QueueWorker w = worker;
        worker = null;
        if (w != null) {
            // Exchanges in flight finish (up to the worker's shutdown timeout); unstarted messages are given back.
            w.close(Duration.ofMillis(conf().getShutdownTimeout()));
        }
        if (threads != null) {
            getEndpoint().getCamelContext().getExecutorServiceManager().shutdownNow(threads);
            threads = null;
        }
        super.doStop();
    }

    @Override
    protected void doSuspend() throws Exception {
        QueueWorker w = worker;
        if (w != null) {
            w.suspend();
        }
        super.doSuspend();
    }

    @Override
    protected void doResume() throws Exception {
        super.doResume();
        QueueWorker w = worker;
        if (w != null) {
            w.resume();
        }
    }

    // ---- ShutdownAware: Camel's graceful shutdown waits for the exchanges the worker has in flight ----

    @Override
    public boolean deferShutdown(ShutdownRunningTask shutdownRunningTask) {
        return false;
    }

    @Override
    public int getPendingExchangesSize() {
        QueueWorker w = worker;
        return w == null ? 0 : w.inFlight();
    }

    @Override
    public void prepareShutdown(boolean suspendOnly, boolean forced) {
        QueueWorker w = worker;
        if (w != null && !suspendOnly) {
            w.stopFetching();
        }
    }

    // ---- one delivery, one exchange -------------------------------------------------------------------

    private void onDelivery(Delivery delivery) throws Exception {
        Exchange exchange = createExchange(delivery);
        delivery.defer(); // settled by the exchange's completion, on whatever thread it completes
        exchange.getExchangeExtension().addOnCompletion(new Settlement(delivery));
        try {
            getProcessor().process(exchange);
        } catch (Exception e) {
            exchange.setException(e);
        }
    }

    /** The delivery the exchange was consumed from, when it came from a queue of {@code store}; else null. */
    static Delivery delivery(Exchange exchange, Store store) {
        Consumed consumed = exchange.getProperty(DELIVERY, Consumed.class);
        return consumed != null && consumed.store() == store ? consumed.delivery() : null;
    }

    private Exchange createExchange(Delivery delivery) {
        Message message = delivery.message();
        Exchange exchange = createExchange(true);
        org.apache.camel.Message in = exchange.getIn();
        in.setBody(Payloads.toBody(message, conf().getBodyType()));
        in.setHeader(PgqrsConstants.MESSAGE_ID, message.id());
        in.setHeader(PgqrsConstants.QUEUE, message.queue());
        in.setHeader(PgqrsConstants.READ_COUNT, message.readCount());
        in.setHeader(PgqrsConstants.ENQUEUED_AT, message.enqueuedAt());
        if (message.orderingKey() != null) {
            in.setHeader(PgqrsConstants.ORDERING_KEY, message.orderingKey());
        }
        in.setHeader(PgqrsConstants.RUN_ID, DurableSteps.messageRunKey(message.id()));
        // The trace context the producer's span left with the message (traceparent, tracestate): Camel's tracer
        // (camel-opentelemetry2) reads it from these headers and makes the route's span its child.
        message.headers().forEach(in::setHeader);
        exchange.setProperty(DurableSteps.CONSUMED_MESSAGE, message.id());
        exchange.setProperty(DELIVERY, new Consumed(getEndpoint().store(), delivery));
        exchange.setProperty(ExchangePropertyKey.BATCH_INDEX, delivery.batchIndex());
        exchange.setProperty(ExchangePropertyKey.BATCH_SIZE, delivery.batchSize());
        exchange.setProperty(ExchangePropertyKey.BATCH_COMPLETE, delivery.batchIndex() == delivery.batchSize() - 1);
        return exchange;
    }

    /** Settles the delivery when the exchange is done: the consumer's ack/nack. */
    private static final class Settlement implements Synchronization {
        private final Delivery delivery;

        Settlement(Delivery delivery) {
            this.delivery = delivery;
        }

        @Override
        public void onComplete(Exchange exchange) {
            if (exchange.isRollbackOnly() || exchange.isRollbackOnlyLast()) {
                // Marked for rollback without an exception (rollback(), markRollbackOnly()): not done, give it back.
                onFailure(exchange);
                return;
            }
            noteCheckpoints(exchange);
            delivery.ack();
        }

        @Override
        public void onFailure(Exchange exchange) {
            noteCheckpoints(exchange);
            Exception error = exchange.getException();
            delivery.retry(error != null ? error : new RollbackOnlyException());
        }

        private void noteCheckpoints(Exchange exchange) {
            String runKey = DurableSteps.checkpointedRun(exchange);
            if (runKey != null) {
                delivery.usesCheckpoints(runKey);
            }
        }

        @Override
        public String toString() {
            return "PgqrsSettlement[" + delivery.message().id() + "]";
        }
    }

    /** A failed attempt whose exchange was marked rollback-only without an exception. */
    static final class RollbackOnlyException extends Exception {
        RollbackOnlyException() {
            super("exchange marked rollback-only", null, false, false);
        }
    }
}
