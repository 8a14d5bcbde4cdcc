package dev.pgqrs.bench.measure;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * Records durations from many threads into one HdrHistogram (microsecond resolution, three
 * significant digits) and summarises them as percentiles.
 */
public final class LatencyRecorder {

    private final Histogram histogram = new ConcurrentHistogram(3);

    public void recordNanos(long nanos) {
        histogram.recordValue(Math.max(0, nanos / 1_000));
    }

    /** Records the time since {@code startNanos} (a {@link System#nanoTime()} reading). */
    public void recordSince(long startNanos) {
        recordNanos(System.nanoTime() - startNanos);
    }

    public long count() {
        return histogram.getTotalCount();
    }

    public Percentiles percentiles() {
        if (histogram.getTotalCount() == 0) {
            return Percentiles.NONE;
        }
        return new Percentiles(histogram.getTotalCount(), ms(50), ms(95), ms(99), histogram.getMaxValue() / 1000.0);
    }

    private double ms(double percentile) {
        return histogram.getValueAtPercentile(percentile) / 1000.0;
    }
}
