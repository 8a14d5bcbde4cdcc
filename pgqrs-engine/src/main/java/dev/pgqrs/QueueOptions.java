package dev.pgqrs;

/**
 * How a queue is created. Immutable; start from {@link #defaults()}.
 *
 * @param fifo a FIFO queue: messages enqueued with the same ordering key ({@link EnqueueOptions#orderingKey()})
 *             are delivered in enqueue order, at most one of them in flight at a time across every consumer and
 *             process, different keys in parallel. Chosen when the queue is created and never changed (as an
 *             SQS FIFO queue is), so no consumer ever dequeues the queue without the ordering rule.
 */
public record QueueOptions(boolean fifo) {

    private static final QueueOptions DEFAULTS = new QueueOptions(false);

    public static QueueOptions defaults() {
        return DEFAULTS;
    }

    /** A FIFO queue. */
    public static QueueOptions fifoQueue() {
        return new QueueOptions(true);
    }
}
