package dev.pgqrs.store;

import dev.pgqrs.config.Backend;

import java.util.List;
import java.util.Map;

/**
 * What a current pgqrs database holds, as {@code admin().verify()} checks it: the tables, columns,
 * indexes, enum values and constraint names of pgqrs (Rust/Python) 0.15, which the Java edition
 * shares, and the Java edition's additions beside them.
 */
public final class SharedSchema {

    public record Table(String name, List<String> columns) {
    }

    /** An index by name; checked by table and key columns (Turso builds the partial ones as plain indexes). */
    public record Index(String name, String table, List<String> columns) {
    }

    public static final List<Table> TABLES = List.of(
            new Table("pgqrs_queues", List.of("id", "queue_name", "created_at")),
            new Table("pgqrs_workers", List.of("id", "name", "queue_id", "started_at", "heartbeat_at", "shutdown_at",
                    "status", "edition")),
            new Table("pgqrs_messages", List.of("id", "queue_id", "payload", "vt", "enqueued_at", "read_ct", "dequeued_at",
                    "producer_worker_id", "consumer_worker_id", "archived_at", "dead_lettered_at", "last_error")),
            new Table("pgqrs_workflows", List.of("id", "name", "queue_id", "created_at")),
            new Table("pgqrs_workflow_runs", List.of("id", "workflow_id", "message_id", "status", "input", "output",
                    "error", "created_at", "updated_at", "started_at", "paused_at", "completed_at", "worker_id")),
            new Table("pgqrs_workflow_steps", List.of("id", "run_id", "step_name", "status", "input", "output", "error",
                    "created_at", "updated_at", "started_at", "completed_at", "retry_count", "retry_at", "last_retry_at")),
            // The Java edition's own tables.
            new Table("pgqrs_workflow_events", List.of("id", "run_id", "topic", "payload", "created_at", "consumed_at",
                    "consumed_by_step")),
            new Table("pgqrs_step_checkpoints", List.of("run_key", "step_name", "message_id", "body_type", "body",
                    "headers", "completed_at")),
            new Table(SchemaMigrator.TABLE, List.of("version", "name", "installed_at")));

    private static final List<Index> JAVA_INDEXES = List.of(
            new Index("pgqrs_messages_dead_letter_idx", "pgqrs_messages", List.of("queue_id", "dead_lettered_at")),
            new Index("pgqrs_workflow_events_run_topic_idx", "pgqrs_workflow_events", List.of("run_id", "topic", "id")),
            new Index("pgqrs_workflow_runs_workflow_status_idx", "pgqrs_workflow_runs", List.of("workflow_id", "status", "id")),
            new Index("pgqrs_step_checkpoints_message_idx", "pgqrs_step_checkpoints", List.of("message_id")));

    private static final List<Index> POSTGRES_INDEXES = List.of(
            new Index("idx_pgqrs_workers_queue_status", "pgqrs_workers", List.of("queue_id", "status")),
            new Index("idx_pgqrs_workers_heartbeat", "pgqrs_workers", List.of("heartbeat_at")),
            new Index("idx_pgqrs_messages_hot_path", "pgqrs_messages", List.of("queue_id", "vt", "enqueued_at", "id")),
            new Index("idx_pgqrs_messages_consumer_worker_id_active", "pgqrs_messages", List.of("consumer_worker_id")),
            new Index("idx_pgqrs_messages_archived_at", "pgqrs_messages", List.of("queue_id", "archived_at")),
            new Index("idx_pgqrs_messages_producer_worker_id", "pgqrs_messages", List.of("producer_worker_id")),
            new Index("idx_pgqrs_workflows_name", "pgqrs_workflows", List.of("name")),
            new Index("idx_pgqrs_workflow_runs_message_id", "pgqrs_workflow_runs", List.of("message_id")),
            new Index("idx_pgqrs_workflow_runs_status", "pgqrs_workflow_runs", List.of("status")),
            new Index("idx_pgqrs_workflow_steps_status", "pgqrs_workflow_steps", List.of("status")),
            new Index("idx_pgqrs_workflow_steps_retry_at", "pgqrs_workflow_steps", List.of("retry_at")));

    private static final List<Index> SQLITE_INDEXES = List.of(
            new Index("idx_workers_queue_id", "pgqrs_workers", List.of("queue_id")),
            new Index("idx_workers_status", "pgqrs_workers", List.of("status")),
            new Index("pgqrs_workers_heartbeat_idx", "pgqrs_workers", List.of("heartbeat_at")),
            new Index("idx_messages_hot_path", "pgqrs_messages", List.of("queue_id", "vt", "enqueued_at", "id")),
            new Index("idx_messages_consumer_active", "pgqrs_messages", List.of("consumer_worker_id")),
            new Index("idx_messages_archived_at", "pgqrs_messages", List.of("queue_id", "archived_at")),
            new Index("idx_workflow_runs_message_id", "pgqrs_workflow_runs", List.of("message_id")),
            new Index("idx_workflow_runs_status", "pgqrs_workflow_runs", List.of("status")),
            new Index("idx_workflow_steps_status", "pgqrs_workflow_steps", List.of("status")));

    /** Index names of Java installs before V5, each a duplicate of the original's index named beside it. */
    private static final Map<String, String> POSTGRES_SUPERSEDED = Map.of(
            "pgqrs_workers_queue_status_idx", "idx_pgqrs_workers_queue_status",
            "pgqrs_workers_heartbeat_idx", "idx_pgqrs_workers_heartbeat",
            "pgqrs_messages_dequeue_idx", "idx_pgqrs_messages_hot_path",
            "pgqrs_messages_consumer_idx", "idx_pgqrs_messages_consumer_worker_id_active",
            "pgqrs_messages_archived_idx", "idx_pgqrs_messages_archived_at");

    private static final Map<String, String> SQLITE_SUPERSEDED = Map.of(
            "pgqrs_workers_queue_status_idx", "idx_workers_queue_id",
            "pgqrs_messages_dequeue_idx", "idx_messages_hot_path",
            "pgqrs_messages_consumer_idx", "idx_messages_consumer_active",
            "pgqrs_messages_archived_idx", "idx_messages_archived_at");

    /** PostgreSQL enum types and their labels, in order. */
    public static final Map<String, List<String>> ENUMS = Map.of(
            "worker_status", List.of("ready", "polling", "suspended", "interrupted", "stopped"),
            "pgqrs_workflow_status", List.of("QUEUED", "RUNNING", "SUCCESS", "ERROR", "PAUSED", "CANCELLING", "CANCELLED"));

    /** PostgreSQL foreign-key names: the original's (named and default) and the Java edition's. */
    public static final List<String> FOREIGN_KEYS = List.of(
            "fk_workers_queue_id", "fk_messages_queue_id", "fk_messages_producer_worker_id",
            "fk_messages_consumer_worker_id", "pgqrs_workflows_queue_id_fkey", "pgqrs_workflow_runs_workflow_id_fkey",
            "pgqrs_workflow_runs_message_id_fkey", "pgqrs_workflow_runs_worker_id_fkey", "pgqrs_workflow_steps_run_id_fkey",
            "pgqrs_workflow_events_run_id_fkey", "pgqrs_step_checkpoints_message_id_fkey");

    private SharedSchema() {
    }

    public static List<Index> indexes(Backend backend) {
        List<Index> original = backend == Backend.POSTGRES ? POSTGRES_INDEXES : SQLITE_INDEXES;
        return java.util.stream.Stream.concat(original.stream(), JAVA_INDEXES.stream()).toList();
    }

    public static Map<String, String> supersededIndexes(Backend backend) {
        return backend == Backend.POSTGRES ? POSTGRES_SUPERSEDED : SQLITE_SUPERSEDED;
    }
}
