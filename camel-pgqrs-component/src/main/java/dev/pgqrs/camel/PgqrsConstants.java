package dev.pgqrs.camel;

import org.apache.camel.spi.Metadata;

/** Message headers of the pgqrs component. */
public final class PgqrsConstants {

    @Metadata(description = "The id of the consumed message, or of the message the producer enqueued.", javaType = "long")
    public static final String MESSAGE_ID = "CamelPgqrsMessageId";

    @Metadata(label = "producer", description = "The ids of the messages a batch enqueue created, in body order.",
              javaType = "java.util.List<Long>")
    public static final String MESSAGE_IDS = "CamelPgqrsMessageIds";

    @Metadata(description = "The queue the message was consumed from, or enqueued to.", javaType = "String")
    public static final String QUEUE = "CamelPgqrsQueue";

    @Metadata(label = "consumer", description = "How many times the message has been delivered, this delivery included "
            + "(1 on the first delivery).", javaType = "int")
    public static final String READ_COUNT = "CamelPgqrsReadCount";

    @Metadata(label = "consumer", description = "When the message was enqueued.", javaType = "java.time.Instant")
    public static final String ENQUEUED_AT = "CamelPgqrsEnqueuedAt";

    @Metadata(description = "The key of the durable run this exchange belongs to: message:ID for a queue message, "
            + "workflow-run:ID for a workflow run. Durable steps of a queue message checkpoint under it (those of a "
            + "workflow run are steps of the run); set it yourself to make any other exchange durable (e.g. from an "
            + "idempotency key).", javaType = "String")
    public static final String RUN_ID = "CamelPgqrsRunId";

    @Metadata(description = "The workflow whose run this exchange executes (workflow consumer), or whose run(s) the "
            + "producer triggered.", javaType = "String")
    public static final String WORKFLOW = "CamelPgqrsWorkflow";

    @Metadata(description = "The id of the workflow run this exchange executes (workflow consumer), or of the run the "
            + "producer triggered: the id store.workflows().get/details/cancel/resume take.", javaType = "long")
    public static final String WORKFLOW_RUN_ID = "CamelPgqrsWorkflowRunId";

    @Metadata(label = "producer", description = "The ids of the workflow runs a batch trigger started, in body order.",
              javaType = "java.util.List<Long>")
    public static final String WORKFLOW_RUN_IDS = "CamelPgqrsWorkflowRunIds";

    @Metadata(label = "producer", description = "Deadline of the workflow run to trigger: the run is cancelled at its "
            + "next step boundary once the database's clock passes it (CANCELLED, with the reason as its error). A "
            + "java.time.Instant, epoch milliseconds as a number, or ISO-8601 text such as 2026-12-01T18:00:00Z.",
              javaType = "java.time.Instant")
    public static final String WORKFLOW_DEADLINE = "CamelPgqrsWorkflowDeadline";

    @Metadata(label = "producer", description = "Delay before the enqueued message becomes visible, overriding the "
            + "deliveryDelay option: a java.time.Duration, milliseconds as a number, or text such as 5s.",
              javaType = "java.time.Duration")
    public static final String DELIVERY_DELAY = "CamelPgqrsDeliveryDelay";

    @Metadata(label = "producer", description = "Deduplication key of the message to enqueue (on a workflow "
            + "endpoint: the run key of the run to trigger). While a message of the queue holds the key (pending, "
            + "leased, or archived within the store's dedup_window) nothing is enqueued, CamelPgqrsMessageId is that "
            + "message's id (CamelPgqrsWorkflowRunId that run's) and CamelPgqrsDuplicate is true. For a batch body, a "
            + "list with one key (or null) per element.", javaType = "String")
    public static final String DEDUP_KEY = "CamelPgqrsDedupKey";

    @Metadata(label = "producer", description = "Priority of the message to enqueue (or run to trigger), overriding "
            + "the priority option: 0 or more, higher ones are delivered first. For a batch body, one number for "
            + "every element or a list with one per element.", javaType = "int")
    public static final String PRIORITY = "CamelPgqrsPriority";

    @Metadata(label = "common", description = "Ordering key of a message on a FIFO queue (created with the fifo "
            + "option, or QueueOptions.fifoQueue()). Producer: the key of the message to enqueue; messages with the "
            + "same key are delivered in enqueue order, one at a time across every consumer; for a batch body, a list "
            + "with one key (or null) per element. Consumer: the key of the message received, when it has one.",
              javaType = "String")
    public static final String ORDERING_KEY = "CamelPgqrsOrderingKey";

    @Metadata(label = "producer", description = "Set by the producer when a CamelPgqrsDedupKey is given: true when a "
            + "message (or run) held the key, so nothing was enqueued; for a batch body, a list of one flag per "
            + "element.", javaType = "boolean")
    public static final String DUPLICATE = "CamelPgqrsDuplicate";

    @Metadata(label = "producer", description = "Set by the producer of a schedule endpoint (pgqrs:schedule:NAME): the "
            + "schedule it fired now; CamelPgqrsMessageId is the firing's message, CamelPgqrsWorkflowRunId its run "
            + "when the schedule triggers a workflow.", javaType = "String")
    public static final String SCHEDULE = "CamelPgqrsSchedule";

    @Metadata(description = "Set by a durable step that was skipped because it had completed before: true when the "
            + "body and recorded headers were restored from its recorded result.", javaType = "boolean")
    public static final String STEP_REPLAYED = "CamelPgqrsStepReplayed";

    private PgqrsConstants() {
    }
}
