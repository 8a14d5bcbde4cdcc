package dev.pgqrs.maintenance;

import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * How retention deletes: in batches of a bounded size, each its own short statement or transaction, oldest
 * first, with a pause between two batches so the hot path's statements (and, on SQLite, its writers, who take
 * turns with retention behind one lock) get the database in between. The pause is at least the configured one,
 * and long enough that retention works at most {@code share} of the time: a batch that took 40 ms under a share
 * of 0.1 is followed by 360 ms of nothing, so a slow database (a loaded machine, a large table) slows retention
 * down, not the hot path. A pass stops early when told to (the
 * process lost leadership, or the store is closing); the next pass continues where the rows are.
 */
public final class RetentionBatches {

    /** One batch: deletes up to {@code limit} rows from {@code fromMillis} on, returns their timestamps (epoch ms). */
    @FunctionalInterface
    public interface Batch {
        List<Long> delete(long fromMillis, int limit);
    }

    private final int size;
    private final Duration pause;
    private final double share;
    private final BooleanSupplier keepGoing;

    public RetentionBatches(int size, Duration pause, double share, BooleanSupplier keepGoing) {
        this.size = size;
        this.pause = pause;
        this.share = share;
        this.keepGoing = keepGoing;
    }

    /** Runs batches until one comes back short; returns the rows deleted. */
    public long drain(Batch batch) {
        long total = 0;
        long from = 0;
        while (true) {
            long started = System.nanoTime();
            List<Long> deleted = batch.delete(from, size);
            long took = System.nanoTime() - started;
            total += deleted.size();
            if (deleted.size() < size) {
                return total;
            }
            // The next batch starts at the newest timestamp this one reached: rows it skipped (dead letters)
            // are not read again, and rows sharing that timestamp are read again, never missed.
            for (long t : deleted) {
                from = Math.max(from, t);
            }
            if (!pause(took) || !keepGoing.getAsBoolean()) {
                return total;
            }
        }
    }

    private boolean pause(long batchNanos) {
        long nanos = Math.max(pause.toNanos(), Math.round(batchNanos * (1 - share) / share));
        if (nanos == 0) {
            return !Thread.currentThread().isInterrupted();
        }
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
