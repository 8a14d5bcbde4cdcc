package dev.pgqrs.metrics;

/** The names and tags of the engine's meters, in Micrometer's dotted style (Prometheus: {@code pgqrs_messages_enqueued_total}). */
public final class MeterNames {

    public static final String ENQUEUED = "pgqrs.messages.enqueued";
    public static final String DEQUEUED = "pgqrs.messages.dequeued";
    public static final String ACKED = "pgqrs.messages.acked";
    public static final String RETRIED = "pgqrs.messages.retried";
    public static final String DEAD_LETTERED = "pgqrs.messages.dead_lettered";
    public static final String ENQUEUE_LATENCY = "pgqrs.enqueue.latency";
    public static final String DEQUEUE_LATENCY = "pgqrs.dequeue.latency";

    public static final String QUEUE_DEPTH = "pgqrs.queue.depth";
    public static final String QUEUE_LEASED = "pgqrs.queue.leased";
    public static final String QUEUE_DELAYED = "pgqrs.queue.delayed";
    public static final String QUEUE_DEAD_LETTERED = "pgqrs.queue.dead_lettered";
    public static final String QUEUE_OLDEST_PENDING_AGE = "pgqrs.queue.oldest_pending_age";
    public static final String QUEUES = "pgqrs.queues";
    public static final String DEAD_TUPLES = "pgqrs.messages.dead_tuples";

    public static final String WORKFLOW_RUNS = "pgqrs.workflow.runs";
    public static final String WORKFLOW_RUN_DURATION = "pgqrs.workflow.run.duration";
    public static final String WORKFLOW_STEP_RETRIES = "pgqrs.workflow.step.retries";

    public static final String TAG_QUEUE = "queue";
    public static final String TAG_BACKEND = "backend";
    public static final String TAG_WORKFLOW = "workflow";
    public static final String TAG_STATUS = "status";
    public static final String TAG_STEP = "step";

    private MeterNames() {
    }
}
