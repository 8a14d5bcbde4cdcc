package dev.pgqrs.bench.measure;

import java.util.Arrays;

/** Small statistics helpers. */
public final class Stats {

    private Stats() {
    }

    /** The median; NaN for no values. NaN values are ignored. */
    public static double median(double[] values) {
        double[] v = Arrays.stream(values).filter(d -> !Double.isNaN(d)).sorted().toArray();
        if (v.length == 0) {
            return Double.NaN;
        }
        int mid = v.length / 2;
        return v.length % 2 == 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
    }

    public static double ratio(double value, double baseline) {
        if (Double.isNaN(value) || Double.isNaN(baseline) || baseline == 0) {
            return Double.NaN;
        }
        return value / baseline;
    }
}
