package dev.pgqrs.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgqrs.bench.report.MachineInfo;
import dev.pgqrs.bench.report.ResultTable;
import dev.pgqrs.bench.report.ResultsWriter;
import dev.pgqrs.bench.scale.ScaleCell;
import dev.pgqrs.bench.scale.ScaleMeasurement;
import dev.pgqrs.bench.scale.ScaleReport;
import dev.pgqrs.bench.scale.ScaleScenario;
import dev.pgqrs.bench.scale.ScaleSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "scale", mixinStandardHelpOptions = true,
        description = "The queue at scale: queues().metrics() latency, drain msg/s and dequeue p99 on a fresh queue and "
                + "with a large archived history and/or pending backlog, as ratios to the fresh queue.")
final class ScaleCommand implements Callable<Integer> {

    @Mixin
    CommonOptions common;

    @Option(names = "--history", split = ",", defaultValue = "0,2000000", description = "Archived rows. Default: ${DEFAULT-VALUE}")
    List<Long> history;

    @Option(names = "--backlog", split = ",", defaultValue = "0,2000000", description = "Pending rows. Default: ${DEFAULT-VALUE}")
    List<Long> backlog;

    @Option(names = "--messages", defaultValue = "20000", description = "Messages drained per run. Default: ${DEFAULT-VALUE}")
    int messages;

    @Option(names = "--consumers", defaultValue = "4", description = "Default: ${DEFAULT-VALUE}")
    int consumers;

    @Option(names = "--batch", defaultValue = "50", description = "Default: ${DEFAULT-VALUE}")
    int batch;

    @Option(names = "--metrics-calls", defaultValue = "20", description = "Timed metrics() calls per run. Default: ${DEFAULT-VALUE}")
    int metricsCalls;

    @Override
    public Integer call() throws Exception {
        ScaleSettings settings = new ScaleSettings(messages, consumers, batch, metricsCalls);
        List<ScaleCell> cells = new ArrayList<>();
        cells.add(new ScaleCell(0, 0)); // the baseline of every repeat, first
        for (long h : history) {
            for (long b : backlog) {
                if (h != 0 || b != 0) {
                    cells.add(new ScaleCell(h, b));
                }
            }
        }
        try (BenchmarkSession session = new BenchmarkSession(common, BenchmarkCommand.commandLine())) {
            MachineInfo machine = session.machine();
            ScaleScenario scenario = new ScaleScenario(session.databases(), settings, session.repeats(), session.progress());
            session.progress().plan(scenario.plannedRuns(session.backends(), cells));
            List<ScaleMeasurement> measurements = scenario.run(session.backends(), cells);
            session.progress().close();

            ScaleReport report = new ScaleReport(measurements);
            List<ResultTable> tables = new ArrayList<>();
            for (String backend : report.backends()) {
                tables.add(report.table(backend, settings));
            }
            ResultsWriter out = session.writer();
            out.tables("scale", "Scale (history and backlog)", "pgqrs through its public API with default settings.\n",
                    machine, session.command(), tables);
            ObjectNode root = out.newJson();
            root.put("scenario", "scale");
            root.put("command", session.command());
            root.set("machine", ResultsWriter.json().valueToTree(machine));
            root.set("settings", ResultsWriter.json().valueToTree(settings));
            root.set("summaries", ResultsWriter.json().valueToTree(report.summaries()));
            root.set("measurements", ResultsWriter.json().valueToTree(measurements));
            out.json("scale", root);
            return measurements.stream().anyMatch(m -> m.errors() > 0 || m.drained() < messages) ? 2 : 0;
        }
    }
}
