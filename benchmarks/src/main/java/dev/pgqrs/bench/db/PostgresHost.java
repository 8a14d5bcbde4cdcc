package dev.pgqrs.bench.db;

import dev.pgqrs.config.Dsn;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The PostgreSQL server the benchmark runs on: an embedded server it starts itself, or a server
 * named by a DSN. Every run gets a schema of its own, so no run inherits another's dead rows.
 *
 * <p>The embedded server runs with PostgreSQL's durability defaults ({@code fsync}, {@code
 * synchronous_commit} and {@code full_page_writes} on): every commit waits for its WAL flush, as
 * in production. io.zonky's builder and the engine's test server turn them off for speed; figures
 * from such a server would flatter every contender that commits often.
 */
public final class PostgresHost implements AutoCloseable {

    private static final AtomicInteger SCHEMAS = new AtomicInteger();

    private final EmbeddedPostgres embedded;
    private final String jdbcUrl;
    private final String user;
    private final String password;
    private final String description;

    private PostgresHost(EmbeddedPostgres embedded, String jdbcUrl, String user, String password, String description) {
        this.embedded = embedded;
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
        this.description = description;
    }

    /** Starts an embedded server (durability on) in a fresh temporary data directory. */
    public static PostgresHost startEmbedded() {
        try {
            Path data = Files.createTempDirectory("pgqrs-bench-pg");
            EmbeddedPostgres pg = EmbeddedPostgres.builder()
                    .setDataDirectory(data)
                    .setCleanDataDirectory(true)
                    .setServerConfig("max_connections", "200")
                    // io.zonky's builder turns fsync and synchronous_commit off by default; turn them back on.
                    .setServerConfig("fsync", "on")
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("full_page_writes", "on")
                    .start();
            return new PostgresHost(pg, pg.getJdbcUrl("postgres", "postgres"), "postgres", "postgres",
                    "embedded PostgreSQL (io.zonky), port " + pg.getPort());
        } catch (IOException e) {
            throw new IllegalStateException("cannot start embedded PostgreSQL: " + e.getMessage(), e);
        }
    }

    /** Uses an existing server; the DSN's user must be allowed to create schemas. */
    public static PostgresHost external(String dsn) {
        Dsn parsed = Dsn.parse(dsn);
        return new PostgresHost(null, parsed.jdbcUrl(), parsed.user(), parsed.password(), "PostgreSQL at " + parsed);
    }

    /** Creates a fresh schema and returns a slot living in it. */
    public PostgresSlot newSlot(String label) {
        String schema = "bench_" + label.replaceAll("[^a-z0-9]", "_") + "_" + SCHEMAS.incrementAndGet();
        execute("CREATE SCHEMA " + schema);
        return new PostgresSlot(this, schema);
    }

    void dropSchema(String schema) {
        execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl, user, password);
    }

    /** A connection whose unqualified table names resolve in {@code schema}. */
    public Connection connect(String schema) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(schema), user, password);
    }

    public String jdbcUrl(String schema) {
        return jdbcUrl + (jdbcUrl.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    public String user() {
        return user;
    }

    public String password() {
        return password;
    }

    /** A {@code postgres://} DSN for pgqrs. */
    public String dsn() {
        String hostAndDb = jdbcUrl.substring("jdbc:postgresql://".length());
        int query = hostAndDb.indexOf('?');
        if (query >= 0) {
            hostAndDb = hostAndDb.substring(0, query);
        }
        return "postgres://" + user + (password == null ? "" : ":" + password) + "@" + hostAndDb;
    }

    public void execute(String sql) {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    public String serverVersion() {
        try (Connection c = connect(); Statement s = c.createStatement();
             var rs = s.executeQuery("SHOW server_version")) {
            rs.next();
            return rs.getString(1);
        } catch (SQLException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    /** The settings that decide what a commit costs, for the report. */
    public String durabilitySettings() {
        try (Connection c = connect(); Statement s = c.createStatement();
             var rs = s.executeQuery("SELECT string_agg(name || '=' || setting, ', ' ORDER BY name) FROM pg_settings "
                     + "WHERE name IN ('fsync', 'synchronous_commit', 'full_page_writes', 'wal_sync_method', "
                     + "'shared_buffers', 'max_wal_size', 'checkpoint_timeout')")) {
            rs.next();
            return rs.getString(1);
        } catch (SQLException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    @Override
    public String toString() {
        return description;
    }

    @Override
    public void close() {
        if (embedded != null) {
            try {
                embedded.close();
            } catch (IOException ignored) {
                // the temporary data directory is removed with it; nothing else to do
            }
        }
    }
}
