package dev.pgqrs.bench.latency;

import dev.pgqrs.bench.measure.Percentiles;
import dev.pgqrs.bench.measure.Stats;
import dev.pgqrs.bench.report.Format;
import dev.pgqrs.bench.report.ResultTable;
import dev.pgqrs.bench.report.SvgChart;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/** Latency tables (median over repeats, ratios to the floor of the same repeat) and charts. */
public final class LatencyReport {

    /** The medians of one contender in one cell. */
    public record Summary(String backend, String wakeUp, int rate, String contender, int runs, double achievedRate,
                          Percentiles latency, double p50RatioToFloor, double p99RatioToFloor, long errors) {
    }

    private final List<LatencyMeasurement> measurements;
    private final List<Summary> summaries = new ArrayList<>();

    public LatencyReport(List<LatencyMeasurement> measurements) {
        this.measurements = measurements;
        for (LatencyMeasurement first : measurements) {
            if (summaries.stream().anyMatch(s -> same(s, first))) {
                continue;
            }
            List<LatencyMeasurement> runs = measurements.stream().filter(m -> same(m, first)).toList();
            summaries.add(new Summary(first.backend(), first.wakeUp(), first.rate(), first.contender(), runs.size(),
                    Stats.median(runs.stream().mapToDouble(LatencyMeasurement::achievedRate).toArray()),
                    Percentiles.median(runs.stream().map(LatencyMeasurement::latency).toList()),
                    ratioToFloor(runs, p -> p.p50()), ratioToFloor(runs, p -> p.p99()),
                    runs.stream().mapToLong(LatencyMeasurement::errors).sum()));
        }
    }

    private static boolean same(Summary s, LatencyMeasurement m) {
        return s.backend().equals(m.backend()) && s.wakeUp().equals(m.wakeUp()) && s.rate() == m.rate()
                && s.contender().equals(m.contender());
    }

    private static boolean same(LatencyMeasurement a, LatencyMeasurement b) {
        return a.backend().equals(b.backend()) && a.wakeUp().equals(b.wakeUp()) && a.rate() == b.rate()
                && a.contender().equals(b.contender());
    }

    /**
     * The median over repeats of {@code what} ÷ the same figure of the best floor of that repeat's cell: on
     * LISTEN/NOTIFY the floor runs with a NOTIFY per enqueue and debounced, and the better of the two is the bar.
     */
    private double ratioToFloor(List<LatencyMeasurement> runs, ToDoubleFunction<Percentiles> what) {
        double[] ratios = runs.stream().mapToDouble(m -> measurements.stream()
                .filter(f -> f.contender().startsWith("floor") && f.repeat() == m.repeat() && f.backend().equals(m.backend())
                        && f.wakeUp().equals(m.wakeUp()) && f.rate() == m.rate())
                .mapToDouble(f -> what.applyAsDouble(f.latency())).min()
                .stream().map(best -> Stats.ratio(what.applyAsDouble(m.latency()), best))
                .findFirst().orElse(Double.NaN)).toArray();
        return Stats.median(ratios);
    }

    public List<Summary> summaries() {
        return summaries;
    }

    public List<String> backends() {
        return summaries.stream().map(Summary::backend).distinct().toList();
    }

    public ResultTable table(String backend) {
        int repeats = summaries.stream().mapToInt(Summary::runs).max().orElse(1);
        ResultTable t = new ResultTable((backend.equals("postgres") ? "PostgreSQL" : "SQLite")
                + ": enqueue-to-processing latency, one consumer, median of " + repeats,
                "wake-up", "rate/s", "contender", "achieved/s", "p50 / p95 / p99 ms", "max ms", "p50 × floor",
                "p99 × floor", "errors");
        String lastCell = "";
        for (Summary s : summaries) {
            if (!s.backend().equals(backend)) {
                continue;
            }
            String cell = s.wakeUp() + "|" + s.rate();
            boolean first = !cell.equals(lastCell);
            lastCell = cell;
            t.row(first ? WakeUp.valueOf(s.wakeUp().toUpperCase(Locale.ROOT)).label() : "", first ? String.valueOf(s.rate()) : "",
                    s.contender(), Format.rate(s.achievedRate()), Format.percentiles(s.latency()), Format.ms(s.latency().max()),
                    Format.ratio(s.p50RatioToFloor()), Format.ratio(s.p99RatioToFloor()),
                    String.valueOf(s.errors()));
        }
        t.note("Latency runs from the scheduled send time to the consumer holding the message. "
                + "× floor is against the best floor of the cell (on LISTEN/NOTIFY the better of a NOTIFY per enqueue "
                + "and the debounced NOTIFY); below 1.00 means faster (lower latency) than it.");
        return t;
    }

    public String chart(String backend, String percentile) {
        List<Summary> here = summaries.stream().filter(s -> s.backend().equals(backend)).toList();
        List<String> cells = here.stream().map(s -> s.wakeUp() + " @" + s.rate()).distinct().toList();
        SvgChart chart = new SvgChart((backend.equals("postgres") ? "PostgreSQL" : "SQLite") + ": enqueue-to-processing "
                + percentile + " (ms, log scale)", percentile + " latency, ms", cells).logScale();
        for (String contender : here.stream().map(Summary::contender).distinct().toList()) {
            chart.series(contender, cells.stream().mapToDouble(cell -> here.stream()
                    .filter(s -> s.contender().equals(contender) && (s.wakeUp() + " @" + s.rate()).equals(cell))
                    .findFirst().map(s -> percentile.equals("p50") ? s.latency().p50() : s.latency().p99())
                    .orElse(Double.NaN)).toArray());
        }
        return chart.render();
    }
}
