package dev.pgqrs.bench.report;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A grouped bar chart as a standalone SVG, written by hand (a few dozen lines beat a charting
 * dependency). Categories run along x (one group each); every series gets one bar per group.
 * A logarithmic y axis keeps 150 msg/s and 20,000 msg/s readable on one chart; an optional
 * horizontal reference line marks, say, ratio 1.0.
 */
public final class SvgChart {

    private static final Map<String, String> COLORS = Map.of(
            "floor", "#7f7f7f",
            "pgqrs", "#1f77b4",
            "floor-piggyback", "#bcbcbc",
            "floor-minimal", "#555555",
            "camel-sql", "#ff7f0e",
            "camel-sql-batch", "#d62728",
            "db-scheduler", "#2ca02c",
            "dbos", "#9467bd",
            "camel-pgqrs", "#17becf");
    private static final String[] PALETTE = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2"};

    private final String title;
    private final String yLabel;
    private final List<String> categories;
    private final LinkedHashMap<String, double[]> series = new LinkedHashMap<>();
    private boolean logScale;
    private Double referenceLine;

    public SvgChart(String title, String yLabel, List<String> categories) {
        this.title = title;
        this.yLabel = yLabel;
        this.categories = categories;
    }

    public SvgChart series(String name, double[] values) {
        if (values.length != categories.size()) {
            throw new IllegalArgumentException("series " + name + " has " + values.length + " values for " + categories.size() + " categories");
        }
        series.put(name, values);
        return this;
    }

    public SvgChart logScale() {
        this.logScale = true;
        return this;
    }

    public SvgChart referenceLine(double y) {
        this.referenceLine = y;
        return this;
    }

    public String render() {
        // Each group is wide enough for its bars and for its label (about 7 px a character).
        int longestLabel = categories.stream().mapToInt(String::length).max().orElse(0);
        int groupWidth = Math.max(series.size() * 14 + 26, longestLabel * 7 + 12);
        int width = Math.max(640, 120 + categories.size() * groupWidth);
        int height = 420;
        int left = 80;
        int right = 20;
        int top = 50;
        int bottom = 90;
        double plotW = width - left - right;
        double plotH = height - top - bottom;

        double max = 0;
        double min = Double.MAX_VALUE;
        for (double[] values : series.values()) {
            for (double v : values) {
                if (!Double.isNaN(v) && v > 0) {
                    max = Math.max(max, v);
                    min = Math.min(min, v);
                }
            }
        }
        if (referenceLine != null) {
            max = Math.max(max, referenceLine);
        }
        if (max == 0) {
            max = 1;
            min = 1;
        }
        Axis axis = logScale ? Axis.log(min, max) : Axis.linear(max);

        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">%n", width, height, width, height));
        svg.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", width, height));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"24\" font-size=\"16\" font-weight=\"bold\">%s</text>%n", left, escape(title)));
        svg.append(String.format(Locale.ROOT, "<text transform=\"translate(18,%.0f) rotate(-90)\" text-anchor=\"middle\">%s</text>%n",
                top + plotH / 2, escape(yLabel)));

        for (double tick : axis.ticks()) {
            double y = top + plotH - axis.position(tick) * plotH;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#e0e0e0\"/>%n", left, left + plotW, y, y));
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n", left - 6, y + 4, tickLabel(tick)));
        }
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%.1f\" stroke=\"#333\"/>%n", left, left, top, top + plotH));
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#333\"/>%n", left, left + plotW, top + plotH, top + plotH));

        double groupW = plotW / categories.size();
        double barW = Math.min(18, (groupW - 12) / Math.max(1, series.size()));
        int s = 0;
        for (Map.Entry<String, double[]> e : series.entrySet()) {
            String color = color(e.getKey(), s);
            for (int c = 0; c < categories.size(); c++) {
                double v = e.getValue()[c];
                if (Double.isNaN(v) || v <= 0) {
                    continue;
                }
                double h = Math.max(1, axis.position(v) * plotH);
                double x = left + c * groupW + (groupW - barW * series.size()) / 2 + s * barW;
                svg.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\">"
                        + "<title>%s %s: %s</title></rect>%n", x, top + plotH - h, barW - 1, h, color,
                        escape(e.getKey()), escape(categories.get(c)), tickLabel(v)));
            }
            s++;
        }
        if (referenceLine != null) {
            double y = top + plotH - axis.position(referenceLine) * plotH;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#d62728\" "
                    + "stroke-dasharray=\"6,4\"/>%n", left, left + plotW, y, y));
        }
        for (int c = 0; c < categories.size(); c++) {
            double x = left + c * groupW + groupW / 2;
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>%n",
                    x, top + plotH + 18, escape(categories.get(c))));
        }
        double lx = left;
        s = 0;
        for (String name : series.keySet()) {
            svg.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>%n",
                    lx, height - 34, color(name, s)));
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\">%s</text>%n", lx + 16, height - 24, escape(name)));
            lx += 30 + name.length() * 7.5;
            s++;
        }
        svg.append("</svg>\n");
        return svg.toString();
    }

    private static String color(String name, int index) {
        return COLORS.getOrDefault(name, PALETTE[index % PALETTE.length]);
    }

    private static String tickLabel(double v) {
        if (v >= 1000) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        if (v >= 10) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (v >= 1) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        return String.format(Locale.ROOT, "%.2f", v);
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /** Maps values to [0, 1] of the plot height and proposes grid lines. */
    private interface Axis {
        double position(double value);

        double[] ticks();

        static Axis linear(double max) {
            double step = niceStep(max / 5);
            double top = Math.ceil(max / step) * step;
            return new Axis() {
                public double position(double value) {
                    return value / top;
                }

                public double[] ticks() {
                    int n = (int) Math.round(top / step);
                    double[] t = new double[n + 1];
                    for (int i = 0; i <= n; i++) {
                        t[i] = i * step;
                    }
                    return t;
                }
            };
        }

        static Axis log(double min, double max) {
            double lo = Math.pow(10, Math.floor(Math.log10(min)));
            double hi = Math.pow(10, Math.ceil(Math.log10(max)));
            return new Axis() {
                public double position(double value) {
                    return (Math.log10(value) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo));
                }

                public double[] ticks() {
                    int n = (int) Math.round(Math.log10(hi / lo));
                    double[] t = new double[n + 1];
                    for (int i = 0; i <= n; i++) {
                        t[i] = lo * Math.pow(10, i);
                    }
                    return t;
                }
            };
        }

        private static double niceStep(double raw) {
            double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
            double r = raw / magnitude;
            return (r <= 1 ? 1 : r <= 2 ? 2 : r <= 5 ? 5 : 10) * magnitude;
        }
    }
}
