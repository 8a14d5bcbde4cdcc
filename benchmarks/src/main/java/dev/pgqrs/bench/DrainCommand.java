package dev.pgqrs.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgqrs.bench.drain.DrainCell;
import dev.pgqrs.bench.drain.DrainContender;
import dev.pgqrs.bench.drain.DrainMeasurement;
import dev.pgqrs.bench.drain.DrainReport;
import dev.pgqrs.bench.drain.DrainScenario;
import dev.pgqrs.bench.drain.DrainSettings;
import dev.pgqrs.bench.report.MachineInfo;
import dev.pgqrs.bench.report.ResultTable;
import dev.pgqrs.bench.report.ResultsWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "drain", mixinStandardHelpOptions = true,
        description = "The original's queue.drain_fixed_backlog: prefill a backlog, drain it with N consumers "
                + "fetching B messages at a time; pgqrs next to the hand-written floor, camel-sql and db-scheduler.")
final class DrainCommand implements Callable<Integer> {

    @Mixin
    CommonOptions common;

    @Option(names = "--messages", defaultValue = "50000", description = "Backlog size. Default: ${DEFAULT-VALUE}")
    int messages;

    @Option(names = "--consumers", split = ",", defaultValue = "1,2,4", description = "Default: ${DEFAULT-VALUE}")
    List<Integer> consumers;

    @Option(names = "--batch", split = ",", defaultValue = "1,10,50", description = "Default: ${DEFAULT-VALUE}")
    List<Integer> batches;

    @Option(names = "--max-run-seconds", defaultValue = "15",
            description = "Time cap of one drain run; a capped run reports msg/s over what it drained. Default: ${DEFAULT-VALUE}")
    int maxRunSeconds;

    @Option(names = "--warmup-messages", defaultValue = "5000",
            description = "Backlog of one unrecorded warm-up run per contender and backend (0: none). Default: ${DEFAULT-VALUE}")
    int warmupMessages;

    @Option(names = "--contenders", split = ",",
            description = "Subset to run (floor always runs): pgqrs, floor-piggyback, camel-sql, db-scheduler")
    List<String> only;

    @Override
    public Integer call() throws Exception {
        DrainSettings settings = new DrainSettings(messages, Duration.ofSeconds(maxRunSeconds), warmupMessages);
        List<DrainCell> cells = new ArrayList<>();
        for (int c : consumers) {
            for (int b : batches) {
                cells.add(new DrainCell(c, b));
            }
        }
        try (BenchmarkSession session = new BenchmarkSession(common, BenchmarkCommand.commandLine())) {
            List<DrainContender> contenders = DrainScenario.allContenders().stream()
                    .filter(c -> only == null || c.name().equals(DrainScenario.FLOOR) || only.contains(c.name()))
                    .toList();
            MachineInfo machine = session.machine();
            DrainScenario scenario = new DrainScenario(session.databases(), contenders, settings, session.repeats(),
                    session.progress());
            session.progress().plan(scenario.plannedRuns(session.backends(), cells));
            List<DrainMeasurement> measurements = scenario.run(session.backends(), cells);
            session.progress().close();
            write(session, machine, settings, contenders, measurements);
            return measurements.stream().anyMatch(m -> m.duplicates() > 0 || m.lost() > 0) ? 2 : 0;
        }
    }

    static void write(BenchmarkSession session, MachineInfo machine, DrainSettings settings, List<DrainContender> contenders,
                      List<DrainMeasurement> measurements) {
        DrainReport report = new DrainReport(measurements, settings);
        ResultsWriter out = session.writer();
        List<ResultTable> tables = new ArrayList<>();
        for (String backend : report.backends()) {
            tables.add(report.detailTable(backend));
            tables.add(report.pgqrsVersusTable(backend));
            out.svg("drain-" + backend + "-throughput", report.throughputChart(backend));
            out.svg("drain-" + backend + "-ratio", report.ratioChart(backend));
        }
        StringBuilder preamble = new StringBuilder("Contenders:\n\n");
        for (DrainContender c : contenders) {
            preamble.append("- **").append(c.name()).append("**: ").append(c.description()).append('\n');
        }
        out.tables("drain", "Drain (queue.drain_fixed_backlog)", preamble.toString(), machine, session.command(), tables);
        ObjectNode root = out.newJson();
        root.put("scenario", "drain");
        root.put("command", session.command());
        root.set("machine", ResultsWriter.json().valueToTree(machine));
        root.set("settings", ResultsWriter.json().valueToTree(settings));
        root.set("summaries", ResultsWriter.json().valueToTree(report.summaries()));
        root.set("measurements", ResultsWriter.json().valueToTree(measurements));
        out.json("drain", root);
    }
}
