package dev.pgqrs.store;

/**
 * What a queue uses that its dequeue must honour, from its row in {@code pgqrs_queue_settings}; a queue
 * without a row is {@link #PLAIN}. The dequeue statement is chosen by it ({@link Dialect#dequeue(QueueSettings)}),
 * so a queue that uses no feature runs the plain statement and pays for none.
 *
 * @param prioritized the queue has held messages with a priority: its dequeue reads them first
 * @param fifo        the queue was created FIFO: a message with an ordering key is delivered only when it is the
 *                    oldest unarchived message of its key and none of its key is leased
 * @param limited     the queue has a concurrency or a rate limit: its dequeue locks the settings row, then takes at
 *                    most what the limits leave (their values are read by the statement itself, from the row, so
 *                    only whether a queue is limited is cached here, never how much)
 */
public record QueueSettings(boolean prioritized, boolean fifo, boolean limited) {

    /** A queue that uses no feature: the plain dequeue. */
    public static final QueueSettings PLAIN = new QueueSettings(false, false, false);

    /** A queue whose dequeue reads prioritized messages first. */
    public static final QueueSettings PRIORITIZED = new QueueSettings(true, false, false);

    /** A FIFO queue that has not used priorities. */
    public static final QueueSettings FIFO = new QueueSettings(false, true, false);

    /** A queue with limits that uses no other feature. */
    public static final QueueSettings LIMITED = new QueueSettings(false, false, true);

    public QueueSettings(boolean prioritized, boolean fifo) {
        this(prioritized, fifo, false);
    }

    public QueueSettings withPrioritized() {
        return new QueueSettings(true, fifo, limited);
    }

    public QueueSettings withLimited(boolean limited) {
        return new QueueSettings(prioritized, fifo, limited);
    }
}
