package dev.pgqrs.signal;

/**
 * Cross-process wake-ups for a store: which enqueues notify, and the listener that turns
 * notifications from other processes into {@link QueueSignals}. On SQLite, and on PostgreSQL in
 * polling-only mode ({@code notifications=false}, e.g. behind PgBouncer in transaction pooling),
 * it is {@link #NONE}: consumers find messages by polling (and by in-process signals).
 */
public interface Notifications extends AutoCloseable {

    /** No notifications: polling only. */
    Notifications NONE = new Notifications() {
        @Override
        public boolean claim(long queueId) {
            return false;
        }

        @Override
        public boolean enabled() {
            return false;
        }
    };

    /** Whether enqueues send notifications at all. */
    default boolean enabled() {
        return true;
    }

    /** The channel notifications are sent on (null when disabled). */
    default String channel() {
        return null;
    }

    /**
     * The payload of a notification for a queue. {@code signalledHere}: this process's consumers are
     * woken in-process for that enqueue, so this store's own listener may ignore the notification.
     */
    default String payload(long queueId, boolean signalledHere) {
        return Long.toString(queueId);
    }

    /** Before an auto-committed enqueue of a visible message: true if its statement should notify. */
    boolean claim(long queueId);

    /** Counts a notification sent by a write in the caller's transaction (never debounced). */
    default void countInTransaction() {
    }

    /** After an auto-committed enqueue that did not notify: schedules a trailing notification. */
    default void suppressedCommitted(long queueId) {
    }

    /** Starts the listener if it is not running (idempotent); returns once it listens or gave up waiting. */
    default void startListening() {
    }

    /** Whether the listener is in LISTEN right now: false before the first consumer, and while it reconnects. */
    default boolean listening() {
        return false;
    }

    /** Notifications this store sent (piggy-backed and trailing), for tests and metrics. */
    default long sent() {
        return 0;
    }

    /** Notifications this store's listener received. */
    default long received() {
        return 0;
    }

    @Override
    default void close() {
    }
}
