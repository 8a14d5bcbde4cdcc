package dev.pgqrs.bench.measure;

import java.util.List;

/** Latency percentiles in milliseconds; {@link #NONE} where a contender exposes no such call. */
public record Percentiles(long count, double p50, double p95, double p99, double max) {

    public static final Percentiles NONE = new Percentiles(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);

    public boolean measured() {
        return count > 0;
    }

    /** The median, percentile by percentile, of several runs' percentiles (runs without data ignored). */
    public static Percentiles median(List<Percentiles> runs) {
        List<Percentiles> measured = runs.stream().filter(Percentiles::measured).toList();
        if (measured.isEmpty()) {
            return NONE;
        }
        return new Percentiles(
                (long) Stats.median(measured.stream().mapToDouble(Percentiles::count).toArray()),
                Stats.median(measured.stream().mapToDouble(Percentiles::p50).toArray()),
                Stats.median(measured.stream().mapToDouble(Percentiles::p95).toArray()),
                Stats.median(measured.stream().mapToDouble(Percentiles::p99).toArray()),
                Stats.median(measured.stream().mapToDouble(Percentiles::max).toArray()));
    }
}
