package dev.pgqrs.signal;

import java.time.Duration;

/**
 * How long a consumer that just found work keeps looking at short intervals before it waits for the next signal
 * for a whole poll interval. Producers in other processes notify once per debounce window — the window's first
 * enqueue carries the NOTIFY, and the others are announced by one trailing NOTIFY at its end — so without a linger a
 * message enqueued just after a window opened would wait for the window's end. Lingering one window, looking every
 * eighth of it, finds such a message within an eighth of a window (a quarter gave a p50 of 2.3 ms at 500 msg/s
 * across processes, an eighth 1.4 ms: docs/benchmarks/README.md); at high rates the looks find messages, and at
 * low rates a lone message costs at most eight empty looks once.
 */
public final class Linger {

    /** No linger: the consumer waits for the next signal (or its poll interval) at once. */
    public static final Linger NONE = new Linger(Duration.ZERO);

    private final long windowNanos;
    private final long stepNanos;

    public Linger(Duration window) {
        this.windowNanos = window.toNanos();
        this.stepNanos = Math.max(windowNanos / 8, 1);
    }

    /** The linger of a store: one NOTIFY debounce window when notifications are on, none when off. */
    public static Linger forNotifications(boolean notifications, Duration debounceWindow) {
        return notifications ? new Linger(debounceWindow) : NONE;
    }

    /** The linger state of one consumer loop. */
    public Tracker tracker() {
        return new Tracker();
    }

    /** When one loop last found work; its waits are short for one window after that. */
    public final class Tracker {

        private volatile long until;
        private volatile boolean armed;

        private Tracker() {
        }

        /** The loop's last fetch found work: look again soon for one window. */
        public void foundWork() {
            if (windowNanos > 0) {
                until = System.nanoTime() + windowNanos;
                armed = true;
            }
        }

        /** Within a window of the last work found. */
        public boolean lingering() {
            return armed && System.nanoTime() - until < 0;
        }

        /** The wait after an empty fetch: {@code timeout}, or an eighth of a window (at most what is left) while lingering. */
        public Duration cap(Duration timeout) {
            if (!lingering()) {
                return timeout;
            }
            long left = until - System.nanoTime();
            long nanos = Math.min(Math.min(stepNanos, Math.max(left, 1)), timeout.toNanos());
            return Duration.ofNanos(nanos);
        }
    }
}
