package dev.pgqrs.bench.report;

import dev.pgqrs.bench.measure.Percentiles;

import java.util.Locale;

/** How numbers look in tables: thousands separators, a dash for "not measured". */
public final class Format {

    public static final String NONE = "—";

    private Format() {
    }

    public static String count(double v) {
        return Double.isNaN(v) ? NONE : String.format(Locale.ROOT, "%,.0f", v);
    }

    public static String rate(double v) {
        if (Double.isNaN(v)) {
            return NONE;
        }
        return v >= 100 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%,.1f", v);
    }

    public static String seconds(double v) {
        return Double.isNaN(v) ? NONE : String.format(Locale.ROOT, "%.2f", v);
    }

    public static String ratio(double v) {
        return Double.isNaN(v) ? NONE : String.format(Locale.ROOT, "%.2f×", v);
    }

    public static String perMessage(double v) {
        return Double.isNaN(v) ? NONE : String.format(Locale.ROOT, "%.2f", v);
    }

    /** A share (0.25) as a percentage ("25 %"). */
    public static String percent(double share) {
        return Double.isNaN(share) ? NONE : String.format(Locale.ROOT, "%.0f %%", 100 * share);
    }

    public static String ms(double v) {
        if (Double.isNaN(v)) {
            return NONE;
        }
        return v >= 100 ? String.format(Locale.ROOT, "%.0f", v) : v >= 10 ? String.format(Locale.ROOT, "%.1f", v)
                : String.format(Locale.ROOT, "%.2f", v);
    }

    /** "p50 / p95 / p99" in milliseconds. */
    public static String percentiles(Percentiles p) {
        return p.measured() ? ms(p.p50()) + " / " + ms(p.p95()) + " / " + ms(p.p99()) : NONE;
    }
}
