package dev.pgqrs.bench.steady;

import dev.pgqrs.bench.measure.Percentiles;
import dev.pgqrs.bench.measure.Stats;
import dev.pgqrs.bench.report.Format;
import dev.pgqrs.bench.report.ResultTable;
import dev.pgqrs.bench.report.SvgChart;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/** Steady-state tables and the capacity-knee chart: medians over repeats per backend and cell. */
public final class SteadyReport {

    /** Medians of one cell. */
    public record Summary(String backend, SteadyCell cell, int runs, double producedPerSec, double consumedPerSec,
                          double finalDepth, Percentiles enqueue, Percentiles dequeue, Percentiles archive,
                          Percentiles endToEnd, double commitsPerMessage, long errors, long duplicates) {
    }

    private final List<Summary> summaries = new ArrayList<>();

    public SteadyReport(List<SteadyMeasurement> measurements) {
        for (SteadyMeasurement first : measurements) {
            if (summaries.stream().anyMatch(s -> s.backend().equals(first.backend()) && s.cell().equals(first.cell()))) {
                continue;
            }
            List<SteadyMeasurement> runs = measurements.stream()
                    .filter(m -> m.backend().equals(first.backend()) && m.cell().equals(first.cell())).toList();
            summaries.add(new Summary(first.backend(), first.cell(), runs.size(),
                    median(runs, SteadyMeasurement::producedPerSec), median(runs, SteadyMeasurement::consumedPerSec),
                    median(runs, m -> m.finalDepth()),
                    Percentiles.median(runs.stream().map(SteadyMeasurement::enqueue).toList()),
                    Percentiles.median(runs.stream().map(SteadyMeasurement::dequeue).toList()),
                    Percentiles.median(runs.stream().map(SteadyMeasurement::archive).toList()),
                    Percentiles.median(runs.stream().map(SteadyMeasurement::endToEnd).toList()),
                    median(runs, SteadyMeasurement::commitsPerMessage),
                    runs.stream().mapToLong(SteadyMeasurement::errors).sum(),
                    runs.stream().mapToLong(SteadyMeasurement::duplicates).sum()));
        }
    }

    private static double median(List<SteadyMeasurement> runs, ToDoubleFunction<SteadyMeasurement> f) {
        return Stats.median(runs.stream().mapToDouble(f).toArray());
    }

    public List<Summary> summaries() {
        return summaries;
    }

    public List<String> backends() {
        return summaries.stream().map(Summary::backend).distinct().toList();
    }

    public ResultTable table(String backend, SteadySettings settings) {
        int repeats = summaries.stream().mapToInt(Summary::runs).max().orElse(1);
        ResultTable t = new ResultTable(title(backend) + ": " + settings.producers() + " producer(s) and N consumers for "
                + settings.duration().toSeconds() + " s, median of " + repeats,
                "cell", "produced/s", "consumed/s", "final depth", "enqueue p95 ms", "dequeue p95 ms", "archive p95 ms",
                "end-to-end p50 / p95 ms", "commits/msg", "errors", "dup");
        for (Summary s : summaries) {
            if (!s.backend().equals(backend)) {
                continue;
            }
            t.row(s.cell().label(), Format.rate(s.producedPerSec()), Format.rate(s.consumedPerSec()),
                    Format.count(s.finalDepth()), Format.ms(s.enqueue().p95()), Format.ms(s.dequeue().p95()),
                    Format.ms(s.archive().p95()), Format.ms(s.endToEnd().p50()) + " / " + Format.ms(s.endToEnd().p95()),
                    Format.perMessage(s.commitsPerMessage()), String.valueOf(s.errors()), String.valueOf(s.duplicates()));
        }
        t.note("c consumers, e messages per enqueue call, d per dequeue call. Producers enqueue as fast as they can; "
                + "a final depth that grows with the run means the consumers fall behind (the knee). End-to-end runs from "
                + "the start of the enqueue call to the consumer holding the message.");
        return t;
    }

    /** Consumed msg/s by consumer count, one series per (enqueue batch, dequeue batch): where the curve flattens. */
    public String kneeChart(String backend) {
        List<Summary> here = summaries.stream().filter(s -> s.backend().equals(backend)).toList();
        List<Integer> consumers = here.stream().map(s -> s.cell().consumers()).distinct().sorted().toList();
        SvgChart chart = new SvgChart(title(backend) + ": consumed msg/s by consumers (capacity knee)", "messages per second",
                consumers.stream().map(c -> c + (c == 1 ? " consumer" : " consumers")).toList());
        List<String> series = here.stream().map(s -> "e=" + s.cell().enqueueBatch() + " d=" + s.cell().dequeueBatch())
                .distinct().toList();
        for (String name : series) {
            chart.series(name, consumers.stream().mapToDouble(c -> here.stream()
                    .filter(s -> s.cell().consumers() == c
                            && ("e=" + s.cell().enqueueBatch() + " d=" + s.cell().dequeueBatch()).equals(name))
                    .findFirst().map(Summary::consumedPerSec).orElse(Double.NaN)).toArray());
        }
        return chart.render();
    }

    private static String title(String backend) {
        return backend.equals("postgres") ? "PostgreSQL" : "SQLite";
    }
}
