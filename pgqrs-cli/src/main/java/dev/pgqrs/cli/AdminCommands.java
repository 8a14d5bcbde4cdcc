package dev.pgqrs.cli;

import dev.pgqrs.QueueInfo;
import dev.pgqrs.ReapResult;
import dev.pgqrs.SystemStats;
import dev.pgqrs.VerifyReport;
import dev.pgqrs.WorkerStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code pgqrs admin}: the schema, store-wide statistics, reclaiming dead workers' messages. */
@Command(name = "admin", description = "Install and verify the schema, show statistics, reclaim messages of dead workers.")
final class AdminCommands {

    @ParentCommand
    PgqrsCommand root;

    @Command(name = "install", description = "Create the schema, or upgrade an older one (idempotent).")
    int install() {
        return root.run((store, out) -> {
            List<Integer> applied = store.admin().install();
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("schema_version", store.admin().schemaVersion());
            answer.put("applied_versions", applied);
            out.object(answer);
            return 0;
        });
    }

    @Command(name = "verify", description = "Check that the schema is complete and current (exit status 1 if not).")
    int verify() {
        return root.run((store, out) -> {
            VerifyReport report = store.admin().verify();
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("ok", report.ok());
            answer.put("schema_version", report.schemaVersion());
            answer.put("expected_version", report.expectedVersion());
            answer.put("original_release", report.originalRelease());
            answer.put("problems", report.problems());
            out.object(answer);
            return report.ok() ? 0 : root.fail("the schema has " + report.problems().size() + " problem(s): "
                    + String.join("; ", report.problems()));
        });
    }

    @Command(name = "stats", description = "Queues, workers by status, stale workers, and every queue's metrics.")
    int stats() {
        return root.run((store, out) -> {
            SystemStats stats = store.admin().systemStats();
            Map<String, Object> byStatus = new LinkedHashMap<>();
            for (WorkerStatus s : WorkerStatus.values()) {
                byStatus.put(s.sqlName(), stats.workersByStatus().getOrDefault(s, 0L));
            }
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("queues", stats.queues());
            answer.put("workers", stats.workers());
            answer.put("active_workers", stats.activeWorkers());
            answer.put("stale_workers", stats.staleWorkers());
            answer.put("workers_by_status", byStatus);
            answer.put("queue_metrics", store.queues().metrics().stream().map(Rows::metrics).toList());
            out.object(answer);
            return 0;
        });
    }

    @Command(name = "reclaim", description = "Stop the workers that have not beaten for a while and make their messages "
            + "visible again (delivery count kept).")
    int reclaim(@Option(names = "--queue", paramLabel = "QUEUE", description = "only this queue's workers (default: every queue)")
                String queue,
                @Option(names = "--older-than", paramLabel = "DURATION", converter = DurationConverter.class,
                        description = "heartbeat older than this (default: the store's stale_worker_timeout)")
                Duration olderThan) {
        return root.run((store, out) -> {
            Duration age = olderThan != null ? olderThan : store.config().staleWorkerTimeout();
            List<String> queues = queue != null ? List.of(queue)
                    : store.queues().list().stream().map(QueueInfo::name).toList();
            int workers = 0;
            int messages = 0;
            for (String q : queues) {
                ReapResult r = store.admin().reclaim(q, age);
                workers += r.workers();
                messages += r.messages();
            }
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("workers", workers);
            answer.put("messages", messages);
            out.object(answer);
            return 0;
        });
    }
}
