package dev.pgqrs.bench.drain;

import dev.pgqrs.bench.measure.Stats;
import dev.pgqrs.bench.report.Format;
import dev.pgqrs.bench.report.ResultTable;
import dev.pgqrs.bench.report.SvgChart;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Turns drain measurements into the printed tables and the charts. */
public final class DrainReport {

    private final List<DrainMeasurement> measurements;
    private final List<DrainSummary> summaries;
    private final DrainSettings settings;
    private final String subject;

    /** @param subject the contender the "÷ each baseline" table is about (pgqrs, or camel-pgqrs) */
    public DrainReport(List<DrainMeasurement> measurements, DrainSettings settings, String subject) {
        this.measurements = measurements;
        this.summaries = DrainScenario.summarise(measurements);
        this.settings = settings;
        this.subject = subject;
    }

    public List<DrainSummary> summaries() {
        return summaries;
    }

    public List<String> backends() {
        return summaries.stream().map(DrainSummary::backend).distinct().toList();
    }

    private List<DrainCell> cells(String backend) {
        return summaries.stream().filter(s -> s.backend().equals(backend)).map(DrainSummary::cell).distinct().toList();
    }

    private List<String> contenders(String backend) {
        Set<String> names = new LinkedHashSet<>();
        names.add(DrainScenario.FLOOR);
        names.add("pgqrs");
        names.add(subject);
        summaries.stream().filter(s -> s.backend().equals(backend)).map(DrainSummary::contender).forEach(names::add);
        names.removeIf(n -> summaries.stream().noneMatch(s -> s.backend().equals(backend) && s.contender().equals(n)));
        return new ArrayList<>(names);
    }

    private Optional<DrainSummary> find(String backend, DrainCell cell, String contender) {
        return summaries.stream().filter(s -> s.backend().equals(backend) && s.cell().equals(cell)
                && s.contender().equals(contender)).findFirst();
    }

    /** Every contender in every cell: throughput, ratio to the floor, latencies, cost, correctness. */
    public ResultTable detailTable(String backend) {
        int repeats = summaries.stream().mapToInt(DrainSummary::runs).max().orElse(1);
        ResultTable t = new ResultTable(backendTitle(backend) + ": drain of " + Format.count(settings.messages())
                + " messages, median of " + repeats,
                "cell", "contender", "msg/s", "× floor", "drain s", "dequeue p50/p95/p99 ms", "ack p50/p95/p99 ms",
                "commits/msg", "WAL syncs/msg", "errors", "dup/lost");
        boolean anyCapped = false;
        for (DrainCell cell : cells(backend)) {
            boolean firstRow = true;
            for (String contender : contenders(backend)) {
                Optional<DrainSummary> found = find(backend, cell, contender);
                if (found.isEmpty()) {
                    continue;
                }
                DrainSummary s = found.get();
                anyCapped |= s.capped();
                t.row(firstRow ? cell.label() : "", contender, Format.rate(s.msgPerSec()),
                        contender.equals(DrainScenario.FLOOR) ? "1.00×" : ratioWithRange(s),
                        Format.seconds(s.seconds()) + (s.capped() ? "*" : ""),
                        Format.percentiles(s.dequeue()), Format.percentiles(s.ack()),
                        Format.perMessage(s.commitsPerMessage()), Format.perMessage(s.walSyncsPerMessage()),
                        String.valueOf(s.errors()), s.duplicates() + "/" + s.lost());
                firstRow = false;
            }
        }
        if (anyCapped) {
            t.note("* stopped by the time cap of " + settings.maxRunTime().toSeconds()
                    + " s before the backlog was drained; msg/s is measured over the messages acknowledged in that time.");
        }
        t.note("× floor: median over repeats of (contender msg/s ÷ floor msg/s in the same repeat); the range is min–max.");
        return t;
    }

    private static String ratioWithRange(DrainSummary s) {
        if (Double.isNaN(s.ratioToFloor())) {
            return Format.NONE;
        }
        if (s.runs() < 2) {
            return Format.ratio(s.ratioToFloor());
        }
        return Format.ratio(s.ratioToFloor()) + String.format(java.util.Locale.ROOT, " (%.2f–%.2f)", s.ratioMin(), s.ratioMax());
    }

    /** The subject against each baseline, cell by cell: how many times the other's throughput. */
    public ResultTable versusTable(String backend) {
        List<String> others = contenders(backend).stream().filter(c -> !c.equals(subject)).toList();
        List<String> headers = new ArrayList<>(List.of("cell", subject + " msg/s"));
        for (String other : others) {
            headers.add("÷ " + other);
        }
        ResultTable t = new ResultTable(backendTitle(backend) + ": " + subject
                + " throughput ÷ each baseline's (same repeat, median)", headers.toArray(String[]::new));
        for (DrainCell cell : cells(backend)) {
            List<String> row = new ArrayList<>();
            row.add(cell.label());
            row.add(find(backend, cell, subject).map(s -> Format.rate(s.msgPerSec())).orElse(Format.NONE));
            for (String other : others) {
                row.add(Format.ratio(pairedRatio(backend, cell, subject, other)));
            }
            t.row(row.toArray(String[]::new));
        }
        t.note("Above 1.00× " + subject + " is faster; below, slower.");
        return t;
    }

    /** Median over repeats of a's msg/s ÷ b's msg/s, both from the same repeat. */
    public double pairedRatio(String backend, DrainCell cell, String a, String b) {
        Map<Integer, Double> bByRepeat = new LinkedHashMap<>();
        for (DrainMeasurement m : measurements) {
            if (m.backend().equals(backend) && m.cell().equals(cell) && m.contender().equals(b)) {
                bByRepeat.put(m.repeat(), m.msgPerSec());
            }
        }
        double[] ratios = measurements.stream()
                .filter(m -> m.backend().equals(backend) && m.cell().equals(cell) && m.contender().equals(a)
                        && bByRepeat.containsKey(m.repeat()))
                .mapToDouble(m -> Stats.ratio(m.msgPerSec(), bByRepeat.get(m.repeat())))
                .toArray();
        return Stats.median(ratios);
    }

    public String throughputChart(String backend) {
        List<DrainCell> cells = cells(backend);
        SvgChart chart = new SvgChart(backendTitle(backend) + ": drain throughput (msg/s, log scale)", "messages per second",
                cells.stream().map(DrainCell::label).toList()).logScale();
        for (String contender : contenders(backend)) {
            chart.series(contender, cells.stream()
                    .mapToDouble(c -> find(backend, c, contender).map(DrainSummary::msgPerSec).orElse(Double.NaN)).toArray());
        }
        return chart.render();
    }

    public String ratioChart(String backend) {
        List<DrainCell> cells = cells(backend);
        SvgChart chart = new SvgChart(backendTitle(backend) + ": throughput ÷ floor (same repeat, median)", "× floor",
                cells.stream().map(DrainCell::label).toList()).referenceLine(1.0);
        for (String contender : contenders(backend)) {
            if (contender.equals(DrainScenario.FLOOR)) {
                continue;
            }
            chart.series(contender, cells.stream()
                    .mapToDouble(c -> find(backend, c, contender).map(DrainSummary::ratioToFloor).orElse(Double.NaN)).toArray());
        }
        return chart.render();
    }

    static String backendTitle(String backend) {
        return backend.equals("postgres") ? "PostgreSQL" : backend.equals("sqlite") ? "SQLite" : backend;
    }
}
