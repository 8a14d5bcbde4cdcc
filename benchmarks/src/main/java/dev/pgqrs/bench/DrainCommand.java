package dev.pgqrs.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
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

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "drain", mixinStandardHelpOptions = true,
        description = "The original's queue.drain_fixed_backlog: prefill a backlog, drain it with N consumers "
                + "fetching B messages at a time; pgqrs next to the hand-written floor, camel-sql and db-scheduler.")
final class DrainCommand implements Callable<Integer> {

    @Mixin
    CommonOptions common;

    @Mixin
    DrainMatrixOptions matrix;

    @Option(names = "--contenders", split = ",",
            description = "Subset to run (floor always runs): pgqrs, floor-minimal, floor-piggyback, pgqrs-piggyback, pgqrs-worker, "
                    + "camel-sql, camel-sql-batch, db-scheduler; pgqrs-priority, pgqrs-dedup, pgqrs-fifo-1, pgqrs-fifo-10, "
                    + "pgqrs-fifo-1000 (pgqrs with a priority, a dedup key or an ordering key of 1, 10 or 1,000 keys on every "
                    + "message), pgqrs-limit, pgqrs-rate (a concurrency or rate limit on the queue that does not bind) and "
                    + "pgqrs-worker-piggyback, pgqrs-worker-separate (the worker with piggybacked acks forced on or off) run "
                    + "only when named")
    List<String> only;

    @Override
    public Integer call() throws Exception {
        List<DrainContender> contenders = java.util.stream.Stream.concat(
                        DrainScenario.allContenders().stream()
                                .filter(c -> only == null || c.name().equals(DrainScenario.FLOOR) || only.contains(c.name())),
                        java.util.stream.Stream.concat(DrainScenario.featureContenders().stream(),
                                        DrainScenario.workerAckContenders().stream())
                                .filter(c -> only != null && only.contains(c.name())))
                .toList();
        return run(common, matrix, contenders, "drain", "pgqrs", "Drain (queue.drain_fixed_backlog)");
    }

    /** Runs a drain matrix with these contenders and writes {@code name}.json/.md and its charts. */
    static int run(CommonOptions common, DrainMatrixOptions matrix, List<DrainContender> contenders, String name,
                   String subject, String heading) throws Exception {
        DrainSettings settings = matrix.settings();
        try (BenchmarkSession session = new BenchmarkSession(common, BenchmarkCommand.commandLine())) {
            MachineInfo machine = session.machine();
            DrainScenario scenario = new DrainScenario(session.databases(), contenders, settings, session.repeats(),
                    session.progress());
            session.progress().plan(scenario.plannedRuns(session.backends(), matrix.cells()));
            List<DrainMeasurement> measurements = scenario.run(session.backends(), matrix.cells());
            session.progress().close();
            write(session, machine, settings, contenders, measurements, name, subject, heading);
            return measurements.stream().anyMatch(m -> m.duplicates() > 0 || m.lost() > 0) ? 2 : 0;
        }
    }

    private static void write(BenchmarkSession session, MachineInfo machine, DrainSettings settings,
                              List<DrainContender> contenders, List<DrainMeasurement> measurements, String name,
                              String subject, String heading) {
        DrainReport report = new DrainReport(measurements, settings, subject);
        ResultsWriter out = session.writer();
        List<ResultTable> tables = new ArrayList<>();
        for (String backend : report.backends()) {
            tables.add(report.detailTable(backend));
            tables.add(report.versusTable(backend));
            out.svg(name + "-" + backend + "-throughput", report.throughputChart(backend));
            out.svg(name + "-" + backend + "-ratio", report.ratioChart(backend));
        }
        StringBuilder preamble = new StringBuilder("Contenders:\n\n");
        for (DrainContender c : contenders) {
            preamble.append("- **").append(c.name()).append("**: ").append(c.description()).append('\n');
        }
        out.tables(name, heading, preamble.toString(), machine, session.command(), tables);
        ObjectNode root = out.newJson();
        root.put("scenario", name);
        root.put("command", session.command());
        root.set("machine", ResultsWriter.json().valueToTree(machine));
        root.set("settings", ResultsWriter.json().valueToTree(settings));
        root.set("summaries", ResultsWriter.json().valueToTree(report.summaries()));
        root.set("measurements", ResultsWriter.json().valueToTree(measurements));
        out.json(name, root);
    }
}
