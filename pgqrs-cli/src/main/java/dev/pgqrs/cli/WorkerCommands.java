package dev.pgqrs.cli;

import dev.pgqrs.QueueInfo;
import dev.pgqrs.WorkerInfo;
import dev.pgqrs.WorkerStatus;
import dev.pgqrs.Workers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.stream.Collectors;

/**
 * {@code pgqrs worker}: list workers and steer them. Suspend, resume and shutdown move the worker's row; the
 * worker, in whatever process it runs, reads its row at its next heartbeat and acts on it.
 */
@Command(name = "worker", description = "List workers; suspend, resume or shut one down (through its row); purge old "
        + "stopped ones.")
final class WorkerCommands {

    @ParentCommand
    PgqrsCommand root;

    @Command(name = "list", description = "Workers with their status and heartbeat age.")
    int list(@Option(names = "--queue", paramLabel = "QUEUE", description = "only this queue's workers") String queue) {
        return root.run((store, out) -> {
            Map<Long, String> names = store.queues().list().stream().collect(Collectors.toMap(QueueInfo::id, QueueInfo::name));
            List<WorkerInfo> workers = queue == null ? store.workers().list() : store.workers().list(queue);
            out.list(workers.stream().map(w -> Rows.worker(w, names)).toList(), Rows.WORKER_COLUMNS);
            return 0;
        });
    }

    @Command(name = "suspend", description = "The worker takes no new messages until resumed.")
    int suspend(@Parameters(paramLabel = "ID") long id) {
        return move(id, Workers::suspend);
    }

    @Command(name = "resume", description = "A suspended worker takes messages again.")
    int resume(@Parameters(paramLabel = "ID") long id) {
        return move(id, Workers::resume);
    }

    @Command(name = "shutdown", description = "The worker stops as its application's close() would: handlers in "
            + "progress finish and settle.")
    int shutdown(@Parameters(paramLabel = "ID") long id) {
        return move(id, Workers::shutdown);
    }

    private int move(long id, BiFunction<Workers, Long, WorkerStatus> move) {
        return root.run((store, out) -> {
            WorkerStatus from = move.apply(store.workers(), id);
            WorkerInfo now = store.workers().get(id).orElseThrow();
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("id", id);
            answer.put("name", now.name());
            answer.put("previous_status", from.sqlName());
            answer.put("status", now.status().sqlName());
            out.object(answer);
            return 0;
        });
    }

    @Command(name = "purge", description = "Delete workers stopped longer ago than the given age (messages keep their "
            + "data and lose the reference).")
    int purge(@Option(names = "--older-than", paramLabel = "DURATION", required = true, converter = DurationConverter.class,
            description = "stopped longer ago than this, e.g. 7d") Duration olderThan) {
        return root.run((store, out) -> {
            out.object(Map.of("purged", store.workers().purgeStopped(olderThan)));
            return 0;
        });
    }
}
