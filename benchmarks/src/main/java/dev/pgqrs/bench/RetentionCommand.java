package dev.pgqrs.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgqrs.bench.report.MachineInfo;
import dev.pgqrs.bench.report.ResultTable;
import dev.pgqrs.bench.report.ResultsWriter;
import dev.pgqrs.bench.retention.RetentionScenario;
import dev.pgqrs.config.Backend;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "retention", mixinStandardHelpOptions = true,
        description = "What pruning costs the hot path: consumers drain a backlog while retention deletes a million "
                + "archived rows of another queue, slice by slice, each window with pruning followed by one as long "
                + "without it, in the same run.")
final class RetentionCommand implements Callable<Integer> {

    @Mixin
    CommonOptions common;

    @Option(names = "--consumers", defaultValue = "2", description = "Draining consumers. Default: ${DEFAULT-VALUE}")
    int consumers;

    @Option(names = "--batch", defaultValue = "10", description = "Messages per dequeue. Default: ${DEFAULT-VALUE}")
    int batch;

    @Option(names = "--archived", defaultValue = "1000000", description = "Archived rows to prune. Default: ${DEFAULT-VALUE}")
    long archived;

    @Option(names = "--backlog", defaultValue = "600000",
            description = "Pending messages for the consumers (enough for every window). Default: ${DEFAULT-VALUE}")
    long backlog;

    @Option(names = "--warm-up-seconds", defaultValue = "60",
            description = "Drain this long before the first window, not counted. Default: ${DEFAULT-VALUE}")
    long warmUpSeconds;

    @Option(names = "--first-window-seconds", defaultValue = "30",
            description = "Length of the first window without pruning (each later one is as long as the window with "
                    + "pruning before it). Default: ${DEFAULT-VALUE}")
    long firstWindowSeconds;

    @Option(names = "--slices", defaultValue = "8",
            description = "Slices the archived rows are pruned in, oldest first, one window each. Default: ${DEFAULT-VALUE}")
    int slices;

    @Option(names = "--retention-batch-size", defaultValue = "1000", description = "retention_batch_size. Default: ${DEFAULT-VALUE}")
    int batchSize;

    @Option(names = "--retention-batch-pause", defaultValue = "10", description = "retention_batch_pause in ms. Default: ${DEFAULT-VALUE}")
    long pauseMillis;

    @Option(names = "--retention-share", defaultValue = "0.05", description = "retention_share. Default: ${DEFAULT-VALUE}")
    double share;

    @Override
    public Integer call() throws Exception {
        try (BenchmarkSession session = new BenchmarkSession(common, BenchmarkCommand.commandLine())) {
            MachineInfo machine = session.machine();
            RetentionScenario scenario = new RetentionScenario(session.databases(), consumers, batch, archived, backlog,
                    batchSize, Duration.ofMillis(pauseMillis), share, Duration.ofSeconds(warmUpSeconds), Duration.ofSeconds(firstWindowSeconds), slices);
            List<RetentionScenario.Measurement> all = new ArrayList<>();
            List<ResultTable> tables = new ArrayList<>();
            for (Backend backend : session.backends()) {
                String name = backend.name().toLowerCase(Locale.ROOT);
                ResultTable table = new ResultTable(name + ": drain (c=" + consumers + " b=" + batch + ") while "
                        + String.format(Locale.ROOT, "%,d", archived) + " archived rows are pruned in " + slices + " slices",
                        "repeat", "msg/s with pruning", "msg/s without", "with ÷ without", "pruning s", "rows/s pruned",
                        "errors");
                ResultTable windows = new ResultTable(name + ": each window", "repeat", "window", "pruning", "s",
                        "msg/s", "rows pruned");
                for (int r = 0; r < session.repeats(); r++) {
                    RetentionScenario.Measurement m = scenario.run(backend, r);
                    all.add(m);
                    table.row(String.valueOf(r + 1), fmt(m.withMsgPerSecond()), fmt(m.withoutMsgPerSecond()),
                            String.format(Locale.ROOT, "%.3f", m.ratio()), String.format(Locale.ROOT, "%.1f", m.prunedSeconds()),
                            fmt(m.pruned() / m.prunedSeconds()), m.errors() + (m.backlogRanOut() ? " (backlog ran out)" : ""));
                    for (int w = 0; w < m.windows().size(); w++) {
                        RetentionScenario.Window window = m.windows().get(w);
                        windows.row(String.valueOf(r + 1), String.valueOf(w + 1), window.pruning() ? "yes" : "no",
                                String.format(Locale.ROOT, "%.1f", window.seconds()), fmt(window.msgPerSecond()),
                                fmt(window.pruned()));
                    }
                    System.err.println("retention " + m);
                }
                tables.add(table);
                tables.add(windows);
            }
            ResultsWriter out = session.writer();
            out.tables("retention", "Retention while consumers drain",
                    "Retention batch " + batchSize + " rows, pause at least " + pauseMillis + " ms, retention_share " + share + ".", machine, session.command(), tables);
            ObjectNode root = out.newJson();
            root.put("scenario", "retention");
            root.put("command", session.command());
            root.set("machine", ResultsWriter.json().valueToTree(machine));
            root.set("measurements", ResultsWriter.json().valueToTree(all));
            out.json("retention", root);
            return all.stream().anyMatch(m -> m.backlogRanOut() || m.errors() > 0) ? 2 : 0;
        }
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%,.0f", v);
    }
}
