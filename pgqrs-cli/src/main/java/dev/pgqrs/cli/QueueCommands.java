package dev.pgqrs.cli;

import dev.pgqrs.QueueInfo;
import dev.pgqrs.Queues;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code pgqrs queue}: create, list, look up, delete, purge and measure queues. */
@Command(name = "queue", description = "Create, list, get, delete, purge and measure queues.")
final class QueueCommands {

    @ParentCommand
    PgqrsCommand root;

    @Command(name = "create", description = "Create a queue (fails if it exists).")
    int create(@Parameters(paramLabel = "NAME") String name) {
        return root.run((store, out) -> {
            out.object(Rows.queue(store.queues().create(name)));
            return 0;
        });
    }

    @Command(name = "list", description = "Every queue.")
    int list() {
        return root.run((store, out) -> {
            out.list(store.queues().list().stream().map(Rows::queue).toList(), Rows.QUEUE_COLUMNS);
            return 0;
        });
    }

    @Command(name = "get", description = "One queue with its metrics.")
    int get(@Parameters(paramLabel = "NAME") String name) {
        return root.run((store, out) -> {
            QueueInfo q = store.queues().get(name);
            Map<String, Object> answer = Rows.queue(q);
            answer.put("metrics", Rows.metrics(store.queues().metrics(name)));
            out.object(answer);
            return 0;
        });
    }

    @Command(name = "delete", description = "Delete an empty queue (refused while messages, workers or workflows use it).")
    int delete(@Parameters(paramLabel = "NAME") String name) {
        return root.run((store, out) -> {
            store.queues().delete(name);
            out.object(Map.of("deleted", name));
            return 0;
        });
    }

    @Command(name = "purge", description = "Remove every message (and workflow run) of a queue and its workers.")
    int purge(@Parameters(paramLabel = "NAME") String name) {
        return root.run((store, out) -> {
            int removed = store.queues().purge(name);
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("queue", name);
            answer.put("purged_messages", removed);
            out.object(answer);
            return 0;
        });
    }

    @Command(name = "metrics", description = "Depth of one queue, or of every queue: pending, leased, delayed, archived, "
            + "dead-lettered, oldest pending age.")
    int metrics(@Parameters(paramLabel = "NAME", arity = "0..1") String name,
                @Option(names = "--estimated", arity = "0..1", paramLabel = "EXACT_UP_TO",
                        fallbackValue = "" + Queues.DEFAULT_EXACT_UP_TO,
                        description = "Count each kind of row exactly up to EXACT_UP_TO per queue (default "
                                + Queues.DEFAULT_EXACT_UP_TO + ") and estimate past it from PostgreSQL's statistics: "
                                + "milliseconds at millions of rows; rows say \"estimated\".") Integer exactUpTo) {
        return root.run((store, out) -> {
            if (exactUpTo != null) {
                if (name != null) {
                    store.queues().get(name); // an unknown name fails as it does without --estimated
                }
                List<Map<String, Object>> rows = store.queues().estimatedMetrics(exactUpTo).stream()
                        .filter(m -> name == null || m.queue().equals(name)).map(Rows::estimatedMetrics).toList();
                if (name != null) {
                    out.object(rows.get(0));
                } else {
                    out.list(rows, Rows.ESTIMATED_METRICS_COLUMNS);
                }
            } else if (name != null) {
                out.object(Rows.metrics(store.queues().metrics(name)));
            } else {
                List<Map<String, Object>> rows = store.queues().metrics().stream().map(Rows::metrics).toList();
                out.list(rows, Rows.METRICS_COLUMNS);
            }
            return 0;
        });
    }
}
