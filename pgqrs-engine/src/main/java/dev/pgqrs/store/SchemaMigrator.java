package dev.pgqrs.store;

import dev.pgqrs.SchemaException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Brings a database to the latest schema version. All pending migrations run in one transaction
 * under a cross-process lock (the one pgqrs for Rust's migrator takes too), so two processes
 * installing at once, or a crash half-way, never leave a half-migrated schema.
 *
 * <p>Applied versions are recorded in {@code pgqrs_java_migrations}. Older Java installs recorded
 * them in {@code pgqrs_schema_version}, the name pgqrs for Rust's Turso backend uses for a table of
 * other columns; such a table of ours is moved, a Turso one is left alone. At the latest version the
 * original's own records ({@code _sqlx_migrations}) are completed so its migrator finds its files
 * applied ({@link OriginalMigrations}).
 */
public final class SchemaMigrator {

    static final String TABLE = "pgqrs_java_migrations";
    private static final String LEGACY_TABLE = "pgqrs_schema_version";

    /** How long an install waits for another process's migration (Java's or the original's) to end. */
    public static final Duration DEFAULT_LOCK_WAIT = Duration.ofSeconds(60);

    private static final String ADOPT_LEGACY = """
            INSERT INTO pgqrs_java_migrations (version, name, installed_at)
            SELECT version, name, installed_at FROM pgqrs_schema_version""";

    private final Database database;
    private final Duration lockWait;

    public SchemaMigrator(Database database) {
        this(database, DEFAULT_LOCK_WAIT);
    }

    public SchemaMigrator(Database database, Duration lockWait) {
        this.database = database;
        this.lockWait = lockWait;
    }

    /** Applies every migration up to and including {@code targetVersion}; returns those applied. */
    public List<Migration> migrateTo(int targetVersion) {
        Dialect dialect = database.dialect();
        return database.transaction("install schema", c -> {
            dialect.lockForMigration(c, lockWait);
            SchemaCatalog catalog = dialect.schema().catalog(c);
            ensureBookkeeping(c, catalog, dialect.schema());
            Set<Integer> applied = new HashSet<>(Jdbc.query(c, "SELECT version FROM pgqrs_java_migrations",
                    StatementBinder.NONE, rs -> rs.getInt(1)));
            List<Migration> done = new ArrayList<>();
            for (Migration m : Migration.ALL) {
                if (m.version() > targetVersion || applied.contains(m.version())) {
                    continue;
                }
                for (Migration.Adaptation a : m.adaptations()) {
                    if (a.neededWhen().holds(catalog)) {
                        runScript(c, dialect, a.resource(dialect), "V" + m.version() + " adaptation " + a.name());
                    }
                }
                runScript(c, dialect, m.resource(dialect), "V" + m.version() + "__" + m.name());
                Jdbc.update(c, "INSERT INTO pgqrs_java_migrations (version, name) VALUES (?, ?)", ps -> {
                    ps.setInt(1, m.version());
                    ps.setString(2, m.name());
                });
                applied.add(m.version());
                done.add(m);
            }
            if (applied.contains(Migration.latestVersion())) {
                OriginalMigrations.recordServed(c, dialect.schema());
            }
            return done;
        });
    }

    /** The highest applied version, or 0 when pgqrs was never installed by this edition. */
    public int currentVersion() {
        return database.read("read schema version", c -> {
            SchemaCatalog catalog = database.dialect().schema().catalog(c);
            if (catalog.hasTable(TABLE)) {
                return (int) Jdbc.queryLong(c, "SELECT coalesce(max(version), 0) FROM pgqrs_java_migrations", StatementBinder.NONE);
            }
            if (isLegacyJavaTable(catalog)) {
                return (int) Jdbc.queryLong(c, "SELECT coalesce(max(version), 0) FROM pgqrs_schema_version", StatementBinder.NONE);
            }
            return 0;
        });
    }

    /**
     * Creates our version table, moving the rows of an older Java install's {@code pgqrs_schema_version}
     * into it. A {@code pgqrs_schema_version} of pgqrs for Rust's Turso backend (text versions,
     * {@code applied_at}) is Turso's and stays as it is.
     */
    private static void ensureBookkeeping(Connection c, SchemaCatalog catalog, SchemaDialect schema) throws SQLException {
        if (catalog.hasTable(TABLE)) {
            return;
        }
        try (Statement s = c.createStatement()) {
            s.execute(schema.createMigrationsTable());
            if (isLegacyJavaTable(catalog)) {
                s.executeUpdate(ADOPT_LEGACY);
                s.execute("DROP TABLE " + LEGACY_TABLE);
            }
        }
    }

    /** An older Java install's version table: integer versions with a name, not Turso's columns. */
    private static boolean isLegacyJavaTable(SchemaCatalog catalog) throws SQLException {
        List<String> columns = catalog.columns(LEGACY_TABLE);
        return columns.contains("name") && columns.contains("installed_at") && !columns.contains("applied_at");
    }

    private static void runScript(Connection c, Dialect dialect, String resource, String what) throws SQLException {
        String script = load(resource);
        try (Statement s = c.createStatement()) {
            for (String statement : dialect.schema().scriptStatements(script)) {
                s.execute(statement);
            }
        } catch (SQLException e) {
            // The vendor code travels with the message, so the dialect still classifies the error.
            throw new SQLException("migration " + what + ": " + e.getMessage(), e.getSQLState(), e.getErrorCode(), e);
        }
    }

    private static String load(String resource) {
        try (InputStream in = SchemaMigrator.class.getResourceAsStream("/" + resource)) {
            if (in == null) {
                throw new SchemaException("migration resource " + resource + " is missing from the pgqrs jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new SchemaException("cannot read migration " + resource + ": " + e.getMessage(), e);
        }
    }
}
