package dev.pgqrs.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgqrs.bench.report.MachineInfo;
import dev.pgqrs.bench.report.ResultTable;
import dev.pgqrs.bench.report.ResultsWriter;
import dev.pgqrs.bench.workflow.WorkflowContender;
import dev.pgqrs.bench.workflow.WorkflowMeasurement;
import dev.pgqrs.bench.workflow.WorkflowReport;
import dev.pgqrs.bench.workflow.WorkflowScenario;
import dev.pgqrs.bench.workflow.WorkflowSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "workflow", mixinStandardHelpOptions = true,
        description = "Durable workflow runs of 1, 5 and 20 steps, end to end: runs/s, steps/s and commits per step; "
                + "pgqrs's workflow runtime next to DBOS Transact Java on the same PostgreSQL.")
final class WorkflowCommand implements Callable<Integer> {

    @Mixin
    CommonOptions common;

    @Option(names = "--runs", defaultValue = "1000", description = "Runs per measured run. Default: ${DEFAULT-VALUE}")
    int runs;

    @Option(names = "--steps", split = ",", defaultValue = "1,5,20", description = "Default: ${DEFAULT-VALUE}")
    List<Integer> steps;

    @Option(names = "--concurrency", defaultValue = "8",
            description = "Runs executing at once, for every engine (pgqrs's worker default). Default: ${DEFAULT-VALUE}")
    int concurrency;

    @Option(names = "--trigger-threads", defaultValue = "2",
            description = "Threads triggering runs, each one trigger at a time. Default: ${DEFAULT-VALUE}")
    int triggerThreads;

    @Option(names = "--max-run-seconds", defaultValue = "30", description = "Default: ${DEFAULT-VALUE}")
    int maxRunSeconds;

    @Option(names = "--warmup-runs", defaultValue = "200", description = "Default: ${DEFAULT-VALUE}")
    int warmupRuns;

    @Option(names = "--history-runs", defaultValue = "1000",
            description = "Runs completed in each measured run's tables before its clock starts (a round of "
                    + "--concurrency at a time, none started after --max-run-seconds), then the tables are vacuumed "
                    + "and analysed (as autovacuum leaves a deployment's after its first minute); 0 measures tables "
                    + "that were never analysed. Default: ${DEFAULT-VALUE}")
    int historyRuns;

    @Option(names = "--contenders", split = ",",
            description = "Only these (pgqrs, pgqrs-linger, pgqrs-wide, dbos, dbos-direct, dbos-direct-bounded, "
                    + "floor-direct, floor-queued, floor-schema). Default: all")
    List<String> only;

    @Override
    public Integer call() throws Exception {
        if (triggerThreads < 1) {
            throw new IllegalArgumentException("--trigger-threads must be at least 1, was " + triggerThreads);
        }
        if (historyRuns < 0) {
            throw new IllegalArgumentException("--history-runs must not be negative, was " + historyRuns);
        }
        WorkflowSettings settings = new WorkflowSettings(runs, concurrency, triggerThreads,
                Duration.ofSeconds(maxRunSeconds), warmupRuns, historyRuns);
        try (BenchmarkSession session = new BenchmarkSession(common, BenchmarkCommand.commandLine())) {
            List<WorkflowContender> contenders = WorkflowScenario.allContenders().stream()
                    .filter(c -> only == null || only.contains(c.name())).toList();
            if (contenders.isEmpty()) {
                throw new IllegalArgumentException("--contenders " + only + " names none of the workflow scenario's contenders");
            }
            MachineInfo machine = session.machine();
            WorkflowScenario scenario = new WorkflowScenario(session.databases(), contenders, settings, session.repeats(),
                    session.progress());
            session.progress().plan(scenario.plannedRuns(session.backends(), steps));
            List<WorkflowMeasurement> measurements = scenario.run(session.backends(), steps);
            session.progress().close();

            WorkflowReport report = new WorkflowReport(measurements);
            ResultsWriter out = session.writer();
            List<ResultTable> tables = new ArrayList<>();
            for (String backend : report.backends()) {
                tables.add(report.table(backend, settings));
                out.svg("workflow-" + backend + "-steps", report.chart(backend));
            }
            StringBuilder preamble = new StringBuilder("Contenders:\n\n");
            for (WorkflowContender c : contenders) {
                preamble.append("- **").append(c.name()).append("**: ").append(c.description()).append('\n');
            }
            preamble.append("\nEach measured run: workers started, ");
            if (settings.historyRuns() > 0) {
                preamble.append("up to ").append(settings.historyRuns())
                        .append(" runs completed and the tables vacuumed and analysed ")
                        .append("(the statistics a deployment has after its first minute), ");
            } else {
                preamble.append("tables never analysed, ");
            }
            preamble.append("then the clock starts, ")
                    .append(settings.triggerThreads()).append(" threads trigger ").append(runs)
                    .append(" runs, and the clock stops when the database records the last one as successful. ")
                    .append("Each step returns a small number; the work is the engines' own bookkeeping.\n");
            out.tables("workflow", "Workflow (runs of N durable steps)", preamble.toString(), machine, session.command(), tables);
            ObjectNode root = out.newJson();
            root.put("scenario", "workflow");
            root.put("command", session.command());
            root.set("machine", ResultsWriter.json().valueToTree(machine));
            root.set("settings", ResultsWriter.json().valueToTree(settings));
            root.set("summaries", ResultsWriter.json().valueToTree(report.summaries()));
            root.set("measurements", ResultsWriter.json().valueToTree(measurements));
            out.json("workflow", root);
            return measurements.stream().anyMatch(m -> m.errors() > 0) ? 2 : 0;
        }
    }
}
