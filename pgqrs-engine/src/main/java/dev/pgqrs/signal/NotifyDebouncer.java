package dev.pgqrs.signal;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/**
 * Decides which enqueues carry a database notification, so a burst of enqueues sends few.
 *
 * <p>Per queue, the first enqueue of a window carries the notification (it is sent by the enqueue
 * statement itself, so it is delivered when that enqueue commits). Enqueues later in the same
 * window carry none; once one of them has committed, a single <em>trailing</em> notification is
 * scheduled for the end of the window. The invariant: every committed enqueue is followed, within
 * one window, by a notification delivered after its commit. A burst therefore costs about one
 * notification per window, and no message waits for a poll.
 *
 * <p>Thread-safe and lock-free on the enqueue path.
 */
public final class NotifyDebouncer {

    private final long windowNanos;
    private final LongSupplier clock;
    private final ScheduledExecutorService scheduler;
    private final LongConsumer sendTrailing;
    private final ConcurrentHashMap<Long, Window> windows = new ConcurrentHashMap<>();

    private static final class Window {
        /** When the current window ends (clock nanos); a claim after it opens a new window. */
        final AtomicLong endsAt;
        /** A trailing notification is scheduled and has not started yet. */
        final AtomicBoolean trailingPending = new AtomicBoolean();

        Window(long endsAt) {
            this.endsAt = new AtomicLong(endsAt);
        }
    }

    /**
     * @param windowNanos  length of a debounce window
     * @param clock        nano clock ({@code System::nanoTime}; tests pass their own)
     * @param scheduler    runs trailing notifications
     * @param sendTrailing sends one notification for a queue id, in its own transaction
     */
    public NotifyDebouncer(long windowNanos, LongSupplier clock, ScheduledExecutorService scheduler, LongConsumer sendTrailing) {
        this.windowNanos = windowNanos;
        this.clock = clock;
        this.scheduler = scheduler;
        this.sendTrailing = sendTrailing;
    }

    private Window window(long queueId) {
        Window w = windows.get(queueId);
        return w != null ? w : windows.computeIfAbsent(queueId, id -> new Window(clock.getAsLong()));
    }

    /** Called before an enqueue: true if this enqueue should carry the notification itself. */
    public boolean claim(long queueId) {
        Window w = window(queueId);
        long now = clock.getAsLong();
        long end = w.endsAt.get();
        return now - end >= 0 && w.endsAt.compareAndSet(end, now + windowNanos);
    }

    /**
     * Called after an enqueue that carried no notification has committed: makes sure a trailing
     * notification goes out after this point, at the end of the current window.
     */
    public void suppressedCommitted(long queueId) {
        Window w = window(queueId);
        if (!w.trailingPending.compareAndSet(false, true)) {
            // A trailing notification is scheduled and has not started: it is sent after this commit.
            return;
        }
        long delay = Math.max(0, w.endsAt.get() - clock.getAsLong());
        scheduler.schedule(() -> {
            // Reset before sending, so an enqueue committing from here on schedules another one.
            w.trailingPending.set(false);
            w.endsAt.set(clock.getAsLong() + windowNanos);
            sendTrailing.accept(queueId);
        }, delay, TimeUnit.NANOSECONDS);
    }
}
