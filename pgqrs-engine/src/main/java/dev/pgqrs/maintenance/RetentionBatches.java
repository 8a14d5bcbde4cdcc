package dev.pgqrs.maintenance;

import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * How retention deletes: in batches of a bounded size, each its own short statement or transaction, oldest
 * first, with a pause between two batches so the hot path's statements (and, on SQLite, its writers, who take
 * turns with retention behind one lock) get the database in between. The pause is at least the configured one,
 * and long enough that retention works at most {@code share} of the time: a batch that worked 40 ms under a share
 * of 0.05 is followed by 760 ms of nothing, so a slow database (a loaded machine, a large table) slows retention
 * down, not the hot path. What counts is the batch's work, from the moment it holds what it waited for (a
 * connection; on SQLite the writers' turn) to its commit: on SQLite under a busy drain the wait for the turn was
 * most of a batch's time, and counted as work it made retention pause twenty times as long again (a few hundred
 * rows a second while the writers it waited for ran freely). A pass stops early when told to (the process lost
 * leadership, or the store is closing); the next pass continues where the rows are.
 */
public final class RetentionBatches {

    /** One batch: deletes up to {@code limit} rows from {@code fromMillis} on, returns their timestamps (epoch ms). */
    @FunctionalInterface
    public interface Batch {
        /** Calls {@code turn.began()} once it holds the connection (and the writers' turn) it works with. */
        List<Long> delete(long fromMillis, int limit, Turn turn);
    }

    /** When a batch's work began; a batch that never says so is timed from its call. */
    public static final class Turn {
        private final LongSupplier clock;
        private long beganAt;

        private Turn(LongSupplier clock) {
            this.clock = clock;
            this.beganAt = clock.getAsLong();
        }

        public void began() {
            beganAt = clock.getAsLong();
        }
    }

    /** Sleeps for a number of nanoseconds; false when interrupted. */
    @FunctionalInterface
    interface Sleeper {
        boolean sleep(long nanos);
    }

    private final int size;
    private final Duration pause;
    private final double share;
    private final BooleanSupplier keepGoing;
    private final LongSupplier clock;
    private final Sleeper sleeper;

    public RetentionBatches(int size, Duration pause, double share, BooleanSupplier keepGoing) {
        this(size, pause, share, keepGoing, System::nanoTime, RetentionBatches::sleep);
    }

    RetentionBatches(int size, Duration pause, double share, BooleanSupplier keepGoing, LongSupplier clock,
                     Sleeper sleeper) {
        this.size = size;
        this.pause = pause;
        this.share = share;
        this.keepGoing = keepGoing;
        this.clock = clock;
        this.sleeper = sleeper;
    }

    /** Runs batches until one comes back short; returns the rows deleted. */
    public long drain(Batch batch) {
        long total = 0;
        long from = 0;
        while (true) {
            Turn turn = new Turn(clock);
            List<Long> deleted = batch.delete(from, size, turn);
            long worked = clock.getAsLong() - turn.beganAt;
            total += deleted.size();
            if (deleted.size() < size) {
                return total;
            }
            // The next batch starts at the newest timestamp this one reached: rows it skipped (dead letters)
            // are not read again, and rows sharing that timestamp are read again, never missed.
            for (long t : deleted) {
                from = Math.max(from, t);
            }
            if (!pause(worked) || !keepGoing.getAsBoolean()) {
                return total;
            }
        }
    }

    private boolean pause(long workedNanos) {
        long nanos = Math.max(pause.toNanos(), Math.round(workedNanos * (1 - share) / share));
        if (nanos == 0) {
            return !Thread.currentThread().isInterrupted();
        }
        return sleeper.sleep(nanos);
    }

    private static boolean sleep(long nanos) {
        try {
            Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public int size() {
        return size;
    }
}
