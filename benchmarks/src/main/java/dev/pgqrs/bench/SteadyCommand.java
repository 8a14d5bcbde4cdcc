package dev.pgqrs.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgqrs.bench.report.MachineInfo;
import dev.pgqrs.bench.report.ResultTable;
import dev.pgqrs.bench.report.ResultsWriter;
import dev.pgqrs.bench.steady.SteadyCell;
import dev.pgqrs.bench.steady.SteadyMeasurement;
import dev.pgqrs.bench.steady.SteadyReport;
import dev.pgqrs.bench.steady.SteadyScenario;
import dev.pgqrs.bench.steady.SteadySettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * The original's steady state ({@code steady}: 1 producer, 1 consumer, batches of 10 for 30 s) and capacity knee
 * ({@code knee}: the same with consumers 1, 2, 4, 8 × enqueue batch × dequeue batch): one command, two sets of
 * defaults.
 */
@Command(name = "steady", mixinStandardHelpOptions = true,
        description = "The original's steady state: producers and consumers at once for a fixed time; completed msg/s, "
                + "p95 latencies, final depth. With several consumers and batch sizes it is the capacity knee (see knee).")
final class SteadyCommand implements Callable<Integer> {

    @Mixin
    CommonOptions common;

    @Option(names = "--consumers", split = ",", defaultValue = "1", description = "Default: ${DEFAULT-VALUE}")
    List<Integer> consumers;

    @Option(names = "--enqueue-batch", split = ",", defaultValue = "10", description = "Default: ${DEFAULT-VALUE}")
    List<Integer> enqueueBatches;

    @Option(names = "--dequeue-batch", split = ",", defaultValue = "10", description = "Default: ${DEFAULT-VALUE}")
    List<Integer> dequeueBatches;

    @Option(names = "--producers", defaultValue = "1", description = "Default: ${DEFAULT-VALUE}")
    int producers;

    @Option(names = "--seconds", defaultValue = "30", description = "Length of one measured run. Default: ${DEFAULT-VALUE}")
    int seconds;

    @Option(names = "--warmup-seconds", defaultValue = "5", description = "One unrecorded run per backend. Default: ${DEFAULT-VALUE}")
    int warmupSeconds;

    @Override
    public Integer call() throws Exception {
        return run(common, consumers, enqueueBatches, dequeueBatches, producers, seconds, warmupSeconds, "steady",
                "Steady state (producers and consumers at once)");
    }

    /** Runs the matrix and writes {@code scenario}.json/.md (and, with several consumer counts, its knee charts). */
    static int run(CommonOptions common, List<Integer> consumers, List<Integer> enqueueBatches, List<Integer> dequeueBatches,
                   int producers, int seconds, int warmupSeconds, String scenario, String heading) throws Exception {
        SteadySettings settings = new SteadySettings(Duration.ofSeconds(seconds), Duration.ofSeconds(warmupSeconds), producers);
        List<SteadyCell> cells = new ArrayList<>();
        for (int c : consumers) {
            for (int e : enqueueBatches) {
                for (int d : dequeueBatches) {
                    cells.add(new SteadyCell(c, e, d));
                }
            }
        }
        try (BenchmarkSession session = new BenchmarkSession(common, BenchmarkCommand.commandLine())) {
            MachineInfo machine = session.machine();
            SteadyScenario runs = new SteadyScenario(session.databases(), settings, session.repeats(), session.progress());
            session.progress().plan(runs.plannedRuns(session.backends(), cells));
            List<SteadyMeasurement> measurements = runs.run(session.backends(), cells);
            session.progress().close();

            SteadyReport report = new SteadyReport(measurements);
            ResultsWriter out = session.writer();
            List<ResultTable> tables = new ArrayList<>();
            for (String backend : report.backends()) {
                tables.add(report.table(backend, settings));
                if (consumers.size() > 1) {
                    out.svg(scenario + "-" + backend + "-knee", report.kneeChart(backend));
                }
            }
            String preamble = "pgqrs through its public API with default settings: " + producers + " producer thread(s) "
                    + "calling enqueueBatch as fast as they can, N consumer threads calling dequeue(batch) then "
                    + "archive(ids), waiting for the store's wake-up when a dequeue comes back empty.\n";
            out.tables(scenario, heading, preamble, machine, session.command(), tables);
            ObjectNode root = out.newJson();
            root.put("scenario", scenario);
            root.put("command", session.command());
            root.set("machine", ResultsWriter.json().valueToTree(machine));
            root.set("settings", ResultsWriter.json().valueToTree(settings));
            root.set("summaries", ResultsWriter.json().valueToTree(report.summaries()));
            root.set("measurements", ResultsWriter.json().valueToTree(measurements));
            out.json(scenario, root);
            return measurements.stream().anyMatch(m -> m.errors() > 0 || m.duplicates() > 0) ? 2 : 0;
        }
    }
}
