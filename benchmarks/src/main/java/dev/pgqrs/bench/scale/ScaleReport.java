package dev.pgqrs.bench.scale;

import dev.pgqrs.bench.measure.Percentiles;
import dev.pgqrs.bench.measure.Stats;
import dev.pgqrs.bench.report.Format;
import dev.pgqrs.bench.report.ResultTable;

import java.util.ArrayList;
import java.util.List;

/** Scale tables: per size, metrics() latency and the drain as a ratio to the fresh queue of the same repeat. */
public final class ScaleReport {

    /** Medians of one size. */
    public record Summary(String backend, ScaleCell cell, int runs, double prefillSeconds, Percentiles metrics,
                          Percentiles estimatedMetrics, double estimateError, double drainMsgPerSec, double drainRatioToFresh, Percentiles dequeue, long errors) {
    }

    private final List<ScaleMeasurement> measurements;
    private final List<Summary> summaries = new ArrayList<>();

    public ScaleReport(List<ScaleMeasurement> measurements) {
        this.measurements = measurements;
        for (ScaleMeasurement first : measurements) {
            if (summaries.stream().anyMatch(s -> s.backend().equals(first.backend()) && s.cell().equals(first.cell()))) {
                continue;
            }
            List<ScaleMeasurement> runs = measurements.stream()
                    .filter(m -> m.backend().equals(first.backend()) && m.cell().equals(first.cell())).toList();
            summaries.add(new Summary(first.backend(), first.cell(), runs.size(),
                    Stats.median(runs.stream().mapToDouble(ScaleMeasurement::prefillSeconds).toArray()),
                    Percentiles.median(runs.stream().map(ScaleMeasurement::metrics).toList()),
                    Percentiles.median(runs.stream().map(ScaleMeasurement::estimatedMetrics).toList()),
                    runs.stream().mapToDouble(ScaleMeasurement::estimateError).max().orElse(Double.NaN),
                    Stats.median(runs.stream().mapToDouble(ScaleMeasurement::drainMsgPerSec).toArray()),
                    ratioToFresh(runs), Percentiles.median(runs.stream().map(ScaleMeasurement::dequeue).toList()),
                    runs.stream().mapToLong(ScaleMeasurement::errors).sum()));
        }
    }

    private double ratioToFresh(List<ScaleMeasurement> runs) {
        return Stats.median(runs.stream().mapToDouble(m -> measurements.stream()
                .filter(f -> f.cell().fresh() && f.backend().equals(m.backend()) && f.repeat() == m.repeat())
                .findFirst().map(f -> Stats.ratio(m.drainMsgPerSec(), f.drainMsgPerSec())).orElse(Double.NaN))
                .toArray());
    }

    public List<Summary> summaries() {
        return summaries;
    }

    public List<String> backends() {
        return summaries.stream().map(Summary::backend).distinct().toList();
    }

    public ResultTable table(String backend, ScaleSettings settings) {
        int repeats = summaries.stream().mapToInt(Summary::runs).max().orElse(1);
        ResultTable t = new ResultTable((backend.equals("postgres") ? "PostgreSQL" : "SQLite") + ": the queue at scale, "
                + "median of " + repeats, "size", "fill s", "metrics() p50 / max ms",
                "estimatedMetrics() p50 / max ms", "estimate error", "drain msg/s", "× fresh queue",
                "dequeue p50 / p95 / p99 ms", "errors");
        for (Summary s : summaries) {
            if (!s.backend().equals(backend)) {
                continue;
            }
            t.row(s.cell().label(), Format.seconds(s.prefillSeconds()),
                    Format.ms(s.metrics().p50()) + " / " + Format.ms(s.metrics().max()),
                    Format.ms(s.estimatedMetrics().p50()) + " / " + Format.ms(s.estimatedMetrics().max()),
                    String.format(java.util.Locale.ROOT, "%.1f %%", 100 * s.estimateError()), Format.rate(s.drainMsgPerSec()),
                    s.cell().fresh() ? "1.00×" : Format.ratio(s.drainRatioToFresh()), Format.percentiles(s.dequeue()),
                    String.valueOf(s.errors()));
        }
        t.note("Each run fills its queue by SQL (archived history, then pending backlog), settles it, times "
                + settings.metricsCalls() + " queues().metrics() calls, each followed by one queues().estimatedMetrics() "
                + "(exact up to " + dev.pgqrs.Queues.DEFAULT_EXACT_UP_TO + " rows of each kind, estimated past it; estimate error: the largest relative error "
                + "of its total, pending and archived against metrics(), worst of the repeats), then drains " + settings.messages() + " messages with "
                + settings.consumers() + " consumer(s) fetching " + settings.batch() + " at a time. × fresh queue: drain msg/s ÷ "
                + "the fresh queue's in the same repeat.");
        return t;
    }
}
