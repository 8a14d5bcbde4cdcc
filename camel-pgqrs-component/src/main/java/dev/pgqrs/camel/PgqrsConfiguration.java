package dev.pgqrs.camel;

import dev.pgqrs.AckMode;
import dev.pgqrs.MissedFirings;
import dev.pgqrs.OverlapPolicy;
import dev.pgqrs.QueueLimits;
import dev.pgqrs.ScheduleSpec;
import dev.pgqrs.QueueWorkerOptions;
import dev.pgqrs.RetryPolicy;
import org.apache.camel.RuntimeCamelException;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriParams;

import java.time.Duration;

/** The options of a pgqrs endpoint; the component holds the defaults and each endpoint a copy. */
@UriParams
public class PgqrsConfiguration implements Cloneable {

    @UriParam(label = "common", description = "DSN of the pgqrs database (a postgres:// URL with user, password, host, port and database, "
            + "or sqlite:PATH), when the endpoint should not use the component's store. Endpoints with the same DSN "
            + "share one store and connection pool. Camel prints it masked; write it as RAW(...) when it has a query "
            + "of its own.", secret = true)
    private String dsn;

    @UriParam(label = "common", defaultValue = "false", description = "Create the queue (and the dead-letter queue) "
            + "at startup when it does not exist. Off by default, as the engine's install_on_connect: a missing queue "
            + "fails the route at startup, naming it, so a typo does not quietly create a queue nobody consumes.")
    private boolean autoCreateQueue;

    @UriParam(label = "common", defaultValue = "false", description = "Create the queue as a FIFO queue when "
            + "autoCreateQueue creates it: messages with the same ordering key (CamelPgqrsOrderingKey) are delivered "
            + "in enqueue order, one at a time across every consumer and process, different keys in parallel. FIFO "
            + "is chosen when a queue is created and never changed; on a queue that exists already this option "
            + "changes nothing.")
    private boolean fifo;

    @UriParam(label = "common", defaultValue = "false", description = "Treat the name as a workflow's: the consumer "
            + "executes the workflow's runs with the route on the pgqrs workflow runtime (each exchange is one run: the "
            + "body is the run's input, the final body its output, a failure a failed attempt retried per maxAttempts "
            + "and the retry options); the producer triggers a run with the body as its input. The URI "
            + "pgqrs:workflow:NAME is a short form of queue name NAME with workflow=true.")
    private boolean workflow;

    @UriParam(label = "consumer", defaultValue = "10", description = "How many messages one poll leases at most; "
            + "each becomes its own exchange.")
    private int maxMessagesPerPoll = 10;

    @UriParam(label = "consumer", defaultValue = "1", description = "Number of threads polling the queue and "
            + "processing its exchanges in parallel. A message is leased by one of them only. On a workflow endpoint: "
            + "how many runs the workflow worker executes at once.")
    private int concurrentConsumers = 1;

    @UriParam(label = "consumer", defaultValue = "30000", javaType = "java.time.Duration", description = "Lease "
            + "(visibility timeout) of a consumed message: if the exchange has not completed by then, and the lease "
            + "was not extended, the message becomes visible again and is redelivered. On a workflow endpoint: the "
            + "lease of a run (at least 300 ms), always extended while the run executes; after a crash another worker "
            + "continues the run once it expires.")
    private long visibilityTimeout = 30_000;

    @UriParam(label = "consumer", description = "Concurrency limit of the queue, declared on it when the consumer "
            + "starts: at most this many of its messages leased at once by the consumers and queue workers of every "
            + "process, enforced by the database in the dequeue (a poll then leases fewer, or none, and backs off as "
            + "when idle). With rateLimit or alone, it replaces the queue's limits; when neither is set the consumer "
            + "leaves them as they are (see store.queues().setLimits).")
    private Integer concurrencyLimit;

    @UriParam(label = "consumer", description = "Rate limit of the queue, declared on it when the consumer starts: at "
            + "most this many messages dequeued per rateLimitPeriod across every process, counted in fixed windows of "
            + "the database clock. With concurrencyLimit or alone, it replaces the queue's limits; when neither is set "
            + "the consumer leaves them as they are.")
    private Integer rateLimit;

    @UriParam(label = "consumer", defaultValue = "1000", javaType = "java.time.Duration", description = "The window "
            + "of rateLimit (whole milliseconds, at least 1 ms).")
    private long rateLimitPeriod = 1_000;

    @UriParam(label = "consumer", defaultValue = "true", description = "Keep the lease of in-flight exchanges alive: "
            + "every third of the visibility timeout the consumer extends the leases of the messages still being "
            + "processed, in one statement, so a slow exchange is not redelivered while it runs.")
    private boolean extendVisibility = true;

    @UriParam(label = "consumer", defaultValue = "500", javaType = "java.time.Duration", description = "How long the "
            + "consumer waits after a poll found nothing. On PostgreSQL a NOTIFY from an enqueue ends the wait early, "
            + "so this is the fallback latency; in-process enqueues always wake the consumer. On a workflow endpoint: "
            + "the poll interval of the workflow worker (triggers, resumes and events wake it the same way).")
    private long delay = 500;

    @UriParam(label = "consumer", defaultValue = "2.0", description = "Idle back-off: each poll that finds nothing "
            + "multiplies the wait (from delay) by this factor, up to maxIdleDelay; a message or a wake-up resets it. "
            + "1 disables the back-off. (Not Camel's scheduler backoffMultiplier, which counts skipped polls.)")
    private double idleDelayFactor = 2.0;

    @UriParam(label = "consumer", defaultValue = "5000", javaType = "java.time.Duration", description = "Longest idle "
            + "wait the back-off reaches.")
    private long maxIdleDelay = 5_000;

    @UriParam(label = "consumer", defaultValue = "30000", javaType = "java.time.Duration", description = "How long "
            + "stopping the consumer waits for exchanges in flight to finish (messages of a poll not started yet are "
            + "given back at once); exchanges still running after it keep their messages until their leases run out.")
    private long shutdownTimeout = 30_000;

    @UriParam(label = "consumer", defaultValue = "ARCHIVE", enums = "ARCHIVE,DELETE", description = "What to do with "
            + "a message whose exchange completed: ARCHIVE keeps the row marked archived, DELETE removes it.")
    private AckMode ackMode = AckMode.ARCHIVE;

    @UriParam(label = "consumer", description = "Acknowledge the completed exchanges of a poll with the next poll: "
            + "the statement that fetches the next batch archives (or deletes) them, one commit per poll instead of two. "
            + "Not set: on where the benchmark measured it faster (maxMessagesPerPoll up to 10), off for larger "
            + "polls. The price: a poll's messages whose exchanges completed are "
            + "delivered again if the process dies before the next poll (at-least-once, as always); an exchange "
            + "acknowledged in its route's transaction (a PgqrsTransactionPolicy with acknowledge=true) is not "
            + "affected. Stopping or suspending the route, or a poll that finds the queue empty, acknowledges them at "
            + "once. A failed exchange is retried or dead-lettered as always.")
    private Boolean piggybackAcks;

    @UriParam(label = "consumer", defaultValue = "5", description = "Deliveries after which a failing message is "
            + "dead-lettered instead of retried (the first delivery counts); may exceed the store's max_read_ct. On a "
            + "workflow endpoint: attempts of a run, and of each of its durable steps, before the run fails with "
            + "retries exhausted (not bounded by max_read_ct: waiting for a retry is not a delivery).")
    private int maxAttempts = 5;

    @UriParam(label = "consumer", defaultValue = "1000", javaType = "java.time.Duration", description = "Back-off "
            + "before a failed message is delivered again, after its first failure (on a workflow endpoint: before a "
            + "failed run or durable step is attempted again).")
    private long retryDelay = 1_000;

    @UriParam(label = "consumer", defaultValue = "2.0", description = "Factor applied to retryDelay after each further "
            + "failure (exponential back-off); 1 keeps the delay fixed.")
    private double retryBackoffMultiplier = 2.0;

    @UriParam(label = "consumer", defaultValue = "60000", javaType = "java.time.Duration", description = "Longest "
            + "retry back-off.")
    private long maxRetryDelay = 60_000;

    @UriParam(label = "consumer", description = "Queue that receives messages that failed maxAttempts times, with "
            + "their context (original queue, message id, attempts, last error) under the key _pgqrsDeadLetter; a "
            + "payload that is not a JSON object is wrapped as {\"payload\": ..., \"_pgqrsDeadLetter\": ...}. A copy the "
            + "store would refuse (e.g. over its size or depth limit) is dead-lettered in its own queue instead. "
            + "When not set, such messages stay in the queue in the dead-letter state (see Store.deadLetters()).")
    private String deadLetterQueue;

    @UriParam(label = "consumer", description = "Type of the consumed body: the payload JSON as a String (default), "
            + "or a class Jackson maps it to, e.g. com.fasterxml.jackson.databind.JsonNode, java.util.Map, or your own.")
    private Class<?> bodyType;

    @UriParam(label = "consumer,advanced", description = "Unique worker name of the consumer (shown among the store's "
            + "workers); generated when not set.")
    private String workerName;

    @UriParam(label = "producer", defaultValue = "0", javaType = "java.time.Duration", description = "Delay before an "
            + "enqueued message becomes visible; the CamelPgqrsDeliveryDelay header overrides it per exchange.")
    private long deliveryDelay;

    @UriParam(label = "producer", defaultValue = "0", description = "Priority of the enqueued messages (or triggered "
            + "runs): 0 or more, higher ones are delivered first among visible messages; the CamelPgqrsPriority header "
            + "overrides it per exchange.")
    private int priority;

    @UriParam(label = "common", description = "Version of the workflow (workflow endpoints only). On a consumer, the "
            + "version of the definition the route executes: it takes only runs that recorded this version, or none, and "
            + "leaves runs of other versions to routes that have them; default 1. On a producer, the version recorded on "
            + "the runs it triggers (none when not set: any version's route executes them).")
    private String workflowVersion;

    @UriParam(label = "producer", javaType = "java.time.Duration", description = "Timeout of the runs a workflow "
            + "producer triggers, counted from each run's first start: a run still unfinished then is cancelled at its "
            + "next step boundary (CANCELLED, with the reason as its error). The CamelPgqrsWorkflowDeadline header sets "
            + "a deadline instead (the earlier of the two applies). Not set: no timeout.")
    private long runTimeout;

    @UriParam(label = "producer", defaultValue = "true", description = "When the exchange is transacted, enqueue in the "
            + "route's transaction: on the connection a pgqrs transaction policy bound, or on a connection of the "
            + "store's DataSource (which joins a Spring or JTA transaction when the DataSource is transaction-aware). "
            + "The message is then visible on commit and gone on rollback.")
    private boolean joinTransaction = true;

    @UriParam(label = "schedule", description = "Cron expression of the schedule endpoint pgqrs:schedule:NAME (required "
            + "there): 5 fields in the Unix form (minute hour day-of-month month day-of-week, e.g. 0 2 * * *) or 6-7 "
            + "in the Quartz form (seconds first, '?' in one day field, e.g. 0/30 * * * * ?). Write spaces as + or %20 "
            + "in a URI. A bad expression fails the route at startup naming it.")
    private String cron;

    @UriParam(label = "schedule", defaultValue = "UTC", description = "Time zone whose wall clock the cron expression "
            + "reads (a region id such as Europe/Paris): its daylight saving rules decide the slots.")
    private String timeZone = "UTC";

    @UriParam(label = "schedule", description = "Queue each firing of the schedule enqueues the payload on; default: the "
            + "queue named as the schedule. Created at startup with autoCreateQueue=true.")
    private String targetQueue;

    @UriParam(label = "schedule", description = "Workflow each firing of the schedule triggers a run of, with the payload "
            + "as the run's input (instead of a queue); registered at startup. The consumer then executes its runs.")
    private String targetWorkflow;

    @UriParam(label = "schedule", defaultValue = "{}", description = "JSON object each firing enqueues (or gives the "
            + "triggered run as its input), checked at startup against the store's payload rules.")
    private String payload = "{}";

    @UriParam(label = "schedule", defaultValue = "FIRE_ONCE", enums = "SKIP,FIRE_ONCE,FIRE_ALL", description = "What the "
            + "schedule does with slots that passed while no process fired it: SKIP drops them (a slot at most a "
            + "minute old still fires), FIRE_ONCE fires once for all of them, FIRE_ALL fires each, at most maxCatchUp.")
    private MissedFirings missedFirings = MissedFirings.FIRE_ONCE;

    @UriParam(label = "schedule", defaultValue = "10", description = "How many of the most recent missed slots "
            + "missedFirings=FIRE_ALL fires (1 to 1000).")
    private int maxCatchUp = ScheduleSpec.DEFAULT_MAX_CATCH_UP;

    @UriParam(label = "schedule", defaultValue = "ALLOW", enums = "ALLOW,SKIP", description = "SKIP: a slot does not fire "
            + "while the message of a previous firing is still pending or leased (or its workflow run not finished); "
            + "ALLOW: every slot fires.")
    private OverlapPolicy overlap = OverlapPolicy.ALLOW;

    public PgqrsConfiguration copy() {
        try {
            return (PgqrsConfiguration) clone();
        } catch (CloneNotSupportedException e) {
            throw new RuntimeCamelException(e);
        }
    }

    public String getDsn() {
        return dsn;
    }

    public void setDsn(String dsn) {
        this.dsn = dsn;
    }

    public boolean isAutoCreateQueue() {
        return autoCreateQueue;
    }

    public void setAutoCreateQueue(boolean autoCreateQueue) {
        this.autoCreateQueue = autoCreateQueue;
    }

    public boolean isFifo() {
        return fifo;
    }

    public void setFifo(boolean fifo) {
        this.fifo = fifo;
    }

    public boolean isWorkflow() {
        return workflow;
    }

    public void setWorkflow(boolean workflow) {
        this.workflow = workflow;
    }

    public Integer getConcurrencyLimit() {
        return concurrencyLimit;
    }

    public void setConcurrencyLimit(Integer concurrencyLimit) {
        this.concurrencyLimit = concurrencyLimit;
    }

    public Integer getRateLimit() {
        return rateLimit;
    }

    public void setRateLimit(Integer rateLimit) {
        this.rateLimit = rateLimit;
    }

    public long getRateLimitPeriod() {
        return rateLimitPeriod;
    }

    public void setRateLimitPeriod(long rateLimitPeriod) {
        this.rateLimitPeriod = rateLimitPeriod;
    }

    /** The queue limits this consumer declares, or null when it declares none. */
    QueueLimits queueLimits() {
        if (concurrencyLimit == null && rateLimit == null) {
            return null;
        }
        return new QueueLimits(concurrencyLimit, rateLimit, rateLimit == null ? null : Duration.ofMillis(rateLimitPeriod));
    }

    public int getMaxMessagesPerPoll() {
        return maxMessagesPerPoll;
    }

    public void setMaxMessagesPerPoll(int maxMessagesPerPoll) {
        this.maxMessagesPerPoll = maxMessagesPerPoll;
    }

    public int getConcurrentConsumers() {
        return concurrentConsumers;
    }

    public void setConcurrentConsumers(int concurrentConsumers) {
        this.concurrentConsumers = concurrentConsumers;
    }

    public long getVisibilityTimeout() {
        return visibilityTimeout;
    }

    public void setVisibilityTimeout(long visibilityTimeout) {
        this.visibilityTimeout = visibilityTimeout;
    }

    public boolean isExtendVisibility() {
        return extendVisibility;
    }

    public void setExtendVisibility(boolean extendVisibility) {
        this.extendVisibility = extendVisibility;
    }

    public long getDelay() {
        return delay;
    }

    public void setDelay(long delay) {
        this.delay = delay;
    }

    public double getIdleDelayFactor() {
        return idleDelayFactor;
    }

    public void setIdleDelayFactor(double idleDelayFactor) {
        this.idleDelayFactor = idleDelayFactor;
    }

    public long getMaxIdleDelay() {
        return maxIdleDelay;
    }

    public void setMaxIdleDelay(long maxIdleDelay) {
        this.maxIdleDelay = maxIdleDelay;
    }

    public long getShutdownTimeout() {
        return shutdownTimeout;
    }

    public void setShutdownTimeout(long shutdownTimeout) {
        this.shutdownTimeout = shutdownTimeout;
    }

    public AckMode getAckMode() {
        return ackMode;
    }

    public void setAckMode(AckMode ackMode) {
        this.ackMode = ackMode;
    }

    public int getMaxAttempts() {
        return maxAttempts;
    }

    public void setMaxAttempts(int maxAttempts) {
        this.maxAttempts = maxAttempts;
    }

    public long getRetryDelay() {
        return retryDelay;
    }

    public void setRetryDelay(long retryDelay) {
        this.retryDelay = retryDelay;
    }

    public double getRetryBackoffMultiplier() {
        return retryBackoffMultiplier;
    }

    public void setRetryBackoffMultiplier(double retryBackoffMultiplier) {
        this.retryBackoffMultiplier = retryBackoffMultiplier;
    }

    public long getMaxRetryDelay() {
        return maxRetryDelay;
    }

    public void setMaxRetryDelay(long maxRetryDelay) {
        this.maxRetryDelay = maxRetryDelay;
    }

    public String getDeadLetterQueue() {
        return deadLetterQueue;
    }

    public void setDeadLetterQueue(String deadLetterQueue) {
        this.deadLetterQueue = deadLetterQueue;
    }

    public Class<?> getBodyType() {
        return bodyType;
    }

    public void setBodyType(Class<?> bodyType) {
        this.bodyType = bodyType;
    }

    public String getWorkerName() {
        return workerName;
    }

    public void setWorkerName(String workerName) {
        this.workerName = workerName;
    }

    public String getWorkflowVersion() {
        return workflowVersion;
    }

    public void setWorkflowVersion(String workflowVersion) {
        this.workflowVersion = workflowVersion;
    }

    public long getRunTimeout() {
        return runTimeout;
    }

    public void setRunTimeout(long runTimeout) {
        this.runTimeout = runTimeout;
    }

    public int getPriority() {
        return priority;
    }

    public void setPriority(int priority) {
        this.priority = priority;
    }

    public long getDeliveryDelay() {
        return deliveryDelay;
    }

    public void setDeliveryDelay(long deliveryDelay) {
        this.deliveryDelay = deliveryDelay;
    }

    public Boolean getPiggybackAcks() {
        return piggybackAcks;
    }

    public void setPiggybackAcks(Boolean piggybackAcks) {
        this.piggybackAcks = piggybackAcks;
    }

    public boolean isJoinTransaction() {
        return joinTransaction;
    }

    public void setJoinTransaction(boolean joinTransaction) {
        this.joinTransaction = joinTransaction;
    }

    /**
     * The retry options as the engine's policy, for queue messages, workflow runs and their durable steps alike:
     * {@code maxAttempts} attempts, {@code retryDelay} after the first failure, multiplied by
     * {@code retryBackoffMultiplier} after each further one, at most {@code maxRetryDelay}.
     */
    RetryPolicy retryPolicy() {
        return RetryPolicy.exponential(maxAttempts, Duration.ofMillis(retryDelay), Duration.ofMillis(maxRetryDelay))
                .withFactor(retryBackoffMultiplier);
    }

    /** The options of the engine's queue worker this endpoint's consumer runs on. */
    QueueWorkerOptions workerOptions() {
        return QueueWorkerOptions.defaults()
                .threads(concurrentConsumers)
                .batchSize(maxMessagesPerPoll)
                .visibilityTimeout(Duration.ofMillis(visibilityTimeout))
                .extendLeases(extendVisibility)
                .retryPolicy(retryPolicy())
                .deadLetterQueue(deadLetterQueue)
                .ackMode(ackMode)
                .pollInterval(Duration.ofMillis(delay))
                .maxIdleWait(Duration.ofMillis(maxIdleDelay))
                .idleFactor(idleDelayFactor)
                .shutdownTimeout(Duration.ofMillis(shutdownTimeout))
                .workerName(workerName)
                .piggybackAcks(piggybackAcks);
    }

    public String getCron() {
        return cron;
    }

    public void setCron(String cron) {
        this.cron = cron;
    }

    public String getTimeZone() {
        return timeZone;
    }

    public void setTimeZone(String timeZone) {
        this.timeZone = timeZone;
    }

    public String getTargetQueue() {
        return targetQueue;
    }

    public void setTargetQueue(String targetQueue) {
        this.targetQueue = targetQueue;
    }

    public String getTargetWorkflow() {
        return targetWorkflow;
    }

    public void setTargetWorkflow(String targetWorkflow) {
        this.targetWorkflow = targetWorkflow;
    }

    public String getPayload() {
        return payload;
    }

    public void setPayload(String payload) {
        this.payload = payload;
    }

    public MissedFirings getMissedFirings() {
        return missedFirings;
    }

    public void setMissedFirings(MissedFirings missedFirings) {
        this.missedFirings = missedFirings;
    }

    public int getMaxCatchUp() {
        return maxCatchUp;
    }

    public void setMaxCatchUp(int maxCatchUp) {
        this.maxCatchUp = maxCatchUp;
    }

    public OverlapPolicy getOverlap() {
        return overlap;
    }

    public void setOverlap(OverlapPolicy overlap) {
        this.overlap = overlap;
    }
}
