package dev.pgqrs.store.sqlite;

import dev.pgqrs.store.OriginalMigrations;
import dev.pgqrs.store.OriginalMigrations.File;
import dev.pgqrs.store.OriginalMigrations.Release;
import dev.pgqrs.store.SchemaCatalog;
import dev.pgqrs.store.SchemaDialect;
import dev.pgqrs.store.SharedSchema;
import dev.pgqrs.store.SharedSchema.Index;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static dev.pgqrs.store.OriginalMigrations.HEAD;

/**
 * The schema on SQLite: the main database file, its catalog, scripts run statement by statement, and
 * what a current database holds here (the original's index names, its migration files). SQLite has no
 * enum types and does not name foreign keys, so {@code verify()} expects none.
 */
public final class SqliteSchemaDialect implements SchemaDialect {

    private static final String CREATE_MIGRATIONS_TABLE = """
            CREATE TABLE IF NOT EXISTS pgqrs_java_migrations (
                version       INTEGER PRIMARY KEY,
                name          TEXT NOT NULL,
                installed_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now'))
            )""";

    private static final String CREATE_ORIGINAL_MIGRATIONS_TABLE = """
            CREATE TABLE IF NOT EXISTS _sqlx_migrations (
                version         BIGINT PRIMARY KEY,
                description     TEXT NOT NULL,
                installed_on    TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
                success         BOOLEAN NOT NULL,
                checksum        BLOB NOT NULL,
                execution_time  BIGINT NOT NULL
            )""";

    // The original's migration files on SQLite: sqlx checks each applied one by the SHA-384 of its bytes.
    private static final File SQLITE_1 = new File(1, "create queues",
            "19d17ed610253df43bced388b7b223b20f45a494bf73488f6c7713e72eddafef568d89aa619c615cd0949f9750e67e2f");
    private static final File SQLITE_2_HOSTNAME = new File(2, "create workers",
            "3f6f2d826c6b6cd85b50cfd35e0028267c31c1b4466ba7d0a1808ea074127dbdf67d5ab39f24c79b091b4b33b709b16d");
    private static final File SQLITE_2_NAME = new File(2, "create workers",
            "02e116c0786679575c984bf42cd404442a93f9a5dd9be9b1b269bf6b990c40a4d075872223d3bbac2ce26af988ea4cee");
    private static final File SQLITE_3 = new File(3, "create messages",
            "1200c75c0a8f57f50914a6efd7ada7716bc3035cf3c9030b634944d42d5ec1f0b45b4b42b3b826e55395f4ff70a0a58b");
    private static final File SQLITE_5 = new File(5, "create workflows",
            "49f7b205e24569ed301d1cc7f8f745428838bc8555eefe554d8c456df703005c633316d067ff3b5fb7e70280d641c414");

    private static final Release SQLITE_0_15_0 = new Release("0.15.0 to 0.15.1", List.of(SQLITE_1, SQLITE_2_HOSTNAME, SQLITE_3, SQLITE_5));
    private static final Release SQLITE_0_15_3 = new Release("0.15.2 to " + HEAD, List.of(SQLITE_1, SQLITE_2_NAME, SQLITE_3, SQLITE_5));

    private static final OriginalMigrations.Releases ORIGINAL_RELEASES =
            new OriginalMigrations.Releases(List.of(SQLITE_0_15_0, SQLITE_0_15_3), SQLITE_0_15_3);

    // The original's indexes on SQLite, by its names.
    private static final List<Index> ORIGINAL_INDEXES = List.of(
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
    private static final Map<String, String> SUPERSEDED_INDEXES = Map.of(
            "pgqrs_workers_queue_status_idx", "idx_workers_queue_id",
            "pgqrs_messages_dequeue_idx", "idx_messages_hot_path",
            "pgqrs_messages_consumer_idx", "idx_messages_consumer_active",
            "pgqrs_messages_archived_idx", "idx_messages_archived_at");

    private static final SharedSchema.Layout LAYOUT = new SharedSchema.Layout(SharedSchema.withJavaIndexes(ORIGINAL_INDEXES),
            SUPERSEDED_INDEXES, Map.of(), List.of());

    @Override
    public SchemaCatalog catalog(Connection c) {
        return new SqliteCatalog(c);
    }

    /**
     * Splits a script on semicolons that end a line; SQLite migrations keep to that form (the driver
     * runs one statement per call). A {@code CREATE TRIGGER} runs to the line {@code END;}, its body's
     * semicolons included.
     */
    @Override
    public List<String> scriptStatements(String script) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : script.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.startsWith("--") || trimmed.isEmpty()) {
                continue;
            }
            current.append(line).append('\n');
            boolean inTrigger = current.toString().stripLeading().toUpperCase(Locale.ROOT).startsWith("CREATE TRIGGER");
            boolean ends = inTrigger ? trimmed.equalsIgnoreCase("END;") : trimmed.endsWith(";");
            if (ends) {
                out.add(current.toString().strip());
                current.setLength(0);
            }
        }
        if (!current.toString().isBlank()) {
            out.add(current.toString().strip());
        }
        return out;
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
}
