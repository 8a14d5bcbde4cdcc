package dev.pgqrs.bench.workflow;

import dev.pgqrs.bench.measure.Stats;
import dev.pgqrs.bench.report.Format;
import dev.pgqrs.bench.report.ResultTable;
import dev.pgqrs.bench.report.SvgChart;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/** Workflow tables and charts: medians over repeats, pgqrs ÷ DBOS per repeat. */
public final class WorkflowReport {

    /** Medians of one contender at one step count. */
    public record Summary(String backend, String contender, int steps, int runs, boolean capped, double runsPerSec,
                          double stepsPerSec, double commitsPerRun, double commitsPerStep, double walSyncsPerStep,
                          double triggerShare,
                          double runsPerSecRatioToDbos, double runsPerSecRatioToDbosDirect,
                          double runsPerSecRatioToDbosDirectBounded, double runsPerSecRatioToFloorDirect,
                          double runsPerSecRatioToFloorQueued, double runsPerSecRatioToFloorSchema, long errors) {
    }

    private final List<WorkflowMeasurement> measurements;
    private final List<Summary> summaries = new ArrayList<>();

    public WorkflowReport(List<WorkflowMeasurement> measurements) {
        this.measurements = measurements;
        for (WorkflowMeasurement first : measurements) {
            if (summaries.stream().anyMatch(s -> s.backend().equals(first.backend()) && s.contender().equals(first.contender())
                    && s.steps() == first.steps())) {
                continue;
            }
            List<WorkflowMeasurement> runs = measurements.stream().filter(m -> m.backend().equals(first.backend())
                    && m.contender().equals(first.contender()) && m.steps() == first.steps()).toList();
            summaries.add(new Summary(first.backend(), first.contender(), first.steps(), runs.size(),
                    runs.stream().anyMatch(WorkflowMeasurement::capped),
                    median(runs, WorkflowMeasurement::runsPerSec), median(runs, WorkflowMeasurement::stepsPerSec),
                    median(runs, WorkflowMeasurement::commitsPerRun), median(runs, WorkflowMeasurement::commitsPerStep),
                    median(runs, WorkflowMeasurement::walSyncsPerStep), median(runs, WorkflowMeasurement::triggerShare),
                    ratioTo(runs, "dbos"), ratioTo(runs, "dbos-direct"),
                    ratioTo(runs, "dbos-direct-bounded"), ratioTo(runs, "floor-direct"), ratioTo(runs, "floor-queued"),
                    ratioTo(runs, "floor-schema"),
                    runs.stream().mapToLong(WorkflowMeasurement::errors).sum()));
        }
    }

    private static double median(List<WorkflowMeasurement> runs, ToDoubleFunction<WorkflowMeasurement> f) {
        return Stats.median(runs.stream().mapToDouble(f).toArray());
    }

    private double ratioTo(List<WorkflowMeasurement> runs, String baseline) {
        return Stats.median(runs.stream().mapToDouble(m -> measurements.stream()
                .filter(d -> d.contender().equals(baseline) && d.backend().equals(m.backend()) && d.steps() == m.steps()
                        && d.repeat() == m.repeat())
                .findFirst().map(d -> Stats.ratio(m.runsPerSec(), d.runsPerSec())).orElse(Double.NaN)).toArray());
    }

    public List<Summary> summaries() {
        return summaries;
    }

    public List<String> backends() {
        return summaries.stream().map(Summary::backend).distinct().toList();
    }

    public ResultTable table(String backend, WorkflowSettings settings) {
        int repeats = summaries.stream().mapToInt(Summary::runs).max().orElse(1);
        ResultTable t = new ResultTable((backend.equals("postgres") ? "PostgreSQL" : "SQLite") + ": " + settings.runs()
                + " runs of N steps, concurrency " + settings.concurrency() + ", median of " + repeats,
                "steps", "contender", "runs/s", "steps/s", "× dbos", "× dbos-direct-bounded", "× dbos-direct", "× floor-direct",
                "× floor-queued", "× floor-schema", "commits/run",
                "commits/step", "WAL syncs/step", "triggers done", "errors");
        int lastSteps = -1;
        boolean anyCapped = false;
        for (Summary s : summaries) {
            if (!s.backend().equals(backend)) {
                continue;
            }
            anyCapped |= s.capped();
            t.row(s.steps() != lastSteps ? String.valueOf(s.steps()) : "", s.contender(),
                    Format.rate(s.runsPerSec()) + (s.capped() ? "*" : ""), Format.rate(s.stepsPerSec()),
                    s.contender().equals("dbos") ? "1.00×" : Format.ratio(s.runsPerSecRatioToDbos()),
                    s.contender().equals("dbos-direct-bounded") ? "1.00×" : Format.ratio(s.runsPerSecRatioToDbosDirectBounded()),
                    s.contender().equals("dbos-direct") ? "1.00×" : Format.ratio(s.runsPerSecRatioToDbosDirect()),
                    s.contender().equals("floor-direct") ? "1.00×" : Format.ratio(s.runsPerSecRatioToFloorDirect()),
                    s.contender().equals("floor-queued") ? "1.00×" : Format.ratio(s.runsPerSecRatioToFloorQueued()),
                    s.contender().equals("floor-schema") ? "1.00×" : Format.ratio(s.runsPerSecRatioToFloorSchema()),
                    Format.perMessage(s.commitsPerRun()), Format.perMessage(s.commitsPerStep()),
                    Format.perMessage(s.walSyncsPerStep()),
                    Format.percent(s.triggerShare()), String.valueOf(s.errors()));
            lastSteps = s.steps();
        }
        t.note("× dbos, × dbos-direct-bounded, × dbos-direct: median over repeats of (runs/s ÷ that DBOS variant's runs/s "
                + "in the same repeat). Like for like: pgqrs × dbos-direct-bounded (both " + settings.concurrency()
                + " runs at once) and pgqrs-wide × dbos-direct (neither held to the scenario's concurrency). Commits include the "
                + "trigger, the claim, every step and the completion, and the engines' own polling and heartbeats. "
                + "Triggers done: when the last of the " + settings.triggerThreads() + " trigger threads' calls returned, "
                + "as a share of the run's time; near 100 % the triggers, not the engine's execution, set the pace. "
                + "× floor-direct, × floor-queued: the same against the hand-written floors (the fewest commits a run "
                + "started directly, or queued and claimed, can make, on narrow tables of their own): what this machine "
                + "allows any engine. × floor-schema: against floor-queued's statements on the tables pgqrs shares with "
                + "pgqrs for Rust and Python: what that row model allows.");
        if (anyCapped) {
            t.note("* stopped by the time cap of " + settings.maxRunTime().toSeconds() + " s; rates are over the runs completed.");
        }
        return t;
    }

    public String chart(String backend) {
        List<Summary> here = summaries.stream().filter(s -> s.backend().equals(backend)).toList();
        List<Integer> steps = here.stream().map(Summary::steps).distinct().toList();
        SvgChart chart = new SvgChart((backend.equals("postgres") ? "PostgreSQL" : "SQLite")
                + ": completed workflow steps per second", "steps per second",
                steps.stream().map(s -> s + (s == 1 ? " step" : " steps")).toList());
        for (String contender : here.stream().map(Summary::contender).distinct().toList()) {
            chart.series(contender, steps.stream().mapToDouble(n -> here.stream()
                    .filter(s -> s.contender().equals(contender) && s.steps() == n).findFirst()
                    .map(Summary::stepsPerSec).orElse(Double.NaN)).toArray());
        }
        return chart.render();
    }
}
