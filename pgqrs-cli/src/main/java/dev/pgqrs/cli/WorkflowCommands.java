package dev.pgqrs.cli;

import dev.pgqrs.workflow.RunDetails;
import dev.pgqrs.workflow.RunStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.LinkedHashMap;
import java.util.Map;

/** {@code pgqrs workflow}: workflow definitions and their runs; cancel and resume a run. */
@Command(name = "workflow", description = "List workflows and their runs, show a run with its steps, cancel or resume a run.")
final class WorkflowCommands {

    @ParentCommand
    PgqrsCommand root;

    @Command(name = "list", description = "Every workflow definition and the queue of its runs.")
    int list() {
        return root.run((store, out) -> {
            out.list(store.workflows().list().stream().map(Rows::workflow).toList(), Rows.WORKFLOW_COLUMNS);
            return 0;
        });
    }

    @Command(name = "runs", description = "The newest runs of a workflow.")
    int runs(@Parameters(paramLabel = "NAME") String workflow,
             @Option(names = "--status", paramLabel = "STATUS",
                     description = "only runs in this status: ${COMPLETION-CANDIDATES}") RunStatus status,
             @Option(names = "--limit", paramLabel = "N", defaultValue = "50", description = "at most N (default: 50)") int limit) {
        return root.run((store, out) -> {
            out.list(store.workflows().list(workflow, status, limit).stream().map(Rows::run).toList(), Rows.RUN_COLUMNS);
            return 0;
        });
    }

    @Command(name = "run", description = "One run with its steps (status, attempts, output or error).")
    int run(@Parameters(paramLabel = "ID") long id) {
        return root.run((store, out) -> {
            RunDetails details = store.workflows().details(id);
            Map<String, Object> answer = Rows.run(details.run());
            answer.put("steps", details.steps().stream().map(Rows::step).toList());
            out.object(answer);
            return 0;
        });
    }

    @Command(name = "cancel", description = "Cancel a run (CANCELLING until a worker finalises it; a finished run stays as it is).")
    int cancel(@Parameters(paramLabel = "ID") long id) {
        return root.run((store, out) -> {
            RunStatus status = store.workflows().cancel(id);
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("id", id);
            answer.put("status", status.name());
            out.object(answer);
            return 0;
        });
    }

    @Command(name = "resume", description = "Resume a PAUSED run now.")
    int resume(@Parameters(paramLabel = "ID") long id) {
        return root.run((store, out) -> {
            boolean resumed = store.workflows().resume(id);
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("id", id);
            answer.put("resumed", resumed);
            answer.put("status", store.workflows().get(id).status().name());
            out.object(answer);
            return 0;
        });
    }
}
