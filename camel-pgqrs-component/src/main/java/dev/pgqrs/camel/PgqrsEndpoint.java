package dev.pgqrs.camel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pgqrs.AckMode;
import dev.pgqrs.InvalidScheduleException;
import dev.pgqrs.Names;
import dev.pgqrs.PgqrsException;
import dev.pgqrs.QueueInfo;
import dev.pgqrs.QueueOptions;
import dev.pgqrs.ScheduleSpec;
import dev.pgqrs.Store;
import org.apache.camel.Category;
import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriPath;
import org.apache.camel.support.DefaultEndpoint;

/**
 * Enqueue to and consume from a pgqrs durable queue (PostgreSQL or SQLite), or trigger and execute a
 * pgqrs workflow's runs.
 */
@UriEndpoint(firstVersion = "0.1.0", scheme = "pgqrs", title = "pgqrs", syntax = "pgqrs:queueName",
             category = { Category.MESSAGING, Category.DATABASE }, headersClass = PgqrsConstants.class)
public class PgqrsEndpoint extends DefaultEndpoint {

    @UriPath(description = "Name of the queue: any text of 1 to 255 characters without control characters, as "
            + "pgqrs stores it (orders:eu, my queue, commandes-été); in a URI, percent-encode '?', '#', '%' and '&' "
            + "(my%3Fqueue). With the workflow option, or written workflow:NAME, the name of the workflow whose runs "
            + "are triggered or executed. Written schedule:NAME, the name of a cron schedule (see the cron option): the "
            + "consumer declares it at startup and consumes what it enqueues, the producer fires it now.")
    @Metadata(required = true)
    private String queueName;

    @UriParam
    private PgqrsConfiguration configuration;

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The schedule's name on a pgqrs:schedule:NAME endpoint, else null; not an option (it comes from the path). */
    private String scheduleName;
    private ScheduleSpec schedule;

    private volatile Store store;
    private volatile QueueInfo queue;
    private volatile QueueInfo deadLetterQueue;

    public PgqrsEndpoint(String uri, PgqrsComponent component, PgqrsConfiguration configuration) {
        super(uri, component);
        this.configuration = configuration;
    }

    @Override
    public PgqrsComponent getComponent() {
        return (PgqrsComponent) super.getComponent();
    }

    @Override
    public Producer createProducer() throws Exception {
        return scheduleName != null ? new PgqrsScheduleProducer(this) : new PgqrsProducer(this);
    }

    @Override
    public Consumer createConsumer(Processor processor) throws Exception {
        Consumer consumer = configuration.isWorkflow()
                ? new PgqrsWorkflowConsumer(this, processor)
                : new PgqrsConsumer(this, processor);
        configureConsumer(consumer);
        return consumer;
    }

    /** Checks option values without touching the database, so a bad URI fails at startup with the reason. */
    @Override
    protected void doInit() throws Exception {
        super.doInit();
        PgqrsConfiguration c = configuration;
        if (scheduleName != null) {
            schedule = scheduleSpec(c);
        } else if (c.getCron() != null || c.getTargetQueue() != null || c.getTargetWorkflow() != null) {
            throw invalid(c.getCron() != null ? "cron" : c.getTargetQueue() != null ? "targetQueue" : "targetWorkflow",
                    c.getCron() != null ? c.getCron() : c.getTargetQueue() != null ? c.getTargetQueue() : c.getTargetWorkflow(),
                    "applies to schedule endpoints only: pgqrs:schedule:NAME");
        }
        Names.requireQueueName(queueName);
        atLeast("maxMessagesPerPoll", c.getMaxMessagesPerPoll(), 1);
        atLeast("concurrentConsumers", c.getConcurrentConsumers(), 1);
        atLeast("maxAttempts", c.getMaxAttempts(), 1);
        if (!(c.getIdleDelayFactor() >= 1.0) || Double.isInfinite(c.getIdleDelayFactor())) {
            throw invalid("idleDelayFactor", c.getIdleDelayFactor(), "must be at least 1.0");
        }
        atLeast("visibilityTimeout", c.getVisibilityTimeout(), 300); // leases are extended every third of it
        atLeast("delay", c.getDelay(), 1);
        atLeast("maxIdleDelay", c.getMaxIdleDelay(), c.getDelay());
        atLeast("shutdownTimeout", c.getShutdownTimeout(), 0);
        atLeast("retryDelay", c.getRetryDelay(), 0);
        atLeast("maxRetryDelay", c.getMaxRetryDelay(), c.getRetryDelay());
        atLeast("deliveryDelay", c.getDeliveryDelay(), 0);
        atLeast("priority", c.getPriority(), 0);
        if (c.getConcurrencyLimit() != null) {
            atLeast("concurrencyLimit", c.getConcurrencyLimit(), 1);
        }
        if (c.getRateLimit() != null) {
            atLeast("rateLimit", c.getRateLimit(), 1);
        }
        atLeast("rateLimitPeriod", c.getRateLimitPeriod(), 1);
        if (!(c.getRetryBackoffMultiplier() >= 1.0)) {
            throw invalid("retryBackoffMultiplier", c.getRetryBackoffMultiplier(), "must be at least 1.0");
        }
        if (c.isWorkflow()) {
            requireWorkflowOptions(c);
        } else if (c.getDeadLetterQueue() != null) {
            Names.requireQueueName(c.getDeadLetterQueue());
            if (c.getDeadLetterQueue().equals(queueName)) {
                throw invalid("deadLetterQueue", c.getDeadLetterQueue(), "must differ from the queue itself");
            }
        }
    }

    /**
     * The schedule of a pgqrs:schedule:NAME endpoint, checked here so a bad expression, zone or payload fails the
     * route at startup. From here on the endpoint's queue (or workflow) is the schedule's target, so the consumer
     * consumes what the schedule enqueues.
     */
    private ScheduleSpec scheduleSpec(PgqrsConfiguration c) {
        Names.requireKey("schedule name", scheduleName);
        if (c.getCron() == null || c.getCron().isBlank()) {
            throw invalid("cron", c.getCron(), "is required on a schedule endpoint (e.g. cron=0+2+*+*+*)");
        }
        if (c.getTargetQueue() != null && c.getTargetWorkflow() != null) {
            throw invalid("targetWorkflow", c.getTargetWorkflow(), "cannot be given with targetQueue="
                    + c.getTargetQueue() + ": a schedule enqueues on a queue or triggers a workflow");
        }
        if (c.getTargetWorkflow() != null) {
            queueName = c.getTargetWorkflow();
            c.setWorkflow(true);
        } else if (c.getTargetQueue() != null) {
            queueName = c.getTargetQueue();
        }
        JsonNode payload;
        try {
            payload = JSON.readTree(c.getPayload());
        } catch (Exception e) {
            throw invalid("payload", c.getPayload(), "is not JSON (" + e.getMessage() + ")");
        }
        ScheduleSpec.Builder spec = c.isWorkflow()
                ? ScheduleSpec.workflow(scheduleName, queueName, c.getCron())
                : ScheduleSpec.enqueue(scheduleName, queueName, c.getCron());
        try {
            return spec.timeZone(c.getTimeZone()).payload(payload).missedFirings(c.getMissedFirings())
                    .maxCatchUp(c.getMaxCatchUp()).overlap(c.getOverlap()).build();
        } catch (InvalidScheduleException e) {
            String option = e.getMessage().contains("time zone") ? "timeZone"
                    : e.getMessage().contains("maxCatchUp") ? "maxCatchUp" : "cron";
            Object value = option.equals("timeZone") ? c.getTimeZone() : option.equals("maxCatchUp") ? c.getMaxCatchUp() : c.getCron();
            throw invalid(option, value, e.getMessage());
        }
    }

    /** Options whose queue semantics a workflow run does not have are refused rather than ignored. */
    private void requireWorkflowOptions(PgqrsConfiguration c) {
        if (c.getDeadLetterQueue() != null) {
            throw invalid("deadLetterQueue", c.getDeadLetterQueue(), "does not apply to a workflow endpoint: a run "
                    + "that fails for good ends in ERROR (see store.workflows().list(name, RunStatus.ERROR, n))");
        }
        if (c.getConcurrencyLimit() != null || c.getRateLimit() != null) {
            String option = c.getConcurrencyLimit() != null ? "concurrencyLimit" : "rateLimit";
            throw invalid(option, c.getConcurrencyLimit() != null ? c.getConcurrencyLimit() : c.getRateLimit(),
                    "does not apply to a workflow endpoint: a workflow's runs are claimed without queue limits");
        }
        if (c.getAckMode() == AckMode.DELETE) {
            throw invalid("ackMode", c.getAckMode(), "does not apply to a workflow endpoint: the runtime archives a "
                    + "finished run's message together with the run's final status");
        }
    }

    private void atLeast(String option, long value, long min) {
        if (value < min) {
            throw invalid(option, value, "must be at least " + min);
        }
    }

    private IllegalArgumentException invalid(String option, Object value, String rule) {
        return new IllegalArgumentException(describe() + ": option " + option + "=" + value + " is invalid: " + rule);
    }

    /**
     * The endpoint as errors and logs name it: {@code pgqrs:orders} or {@code pgqrs:workflow:fulfil}.
     * Not the URI, which may carry a DSN with its password.
     */
    String describe() {
        if (scheduleName != null) {
            return "pgqrs:" + PgqrsComponent.SCHEDULE_PREFIX + scheduleName;
        }
        return "pgqrs:" + (configuration != null && configuration.isWorkflow() ? PgqrsComponent.WORKFLOW_PREFIX : "") + queueName;
    }

    /** Resolves the store and the queue; a missing queue or an unreachable store fails the route at startup. */
    @Override
    protected void doStart() throws Exception {
        super.doStart();
        Store s = getComponent().storeFor(configuration.getDsn());
        if (configuration.isWorkflow()) {
            // A workflow owns a queue of its name: registering the workflow creates both. Its retries
            // wait without counting deliveries, so max_read_ct does not bound maxAttempts here.
            s.workflows().register(queueName);
            queue = s.queues().get(queueName);
        } else {
            queue = resolveQueue(s, queueName,
                    configuration.isFifo() ? QueueOptions.fifoQueue() : QueueOptions.defaults());
        }
        if (configuration.getDeadLetterQueue() != null) {
            deadLetterQueue = resolveQueue(s, configuration.getDeadLetterQueue(), QueueOptions.defaults());
        }
        if (schedule != null) {
            // Idempotent: every route and process declaring the schedule brings it to this definition.
            try {
                s.schedules().create(schedule);
            } catch (PgqrsException e) {
                throw new IllegalStateException(describe() + ": " + e.getMessage(), e);
            }
        }
        store = s;
    }

    private QueueInfo resolveQueue(Store s, String name, QueueOptions options) {
        if (configuration.isAutoCreateQueue()) {
            return s.queues().createIfAbsent(name, options);
        }
        try {
            return s.queues().get(name);
        } catch (PgqrsException e) {
            throw new IllegalStateException(describe() + ": " + e.getMessage() + " (or set autoCreateQueue=true)", e);
        }
    }

    Store store() {
        Store s = store;
        if (s == null) {
            throw new IllegalStateException(describe() + " is not started");
        }
        return s;
    }

    QueueInfo queue() {
        return queue;
    }

    QueueInfo deadLetterQueueInfo() {
        return deadLetterQueue;
    }

    /** The schedule's name on a pgqrs:schedule:NAME endpoint, else null. */
    String scheduleName() {
        return scheduleName;
    }

    void scheduleName(String name) {
        this.scheduleName = name;
    }

    public String getQueueName() {
        return queueName;
    }

    /** Name of the queue, or of the workflow when consuming workflow runs. */
    public void setQueueName(String queueName) {
        this.queueName = queueName;
    }

    public PgqrsConfiguration getConfiguration() {
        return configuration;
    }

    public void setConfiguration(PgqrsConfiguration configuration) {
        this.configuration = configuration;
    }
}
