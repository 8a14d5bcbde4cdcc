package dev.pgqrs.store;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What a current pgqrs database holds, as {@code admin().verify()} checks it: the tables, columns,
 * indexes, enum values and constraint names of pgqrs (Rust/Python) 0.15, which the Java edition
 * shares, and the Java edition's additions beside them. The tables and columns are the same on every
 * backend; the rest is one {@link Layout} per backend, which that backend's {@link SchemaDialect} holds.
 */
public final class SharedSchema {

    public record Table(String name, List<String> columns) {
    }

    /** An index by name; checked by table and key columns (Turso builds the partial ones as plain indexes). */
    public record Index(String name, String table, List<String> columns) {
    }

    /**
     * What a backend's current database holds besides the tables: its indexes (the original's names on that
     * backend, and the Java edition's), the index names older Java installs used instead (old name to the
     * index it duplicates), and the enum types and foreign-key names, where the backend has and names them.
     */
    public record Layout(List<Index> indexes, Map<String, String> supersededIndexes, Map<String, List<String>> enums,
                         List<String> foreignKeys) {
    }

    public static final List<Table> TABLES = List.of(
            new Table("pgqrs_queues", List.of("id", "queue_name", "created_at")),
            new Table("pgqrs_workers", List.of("id", "name", "queue_id", "started_at", "heartbeat_at", "shutdown_at",
                    "status", "edition")),
            new Table("pgqrs_messages", List.of("id", "queue_id", "payload", "vt", "enqueued_at", "read_ct", "dequeued_at",
                    "producer_worker_id", "consumer_worker_id", "archived_at", "dead_lettered_at", "last_error",
                    "dedup_key", "priority", "ordering_key", "headers")),
            new Table("pgqrs_workflows", List.of("id", "name", "queue_id", "created_at")),
            new Table("pgqrs_workflow_runs", List.of("id", "workflow_id", "message_id", "status", "input", "output",
                    "error", "created_at", "updated_at", "started_at", "paused_at", "completed_at", "worker_id", "version",
                    "deadline_at", "timeout_ms", "parent_run_id", "parent_step", "forked_from_run_id", "forked_from_step")),
            new Table("pgqrs_workflow_steps", List.of("id", "run_id", "step_name", "status", "input", "output", "error",
                    "created_at", "updated_at", "started_at", "completed_at", "retry_count", "retry_at", "last_retry_at")),
            // The Java edition's own tables.
            new Table("pgqrs_workflow_events", List.of("id", "run_id", "topic", "payload", "created_at", "consumed_at",
                    "consumed_by_step")),
            new Table("pgqrs_step_checkpoints", List.of("run_key", "step_name", "message_id", "body_type", "body",
                    "headers", "completed_at")),
            new Table("pgqrs_source_offsets", List.of("source_name", "partition_key", "offset_text", "updated_at")),
            new Table("pgqrs_idempotency_keys", List.of("scope", "idem_key", "answer", "created_at")),
            new Table("pgqrs_schedules", List.of("id", "name", "cron", "time_zone", "target_kind", "target_name",
                    "payload", "missed_policy", "max_catch_up", "overlap_policy", "next_fire_at", "paused_at", "revision",
                    "created_at", "updated_at")),
            new Table("pgqrs_schedule_firings", List.of("schedule_id", "scheduled_at", "fired_at", "outcome",
                    "message_id", "run_id")),
            new Table("pgqrs_queue_retention", List.of("queue_id", "max_age_ms", "max_count", "updated_at")),
            new Table("pgqrs_workflow_retention", List.of("workflow_id", "max_age_ms", "max_count", "updated_at")),
            new Table("pgqrs_leader_leases", List.of("name", "holder", "acquired_at", "expires_at")),
            new Table("pgqrs_queue_settings", List.of("queue_id", "prioritized", "fifo", "updated_at", "concurrency_limit",
                    "rate_limit", "rate_period_ms", "rate_window", "rate_window_count")),
            new Table(SchemaMigrator.TABLE, List.of("version", "name", "installed_at")));

    private static final List<Index> JAVA_INDEXES = List.of(
            new Index("pgqrs_messages_dead_letter_idx", "pgqrs_messages", List.of("queue_id", "dead_lettered_at")),
            new Index("pgqrs_workflow_events_run_topic_idx", "pgqrs_workflow_events", List.of("run_id", "topic", "id")),
            new Index("pgqrs_workflow_runs_workflow_status_idx", "pgqrs_workflow_runs", List.of("workflow_id", "status", "id")),
            new Index("pgqrs_step_checkpoints_message_idx", "pgqrs_step_checkpoints", List.of("message_id")),
            new Index("pgqrs_messages_dedup_key_idx", "pgqrs_messages", List.of("queue_id", "dedup_key")),
            new Index("pgqrs_messages_dedup_expiry_idx", "pgqrs_messages", List.of("archived_at")),
            new Index("pgqrs_messages_priority_idx", "pgqrs_messages",
                    List.of("queue_id", "priority", "vt", "enqueued_at", "id")),
            new Index("pgqrs_messages_ordering_key_idx", "pgqrs_messages", List.of("queue_id", "ordering_key", "id")),
            new Index("pgqrs_idempotency_keys_created_idx", "pgqrs_idempotency_keys", List.of("created_at")),
            new Index("pgqrs_schedules_due_idx", "pgqrs_schedules", List.of("next_fire_at")),
            new Index("pgqrs_workflow_runs_completed_idx", "pgqrs_workflow_runs", List.of("workflow_id", "completed_at")),
            new Index("pgqrs_workflow_runs_parent_idx", "pgqrs_workflow_runs", List.of("parent_run_id")));

    private SharedSchema() {
    }

    /** A backend's indexes of the original, and the Java edition's (the same on every backend). */
    public static List<Index> withJavaIndexes(List<Index> original) {
        return Stream.concat(original.stream(), JAVA_INDEXES.stream()).toList();
    }
}
