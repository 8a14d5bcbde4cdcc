package dev.pgqrs.store;

import dev.pgqrs.SchemaException;
import dev.pgqrs.config.Backend;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Brings a database to the latest schema version. All pending migrations run in one transaction
 * under a cross-process lock, so two processes installing at once, or a crash half-way, never
 * leave a half-migrated schema. Applied versions are recorded in {@code pgqrs_schema_version}.
 */
public final class SchemaMigrator {

    private static final String VERSION_TABLE_POSTGRES = """
            CREATE TABLE IF NOT EXISTS pgqrs_schema_version (
                version       int PRIMARY KEY,
                name          text NOT NULL,
                installed_at  timestamptz NOT NULL DEFAULT now()
            )""";

    private static final String VERSION_TABLE_SQLITE = """
            CREATE TABLE IF NOT EXISTS pgqrs_schema_version (
                version       INTEGER PRIMARY KEY,
                name          TEXT NOT NULL,
                installed_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now'))
            )""";

    private final Database database;

    public SchemaMigrator(Database database) {
        this.database = database;
    }

    /** Applies every migration up to and including {@code targetVersion}; returns those applied. */
    public List<Migration> migrateTo(int targetVersion) {
        Dialect dialect = database.dialect();
        return database.transaction("install schema", c -> {
            dialect.lockForMigration(c);
            try (Statement s = c.createStatement()) {
                s.execute(dialect.backend() == Backend.POSTGRES ? VERSION_TABLE_POSTGRES : VERSION_TABLE_SQLITE);
            }
            Set<Integer> applied = new HashSet<>(Jdbc.query(c, "SELECT version FROM pgqrs_schema_version",
                    StatementBinder.NONE, rs -> rs.getInt(1)));
            List<Migration> done = new ArrayList<>();
            for (Migration m : Migration.ALL) {
                if (m.version() > targetVersion || applied.contains(m.version())) {
                    continue;
                }
                runScript(c, dialect, m);
                Jdbc.update(c, "INSERT INTO pgqrs_schema_version (version, name) VALUES (?, ?)", ps -> {
                    ps.setInt(1, m.version());
                    ps.setString(2, m.name());
                });
                done.add(m);
            }
            return done;
        });
    }

    /** The highest applied version, or 0 when pgqrs was never installed by this edition. */
    public int currentVersion() {
        return database.read("read schema version", c -> {
            if (!tableExists(c, "pgqrs_schema_version")) {
                return 0;
            }
            return (int) Jdbc.queryLong(c, "SELECT coalesce(max(version), 0) FROM pgqrs_schema_version", StatementBinder.NONE);
        });
    }

    /** Whether a table exists where this store's connections look for it. */
    public static boolean tableExists(Connection c, String table) throws SQLException {
        try (var rs = c.getMetaData().getTables(null, c.getSchema(), table, new String[] {"TABLE"})) {
            return rs.next();
        }
    }

    private static void runScript(Connection c, Dialect dialect, Migration m) throws SQLException {
        String script = load(m.resource(dialect));
        try (Statement s = c.createStatement()) {
            if (dialect.backend() == Backend.POSTGRES) {
                // The PostgreSQL driver runs a multi-statement script (DO blocks included) in one call.
                s.execute(script);
            } else {
                for (String statement : splitStatements(script)) {
                    s.execute(statement);
                }
            }
        } catch (SQLException e) {
            throw new SQLException("migration V" + m.version() + "__" + m.name() + ": " + e.getMessage(), e.getSQLState(), e);
        }
    }

    /** Splits a script on semicolons that end a line; SQLite migrations keep to that form. */
    static List<String> splitStatements(String script) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : script.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.startsWith("--") || trimmed.isEmpty()) {
                continue;
            }
            current.append(line).append('\n');
            if (trimmed.endsWith(";")) {
                out.add(current.toString().strip());
                current.setLength(0);
            }
        }
        if (!current.toString().isBlank()) {
            out.add(current.toString().strip());
        }
        return out;
    }

    private static String load(String resource) {
        try (InputStream in = SchemaMigrator.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new SchemaException("migration resource " + resource + " is missing from the pgqrs jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new SchemaException("cannot read migration " + resource + ": " + e.getMessage(), e);
        }
    }
}
