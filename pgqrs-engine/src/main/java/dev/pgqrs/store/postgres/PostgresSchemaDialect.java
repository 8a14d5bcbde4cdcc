package dev.pgqrs.store.postgres;

import dev.pgqrs.ConfigException;
import dev.pgqrs.SchemaException;
import dev.pgqrs.store.Database;
import dev.pgqrs.store.OriginalMigrations;
import dev.pgqrs.store.OriginalMigrations.File;
import dev.pgqrs.store.OriginalMigrations.Release;
import dev.pgqrs.store.SchemaCatalog;
import dev.pgqrs.store.SchemaDialect;
import dev.pgqrs.store.SharedSchema;
import dev.pgqrs.store.SharedSchema.Index;

import java.sql.Connection;
import java.util.List;
import java.util.Map;

import static dev.pgqrs.store.OriginalMigrations.HEAD;

/**
 * The schema on PostgreSQL: one schema (namespace) per store, its catalog, scripts run whole, and what
 * a current database holds here (the original's index, enum and foreign-key names, its migration files).
 */
public final class PostgresSchemaDialect implements SchemaDialect {

    private static final String CREATE_MIGRATIONS_TABLE = """
            CREATE TABLE IF NOT EXISTS pgqrs_java_migrations (
                version       int PRIMARY KEY,
                name          text NOT NULL,
                installed_at  timestamptz NOT NULL DEFAULT now()
            )""";

    private static final String CREATE_ORIGINAL_MIGRATIONS_TABLE = """
            CREATE TABLE IF NOT EXISTS _sqlx_migrations (
                version         bigint PRIMARY KEY,
                description     text NOT NULL,
                installed_on    timestamptz NOT NULL DEFAULT now(),
                success         boolean NOT NULL,
                checksum        bytea NOT NULL,
                execution_time  bigint NOT NULL
            )""";

    // The original's migration files on PostgreSQL: sqlx checks each applied one by the SHA-384 of its bytes.
    private static final File PG_1 = new File(1, "create worker status enum",
            "d2c9fdceef8a50d25d477ad3591c44d22523e3796c5d89f2185cdbbad5b744b50f4d33835e8282787566b2e72a92ed30");
    private static final File PG_2 = new File(2, "create queue table",
            "0e249be0fa88e93f2389598a7846b14d2222e920125411f9c5b2a45ee7e4e502d0f66cec66ebf072519e63b9633c3839");
    private static final File PG_3_HOSTNAME = new File(3, "create worker table",
            "7ebe13cef87f5344d6982f6b472aa78df286e95806fb3363f7f279236b50580da08dfbb9655665b664526678715dcd54");
    private static final File PG_3_NAME = new File(3, "create worker table",
            "4a8661ec5994583653419ede0358f6ebdd1afc7007badc2df474cb61453a0c06c95c787770cf74902ae350991cc5eb59");
    private static final File PG_4 = new File(4, "create messages table",
            "a6fb1fcb94e74fffd5d4a4a8167e6a79c494a169659fa29fb3d5a4ccdef5905b7387372875471eb7d9b6c23b19687fed");
    private static final File PG_6_0150 = new File(6, "create workflow tables",
            "2c2bc5a7e78e483c393e818a205eb04589a32df61765110621e9611b71774b7bbc99c2b5dfb4dd5affc0bbfd2006b19a");
    private static final File PG_6_0151 = new File(6, "create workflow tables",
            "6df4919f0208ce174be4aef9e8752615426a1346b1f641a4de5389254b68d92da14a27c58e61aa81207d7263c61b9723");
    private static final File PG_6_HEAD = new File(6, "create workflow tables",
            "da7689e4422499597ca8397871fe99892fe7b8b6747ae4a264cdb347afe49f71f5d6750db4f5b02b000888a1669adaf6");

    private static final Release PG_0_15_0 = new Release("0.15.0", List.of(PG_1, PG_2, PG_3_HOSTNAME, PG_4, PG_6_0150));
    private static final Release PG_0_15_1 = new Release("0.15.1", List.of(PG_1, PG_2, PG_3_HOSTNAME, PG_4, PG_6_0151));
    private static final Release PG_0_15_3 = new Release("0.15.2 to 0.15.3", List.of(PG_1, PG_2, PG_3_NAME, PG_4, PG_6_0151));
    private static final Release PG_HEAD = new Release(HEAD, List.of(PG_1, PG_2, PG_3_NAME, PG_4, PG_6_HEAD));

    private static final OriginalMigrations.Releases ORIGINAL_RELEASES =
            new OriginalMigrations.Releases(List.of(PG_0_15_0, PG_0_15_1, PG_0_15_3, PG_HEAD), PG_0_15_3);

    // The original's indexes on PostgreSQL, by its names.
    private static final List<Index> ORIGINAL_INDEXES = List.of(
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

    /** Index names of Java installs before V5, each a duplicate of the original's index named beside it. */
    private static final Map<String, String> SUPERSEDED_INDEXES = Map.of(
            "pgqrs_workers_queue_status_idx", "idx_pgqrs_workers_queue_status",
            "pgqrs_workers_heartbeat_idx", "idx_pgqrs_workers_heartbeat",
            "pgqrs_messages_dequeue_idx", "idx_pgqrs_messages_hot_path",
            "pgqrs_messages_consumer_idx", "idx_pgqrs_messages_consumer_worker_id_active",
            "pgqrs_messages_archived_idx", "idx_pgqrs_messages_archived_at");

    /** PostgreSQL enum types and their labels, in order. */
    private static final Map<String, List<String>> ENUMS = Map.of(
            "worker_status", List.of("ready", "polling", "suspended", "interrupted", "stopped"),
            "pgqrs_workflow_status", List.of("QUEUED", "RUNNING", "SUCCESS", "ERROR", "PAUSED", "CANCELLING", "CANCELLED"));

    /** PostgreSQL foreign-key names: the original's (named and default) and the Java edition's. */
    private static final List<String> FOREIGN_KEYS = List.of(
            "fk_workers_queue_id", "fk_messages_queue_id", "fk_messages_producer_worker_id",
            "fk_messages_consumer_worker_id", "pgqrs_workflows_queue_id_fkey", "pgqrs_workflow_runs_workflow_id_fkey",
            "pgqrs_workflow_runs_message_id_fkey", "pgqrs_workflow_runs_worker_id_fkey", "pgqrs_workflow_steps_run_id_fkey",
            "pgqrs_workflow_events_run_id_fkey", "pgqrs_step_checkpoints_message_id_fkey");

    private static final SharedSchema.Layout LAYOUT = new SharedSchema.Layout(SharedSchema.withJavaIndexes(ORIGINAL_INDEXES),
            SUPERSEDED_INDEXES, ENUMS, FOREIGN_KEYS);

    @Override
    public SchemaCatalog catalog(Connection c) {
        return new PostgresCatalog(c);
    }

    /** The PostgreSQL driver runs a multi-statement script (DO blocks included) in one call. */
    @Override
    public List<String> scriptStatements(String script) {
        return List.of(script);
    }

    @Override
    public String createMigrationsTable() {
        return CREATE_MIGRATIONS_TABLE;
    }

    @Override
    public String createOriginalMigrationsTable() {
        return CREATE_ORIGINAL_MIGRATIONS_TABLE;
    }

    @Override
    public OriginalMigrations.Releases originalReleases() {
        return ORIGINAL_RELEASES;
    }

    @Override
    public SharedSchema.Layout sharedLayout() {
        return LAYOUT;
    }

    /**
     * The configured schema exists, and it is where the pool's connections resolve tables (the SQL
     * names tables unqualified). Schema names are case-sensitive (quoted): "MyApp" is not myapp.
     */
    void checkSchema(Database database, String schema) {
        String current = database.read("check schema", c -> {
            PostgresCatalog catalog = new PostgresCatalog(c);
            if (!catalog.schemaExists(schema)) {
                throw new SchemaException("schema '" + schema + "' does not exist in " + database
                        + "; create it first: CREATE SCHEMA " + PostgresIdentifiers.quote(schema));
            }
            return catalog.currentSchema();
        });
        if (!schema.equals(current)) {
            throw new ConfigException("schema is configured as '" + schema + "' but the connections resolve tables in '"
                    + current + "'; set the DataSource's search_path, quoted (e.g. currentSchema="
                    + PostgresIdentifiers.quote(schema) + ")");
        }
    }
}
