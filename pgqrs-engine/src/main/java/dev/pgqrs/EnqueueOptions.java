package dev.pgqrs;

import java.time.Duration;

/**
 * How one message is enqueued, beyond its payload. Immutable; start from {@link #defaults()}.
 *
 * @param delay     how long the message stays invisible (zero: visible at once)
 * @param dedupKey  deduplication key, or null: while a message of the queue holds the key (pending, leased,
 *                  or archived within the store's {@code dedup_window}), an enqueue with it inserts nothing
 *                  and answers with that message's id
 * @param priority  0 (the default) or more: among visible messages, higher priorities are delivered first
 * @param orderingKey ordering key, or null; only on a FIFO queue ({@link QueueOptions#fifoQueue()}): messages with the
 *                  same key are delivered in enqueue order, at most one of them in flight at a time across every
 *                  consumer; different keys in parallel
 */
public record EnqueueOptions(Duration delay, String dedupKey, int priority, String orderingKey) {

    private static final EnqueueOptions DEFAULTS = new EnqueueOptions(Duration.ZERO, null, 0, null);

    public EnqueueOptions {
        delay = delay == null || delay.isNegative() ? Duration.ZERO : delay;
        if (dedupKey != null) {
            Names.requireKey("dedup key", dedupKey);
        }
        if (priority < 0) {
            throw new IllegalArgumentException("priority must be 0 or more (higher is delivered first), was " + priority);
        }
        if (orderingKey != null) {
            Names.requireKey("ordering key", orderingKey);
        }
    }

    public EnqueueOptions(Duration delay, String dedupKey, int priority) {
        this(delay, dedupKey, priority, null);
    }

    public static EnqueueOptions defaults() {
        return DEFAULTS;
    }

    /** Options with only a deduplication key. */
    public static EnqueueOptions withDedupKey(String dedupKey) {
        return DEFAULTS.dedupKey(dedupKey);
    }

    /** Options with only a priority. */
    public static EnqueueOptions withPriority(int priority) {
        return DEFAULTS.priority(priority);
    }

    /** Options with only an ordering key (for a FIFO queue). */
    public static EnqueueOptions withOrderingKey(String orderingKey) {
        return DEFAULTS.orderingKey(orderingKey);
    }

    public EnqueueOptions delay(Duration delay) {
        return new EnqueueOptions(delay, dedupKey, priority, orderingKey);
    }

    public EnqueueOptions dedupKey(String dedupKey) {
        return new EnqueueOptions(delay, dedupKey, priority, orderingKey);
    }

    public EnqueueOptions priority(int priority) {
        return new EnqueueOptions(delay, dedupKey, priority, orderingKey);
    }

    public EnqueueOptions orderingKey(String orderingKey) {
        return new EnqueueOptions(delay, dedupKey, priority, orderingKey);
    }

    /** The priority as stored: NULL for 0, so a queue that never uses priorities keeps its plain dequeue index. */
    Integer storedPriority() {
        return priority == 0 ? null : priority;
    }
}
