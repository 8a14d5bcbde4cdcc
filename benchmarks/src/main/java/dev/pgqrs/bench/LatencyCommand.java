package dev.pgqrs.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgqrs.bench.latency.LatencyContender;
import dev.pgqrs.bench.latency.LatencyMeasurement;
import dev.pgqrs.bench.latency.LatencyReport;
import dev.pgqrs.bench.latency.LatencyScenario;
import dev.pgqrs.bench.latency.LatencySettings;
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

@Command(name = "latency", mixinStandardHelpOptions = true,
        description = "A steady producer at fixed rates and one consumer: enqueue-to-processing p50/p95/p99 with "
                + "in-process wake-ups, LISTEN/NOTIFY and polling only; pgqrs next to the floor.")
final class LatencyCommand implements Callable<Integer> {

    @Mixin
    CommonOptions common;

    @Option(names = "--rates", split = ",", defaultValue = "500,2000", description = "Messages per second. Default: ${DEFAULT-VALUE}")
    List<Integer> rates;

    @Option(names = "--seconds", defaultValue = "10", description = "Recorded seconds per run. Default: ${DEFAULT-VALUE}")
    int seconds;

    @Option(names = "--warmup-seconds", defaultValue = "2", description = "Unrecorded seconds before. Default: ${DEFAULT-VALUE}")
    int warmupSeconds;

    @Option(names = "--poll-interval-ms", defaultValue = "250",
            description = "Idle consumer's wait before polling again (pgqrs's default). Default: ${DEFAULT-VALUE}")
    int pollIntervalMs;

    @Override
    public Integer call() throws Exception {
        LatencySettings settings = new LatencySettings(Duration.ofSeconds(seconds), Duration.ofSeconds(warmupSeconds),
                Duration.ofMillis(pollIntervalMs), 4, 10);
        try (BenchmarkSession session = new BenchmarkSession(common, BenchmarkCommand.commandLine())) {
            List<LatencyContender> contenders = LatencyScenario.allContenders();
            MachineInfo machine = session.machine();
            LatencyScenario scenario = new LatencyScenario(session.databases(), contenders, settings, session.repeats(),
                    session.progress());
            session.progress().plan(scenario.plannedRuns(session.backends(), rates));
            List<LatencyMeasurement> measurements = scenario.run(session.backends(), rates);
            session.progress().close();
            write(session, machine, settings, contenders, measurements);
            return measurements.stream().anyMatch(m -> m.received() < m.sent()) ? 2 : 0;
        }
    }

    static void write(BenchmarkSession session, MachineInfo machine, LatencySettings settings,
                      List<LatencyContender> contenders, List<LatencyMeasurement> measurements) {
        LatencyReport report = new LatencyReport(measurements);
        ResultsWriter out = session.writer();
        List<ResultTable> tables = new ArrayList<>();
        for (String backend : report.backends()) {
            tables.add(report.table(backend));
            out.svg("latency-" + backend + "-p50", report.chart(backend, "p50"));
            out.svg("latency-" + backend + "-p99", report.chart(backend, "p99"));
        }
        StringBuilder preamble = new StringBuilder("Contenders:\n\n");
        for (LatencyContender c : contenders) {
            preamble.append("- **").append(c.name()).append("**: ").append(c.description()).append('\n');
        }
        preamble.append("\nWake-up modes: **in-process signal** — producer and consumer share one pgqrs Store; "
                + "**LISTEN/NOTIFY** — two Stores standing for two processes, notifications on (PostgreSQL only); "
                + "**polling only** — two Stores, notifications off, the idle consumer polls every ")
                .append(settings.pollInterval().toMillis()).append(" ms. ")
                .append(settings.producers()).append(" producer threads share the schedule; the consumer fetches up to ")
                .append(settings.batch()).append(" messages at a time.\n");
        out.tables("latency", "Latency (steady producer, one consumer)", preamble.toString(), machine, session.command(), tables);
        ObjectNode root = out.newJson();
        root.put("scenario", "latency");
        root.put("command", session.command());
        root.set("machine", ResultsWriter.json().valueToTree(machine));
        root.set("settings", ResultsWriter.json().valueToTree(settings));
        root.set("summaries", ResultsWriter.json().valueToTree(report.summaries()));
        root.set("measurements", ResultsWriter.json().valueToTree(measurements));
        out.json("latency", root);
    }
}
