package dev.pgqrs.camel;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgqrs.EnqueueOptions;
import dev.pgqrs.Enqueued;
import dev.pgqrs.Producer;
import dev.pgqrs.ProducerOptions;
import dev.pgqrs.Store;
import dev.pgqrs.workflow.RunHandle;
import dev.pgqrs.workflow.RunOptions;
import dev.pgqrs.workflow.Workflows;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.health.HealthCheckHelper;
import org.apache.camel.health.WritableHealthCheckRepository;
import org.apache.camel.spi.RouteIdAware;
import org.apache.camel.support.DefaultAsyncProducer;
import org.apache.camel.util.TimeUtils;

import javax.sql.DataSource;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Enqueues the body: one message, or a batch in one statement when the body is a {@link List}
 * (or a JSON array). Sets the new message id(s) as headers. A transacted exchange enqueues in the
 * route's transaction (see {@link PgqrsConfiguration#isJoinTransaction()}).
 *
 * <p>On a workflow endpoint it triggers runs through the workflow runtime instead ({@code Workflows.trigger}):
 * the body is the run's input (a list: one run per element, all in one transaction), and the run
 * exists (QUEUED, with its id in a header) as soon as the trigger commits.
 */
public class PgqrsProducer extends DefaultAsyncProducer implements RouteIdAware {

    private static final String JOINED_CONNECTION = "CamelPgqrsJoinedConnection";

    private Producer producer;
    private volatile Store store;
    private WritableHealthCheckRepository healthChecks;
    private PgqrsProducerHealthCheck healthCheck;
    private String routeId;

    public PgqrsProducer(PgqrsEndpoint endpoint) {
        super(endpoint);
    }

    @Override
    public PgqrsEndpoint getEndpoint() {
        return (PgqrsEndpoint) super.getEndpoint();
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        store = getEndpoint().store();
        if (!getEndpoint().getConfiguration().isWorkflow()) {
            producer = store.producer(getEndpoint().getQueueName(), ProducerOptions.defaults());
        }
        // Optional, as for Camel's own producers: reported only with camel.health.producersEnabled=true.
        healthChecks = HealthCheckHelper.getHealthCheckRepository(getEndpoint().getCamelContext(), "producers",
                WritableHealthCheckRepository.class);
        if (healthChecks != null) {
            healthCheck = PgqrsProducerHealthCheck.of(this, () -> store);
            healthChecks.addHealthCheck(healthCheck);
        }
    }

    @Override
    protected void doStop() throws Exception {
        if (healthChecks != null && healthCheck != null) {
            healthChecks.removeHealthCheck(healthCheck);
            healthCheck = null;
        }
        store = null;
        if (producer != null) {
            producer.close();
            producer = null;
        }
        super.doStop();
    }

    /** Camel's route sets it before starting the producer (an asynchronous producer's privilege): it names the health check. */
    @Override
    public String getRouteId() {
        return routeId;
    }

    @Override
    public void setRouteId(String routeId) {
        this.routeId = routeId;
    }

    /** Enqueues on the caller's thread: an enqueue is one short statement, and a transacted route needs its thread. */
    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        try {
            send(exchange);
        } catch (Exception e) {
            exchange.setException(e);
        }
        callback.done(true);
        return true;
    }

    private void send(Exchange exchange) throws Exception {
        if (getEndpoint().getConfiguration().isWorkflow()) {
            trigger(exchange);
            return;
        }
        Message in = exchange.getIn();
        Object payload = Payloads.toPayload(exchange);
        Duration delay = deliveryDelay(exchange);
        Connection txConnection = transactionConnection(exchange);
        List<?> batch = Payloads.asBatch(payload, store.codec());
        Message out = exchange.getMessage();
        Object keys = in.getHeader(PgqrsConstants.DEDUP_KEY);
        Object priorities = in.getHeader(PgqrsConstants.PRIORITY);
        Object orderingKeys = in.getHeader(PgqrsConstants.ORDERING_KEY);
        boolean plain = keys == null && priorities == null && orderingKeys == null
                && getEndpoint().getConfiguration().getPriority() == 0;
        try {
            if (batch != null && plain) {
                List<Long> ids = txConnection != null
                        ? producer.enqueueBatch(txConnection, batch, delay)
                        : producer.enqueueBatch(batch, delay);
                out.setHeader(PgqrsConstants.MESSAGE_IDS, ids);
            } else if (batch != null) {
                List<EnqueueOptions> options = batchOptions(keys, priorities, orderingKeys, batch.size());
                List<Enqueued> enqueued = txConnection != null
                        ? producer.enqueueBatch(txConnection, batch, options, delay)
                        : producer.enqueueBatch(batch, options, delay);
                out.setHeader(PgqrsConstants.MESSAGE_IDS, enqueued.stream().map(Enqueued::id).toList());
                if (keys != null) {
                    out.setHeader(PgqrsConstants.DUPLICATE, enqueued.stream().map(Enqueued::duplicate).toList());
                }
            } else if (plain) {
                long id = txConnection != null
                        ? producer.enqueue(txConnection, payload, delay)
                        : producer.enqueue(payload, delay);
                out.setHeader(PgqrsConstants.MESSAGE_ID, id);
            } else {
                EnqueueOptions options = singleOptions(keys, priorities, orderingKeys).delay(delay);
                Enqueued enqueued = txConnection != null
                        ? producer.enqueue(txConnection, payload, options)
                        : producer.enqueue(payload, options);
                out.setHeader(PgqrsConstants.MESSAGE_ID, enqueued.id());
                if (keys != null) {
                    out.setHeader(PgqrsConstants.DUPLICATE, enqueued.duplicate());
                }
            }
            out.setHeader(PgqrsConstants.QUEUE, getEndpoint().getQueueName());
        } finally {
            releaseJoined(exchange, txConnection);
        }
        if (out != in) {
            out.setBody(in.getBody());
        }
    }

    /** Triggers one run per input, in the route's transaction when there is one (as an enqueue would). */
    private void trigger(Exchange exchange) throws Exception {
        Message in = exchange.getIn();
        Object payload = Payloads.toPayload(exchange);
        Duration delay = deliveryDelay(exchange);
        Connection txConnection = transactionConnection(exchange);
        Store store = getEndpoint().store();
        List<?> batch = Payloads.asBatch(payload, store.codec());
        Workflows workflows = store.workflows();
        String workflow = getEndpoint().getQueueName();
        Message out = exchange.getMessage();
        Object keys = in.getHeader(PgqrsConstants.DEDUP_KEY);
        Object priorities = in.getHeader(PgqrsConstants.PRIORITY);
        if (in.getHeader(PgqrsConstants.ORDERING_KEY) != null) {
            throw new IllegalArgumentException(PgqrsConstants.ORDERING_KEY + " is for messages of a FIFO queue; a "
                    + "workflow endpoint triggers runs, which take no ordering key");
        }
        RunOptions runOptions = runOptions(exchange);
        boolean plain = keys == null && priorities == null && getEndpoint().getConfiguration().getPriority() == 0
                && runOptions == null;
        try {
            if (batch == null && runOptions != null) {
                JsonNode input = Payloads.workflowInput(payload, store.codec());
                RunOptions options = runOptions.enqueue(singleOptions(keys, priorities, null).delay(delay));
                RunHandle<JsonNode> run = txConnection != null
                        ? workflows.trigger(txConnection, workflow, input, options)
                        : workflows.trigger(workflow, input, options);
                out.setHeader(PgqrsConstants.WORKFLOW_RUN_ID, run.id());
                if (keys != null) {
                    out.setHeader(PgqrsConstants.DUPLICATE, run.isDuplicate());
                }
            } else if (batch != null && runOptions != null) {
                throw new IllegalArgumentException("a workflow endpoint triggers a batch body without a version, a "
                        + "runTimeout or " + PgqrsConstants.WORKFLOW_DEADLINE + ": send one exchange per run");
            } else if (batch == null && plain) {
                JsonNode input = Payloads.workflowInput(payload, store.codec());
                long runId = (txConnection != null
                        ? workflows.trigger(txConnection, workflow, input, delay)
                        : workflows.trigger(workflow, input, delay)).id();
                out.setHeader(PgqrsConstants.WORKFLOW_RUN_ID, runId);
            } else if (batch == null) {
                JsonNode input = Payloads.workflowInput(payload, store.codec());
                EnqueueOptions options = singleOptions(keys, priorities, null).delay(delay);
                RunHandle<JsonNode> run = txConnection != null
                        ? workflows.trigger(txConnection, workflow, input, options)
                        : workflows.trigger(workflow, input, options);
                out.setHeader(PgqrsConstants.WORKFLOW_RUN_ID, run.id());
                if (keys != null) {
                    out.setHeader(PgqrsConstants.DUPLICATE, run.isDuplicate());
                }
            } else if (!plain) {
                throw new IllegalArgumentException("a workflow endpoint triggers a batch body without run keys or "
                        + "priorities: send one exchange per run to give " + PgqrsConstants.DEDUP_KEY + " or "
                        + PgqrsConstants.PRIORITY);
            } else {
                List<JsonNode> inputs = batch.stream().map(input -> Payloads.workflowInput(input, store.codec())).toList();
                List<RunHandle<JsonNode>> runs = txConnection != null
                        ? workflows.triggerAll(txConnection, workflow, inputs, delay)
                        : workflows.triggerAll(workflow, inputs, delay);
                out.setHeader(PgqrsConstants.WORKFLOW_RUN_IDS, runs.stream().map(RunHandle::id).toList());
            }
            out.setHeader(PgqrsConstants.WORKFLOW, workflow);
        } finally {
            releaseJoined(exchange, txConnection);
        }
        if (out != in) {
            out.setBody(in.getBody());
        }
    }

    /**
     * A run's own options — the endpoint's workflowVersion and runTimeout, the deadline header — or null when
     * none is given (the run then records no version and has no deadline).
     */
    private RunOptions runOptions(Exchange exchange) {
        PgqrsConfiguration conf = getEndpoint().getConfiguration();
        Instant deadline = deadline(exchange.getIn().getHeader(PgqrsConstants.WORKFLOW_DEADLINE));
        if (conf.getWorkflowVersion() == null && conf.getRunTimeout() <= 0 && deadline == null) {
            return null;
        }
        return RunOptions.defaults()
                .version(conf.getWorkflowVersion())
                .timeout(conf.getRunTimeout() > 0 ? Duration.ofMillis(conf.getRunTimeout()) : null)
                .deadline(deadline);
    }

    private static Instant deadline(Object header) {
        if (header == null) {
            return null;
        }
        if (header instanceof Instant at) {
            return at;
        }
        if (header instanceof java.util.Date date) {
            return date.toInstant();
        }
        if (header instanceof Number n) {
            return Instant.ofEpochMilli(n.longValue());
        }
        try {
            return Instant.parse(header.toString().trim());
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException(PgqrsConstants.WORKFLOW_DEADLINE + " must be an Instant, epoch "
                    + "milliseconds or ISO-8601 text such as 2026-12-01T18:00:00Z, was '" + header + "'", e);
        }
    }

    /** The options of a single message: the key headers (text), the priority header or option. */
    private EnqueueOptions singleOptions(Object key, Object priority, Object orderingKey) {
        return EnqueueOptions.defaults().dedupKey(text(PgqrsConstants.DEDUP_KEY, key, "for a single message"))
                .priority(priority(priority))
                .orderingKey(text(PgqrsConstants.ORDERING_KEY, orderingKey, "for a single message"));
    }

    /** One options per element of a batch: lists of keys (or none), one priority or a list of them. */
    private List<EnqueueOptions> batchOptions(Object keys, Object priorities, Object orderingKeys, int size) {
        List<?> keyList = elementList(PgqrsConstants.DEDUP_KEY, keys, size);
        List<?> orderingKeyList = elementList(PgqrsConstants.ORDERING_KEY, orderingKeys, size);
        List<?> priorityList = priorities instanceof List<?> ? elementList(PgqrsConstants.PRIORITY, priorities, size) : null;
        List<EnqueueOptions> options = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            String key = text(PgqrsConstants.DEDUP_KEY, keyList == null ? null : keyList.get(i), "element " + i);
            String orderingKey = text(PgqrsConstants.ORDERING_KEY,
                    orderingKeyList == null ? null : orderingKeyList.get(i), "element " + i);
            int priority = priority(priorityList == null ? priorities : priorityList.get(i));
            options.add(EnqueueOptions.defaults().dedupKey(key).priority(priority).orderingKey(orderingKey));
        }
        return options;
    }

    private static String text(String header, Object value, String where) {
        if (value != null && !(value instanceof String)) {
            throw new IllegalArgumentException(header + " " + where + " must be a String" + (where.startsWith("element")
                    ? " or null" : "") + ", was " + value.getClass().getName());
        }
        return (String) value;
    }

    private static List<?> elementList(String header, Object value, int size) {
        if (value == null) {
            return null;
        }
        if (!(value instanceof List<?> list)) {
            throw new IllegalArgumentException(header + " for a batch body must be a list with one element per body element ("
                    + size + "), was " + value.getClass().getName());
        }
        if (list.size() != size) {
            throw new IllegalArgumentException(header + " for a batch body must have one element per body element: "
                    + size + " element(s), " + list.size() + " in the header");
        }
        return list;
    }

    private int priority(Object header) {
        if (header == null) {
            return getEndpoint().getConfiguration().getPriority();
        }
        if (header instanceof Number n) {
            return n.intValue();
        }
        try {
            return Integer.parseInt(header.toString().trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(PgqrsConstants.PRIORITY + " must be a whole number of 0 or more, was '"
                    + header + "'", e);
        }
    }

    private Duration deliveryDelay(Exchange exchange) {
        Object header = exchange.getIn().getHeader(PgqrsConstants.DELIVERY_DELAY);
        if (header == null) {
            return Duration.ofMillis(getEndpoint().getConfiguration().getDeliveryDelay());
        }
        if (header instanceof Duration d) {
            return d;
        }
        if (header instanceof Number n) {
            return Duration.ofMillis(n.longValue());
        }
        // Camel's time pattern: "5s", "1m30s", plain milliseconds, ...
        return Duration.ofMillis(TimeUtils.toMilliSeconds(header.toString()));
    }

    /**
     * The connection of the route's transaction, or null to enqueue in a transaction of its own.
     * A connection a {@link PgqrsTransactionPolicy} bound for this store's DataSource wins; otherwise
     * a transacted exchange gets a connection from the store's DataSource, which joins the ambient
     * transaction when that DataSource is transaction-aware (Spring, JTA) and is a plain auto-commit
     * connection when it is not.
     */
    private Connection transactionConnection(Exchange exchange) throws Exception {
        if (!getEndpoint().getConfiguration().isJoinTransaction()) {
            return null;
        }
        Store store = getEndpoint().store();
        DataSource ds = store.dataSource();
        RouteTransaction.Bound bound = RouteTransaction.bound(exchange);
        if (bound != null && bound.dataSource() == ds) {
            return bound.connection();
        }
        if (exchange.isTransacted()) {
            exchange.setProperty(JOINED_CONNECTION, Boolean.TRUE);
            return ds.getConnection();
        }
        return null;
    }

    private static void releaseJoined(Exchange exchange, Connection c) throws Exception {
        if (c != null && exchange.removeProperty(JOINED_CONNECTION) != null) {
            c.close(); // returns it to the pool, or is a no-op for a transaction-bound proxy
        }
    }
}
