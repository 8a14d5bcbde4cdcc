package dev.pgqrs.testing;

import dev.pgqrs.Pgqrs;
import dev.pgqrs.Store;
import dev.pgqrs.config.PgqrsConfig;
import dev.pgqrs.store.postgres.PostgresIdentifiers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * One isolated database for one test: a fresh PostgreSQL schema, or a fresh SQLite file. Stores
 * opened through it are closed, and the database removed, when the test ends.
 */
public final class TestBackend implements AutoCloseable {

    private final BackendKind kind;
    private final String schema;
    private final Path sqliteFile;
    private final List<Store> stores = new ArrayList<>();

    private TestBackend(BackendKind kind, String schema, Path sqliteFile) {
        this.kind = kind;
        this.schema = schema;
        this.sqliteFile = sqliteFile;
    }

    public static TestBackend create(BackendKind kind) {
        if (kind == BackendKind.POSTGRES) {
            return new TestBackend(kind, PostgresServer.get().newSchema(), null);
        }
        try {
            Path dir = Path.of("target", "sqlite-tests");
            Files.createDirectories(dir);
            return new TestBackend(kind, null, Files.createTempFile(dir, "pgqrs-", ".db"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public BackendKind kind() {
        return kind;
    }

    public String dsn() {
        return kind == BackendKind.POSTGRES ? PostgresServer.get().dsn() : "sqlite:" + sqliteFile.toAbsolutePath();
    }

    /** Configuration pointing at this test's database, with test-friendly small pools. */
    public PgqrsConfig.Builder config() {
        PgqrsConfig.Builder b = PgqrsConfig.builder().dsn(dsn()).maxConnections(8);
        if (schema != null) {
            b.schema(schema);
        }
        return b;
    }

    /** Opens a store with the schema installed. */
    public Store open() {
        return open(b -> b);
    }

    public Store open(UnaryOperator<PgqrsConfig.Builder> customize) {
        Store store = openUninstalled(customize);
        store.admin().install();
        return store;
    }

    /** Opens a store without installing the schema. */
    public Store openUninstalled(UnaryOperator<PgqrsConfig.Builder> customize) {
        Store store = Pgqrs.connect(customize.apply(config()).build());
        synchronized (stores) {
            stores.add(store);
        }
        return store;
    }

    /** A plain JDBC connection to this test's database, for checks the API does not offer. */
    public Connection jdbc() throws SQLException {
        if (kind == BackendKind.POSTGRES) {
            Connection c = PostgresServer.get().connect();
            try (Statement s = c.createStatement()) {
                s.execute("SET search_path TO " + PostgresIdentifiers.quote(schema));
            }
            return c;
        }
        return DriverManager.getConnection("jdbc:sqlite:" + sqliteFile.toAbsolutePath());
    }

    /** The PostgreSQL schema of this test, or null on SQLite. */
    public String schema() {
        return schema;
    }

    public Path sqliteFile() {
        return sqliteFile;
    }

    /** SQL expression of "now minus the duration" in this backend's timestamp form. */
    public String ago(Duration d) {
        if (kind == BackendKind.POSTGRES) {
            return "now() - interval '" + d.toMillis() + " milliseconds'";
        }
        return "strftime('%Y-%m-%d %H:%M:%f', 'now', '-" + (d.toMillis() / 1000.0) + " seconds')";
    }

    /** Runs one statement on this test's database (for backdating rows instead of waiting). */
    public int execute(String sql) {
        try (Connection c = jdbc(); var s = c.createStatement()) {
            return s.executeUpdate(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("test statement failed: " + sql, e);
        }
    }

    /** Makes every unexpired lease expire now, as if its visibility timeout had passed. */
    public int expireLeases() {
        return execute("UPDATE pgqrs_messages SET vt = " + ago(Duration.ofSeconds(1))
                + " WHERE archived_at IS NULL AND consumer_worker_id IS NOT NULL");
    }

    /** Makes every unarchived message due now: delayed ones, retries waiting out a back-off, expired leases. */
    public int makeAllDue() {
        return execute("UPDATE pgqrs_messages SET vt = " + ago(Duration.ofSeconds(1)) + " WHERE archived_at IS NULL");
    }

    @Override
    public void close() {
        synchronized (stores) {
            for (Store s : stores) {
                try {
                    s.close();
                } catch (RuntimeException ignored) {
                    // the test may have closed it, or broken it on purpose
                }
            }
            stores.clear();
        }
        if (schema != null) {
            PostgresServer.get().dropSchema(schema);
        }
        if (sqliteFile != null) {
            for (String suffix : new String[] {"", "-wal", "-shm"}) {
                try {
                    Files.deleteIfExists(Path.of(sqliteFile + suffix));
                } catch (IOException ignored) {
                    // best effort: target/ is cleaned by the build anyway
                }
            }
        }
    }

    @Override
    public String toString() {
        return kind.label();
    }
}
