package dev.pgqrs.fault;

import dev.pgqrs.Pgqrs;
import dev.pgqrs.Store;
import dev.pgqrs.config.PgqrsConfig;
import dev.pgqrs.testing.BackendInvocations;
import dev.pgqrs.testing.BackendKind;
import dev.pgqrs.testing.RestartablePostgres;
import org.sqlite.SQLiteConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * The database of one fault test: a fresh schema on the {@link RestartablePostgres} of this JVM, reached
 * as its password-checked application role, or a fresh SQLite file. Stores opened through it, in this
 * JVM, are closed when it closes; child JVMs reach the same database through {@link #environment()}.
 */
public final class FaultBackend implements AutoCloseable {

    /** Tables where the fault suite's consumers, routes and workflow steps record their side effects. */
    public static final List<String> EFFECT_TABLES = List.of(
            "CREATE TABLE fault_effects (queue TEXT NOT NULL, message_id BIGINT NOT NULL, process TEXT NOT NULL)",
            "CREATE INDEX fault_effects_message ON fault_effects (message_id)",
            "CREATE TABLE fault_steps (run_id BIGINT NOT NULL, step TEXT NOT NULL, process TEXT NOT NULL)",
            "CREATE INDEX fault_steps_run ON fault_steps (run_id)");

    private final BackendKind kind;
    private final RestartablePostgres postgres;
    private final String schema;
    private final Path sqliteFile;
    private final List<Store> stores = new ArrayList<>();

    private FaultBackend(BackendKind kind, RestartablePostgres postgres, String schema, Path sqliteFile) {
        this.kind = kind;
        this.postgres = postgres;
        this.schema = schema;
        this.sqliteFile = sqliteFile;
    }

    /** The backends the suite runs on ({@code PGQRS_TEST_BACKENDS} narrows them, as for the conformance tests). */
    public static Stream<BackendKind> kinds() {
        return BackendInvocations.enabledBackends().stream();
    }

    public static boolean postgresEnabled() {
        return BackendInvocations.enabledBackends().contains(BackendKind.POSTGRES);
    }

    public static FaultBackend create(BackendKind kind) {
        if (kind == BackendKind.POSTGRES) {
            RestartablePostgres pg = RestartablePostgres.shared();
            pg.start(); // a test that stopped it failed before it could start it again
            FaultSuite.secret(pg.password());
            String schema = "fault_" + Long.toHexString(System.nanoTime());
            FaultBackend backend = new FaultBackend(kind, pg, schema, null);
            backend.execute("CREATE SCHEMA " + schema);
            return backend;
        }
        try {
            Path dir = Files.createDirectories(Path.of("target", "fault-sqlite"));
            return new FaultBackend(kind, null, null, Files.createTempFile(dir, "fault-", ".db").toAbsolutePath());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public BackendKind kind() {
        return kind;
    }

    public String label() {
        return kind.label();
    }

    /** The server, on PostgreSQL (null on SQLite). */
    public RestartablePostgres postgres() {
        return postgres;
    }

    public String schema() {
        return schema;
    }

    /** The DSN, password included on PostgreSQL. */
    public String dsn() {
        return kind == BackendKind.POSTGRES ? postgres.dsn() : "sqlite:" + sqliteFile;
    }

    /** Configuration of a store on this database, with small pools (several processes share 2 cores). */
    public PgqrsConfig.Builder config() {
        PgqrsConfig.Builder b = PgqrsConfig.builder().dsn(dsn()).maxConnections(6);
        if (schema != null) {
            b.schema(schema);
        }
        return b;
    }

    /** The variables a child JVM's {@code PgqrsConfig.load()} reads to reach this database. */
    public Map<String, String> environment() {
        Map<String, String> env = new HashMap<>();
        env.put("PGQRS_DSN", dsn());
        env.put("PGQRS_MAX_CONNECTIONS", "6");
        if (schema != null) {
            env.put("PGQRS_SCHEMA", schema);
        }
        return env;
    }

    /** Opens a store (closed with this backend); the first one should install the schema. */
    public Store open(UnaryOperator<PgqrsConfig.Builder> customize) {
        Store store = Pgqrs.connect(customize.apply(config()).build());
        synchronized (stores) {
            stores.add(store);
        }
        return store;
    }

    /** Opens a store and installs the schema and the effect tables. */
    public Store openInstalled(UnaryOperator<PgqrsConfig.Builder> customize) {
        Store store = open(customize);
        store.admin().install();
        EFFECT_TABLES.forEach(this::execute);
        return store;
    }

    /** A plain JDBC connection for the test's own checks (on SQLite, one that waits for other writers). */
    public Connection jdbc() throws SQLException {
        if (kind == BackendKind.POSTGRES) {
            Connection c = postgres.connect();
            try (Statement s = c.createStatement()) {
                s.execute("SET search_path TO " + schema);
            }
            return c;
        }
        SQLiteConfig config = new SQLiteConfig();
        config.setBusyTimeout(30_000);
        return DriverManager.getConnection("jdbc:sqlite:" + sqliteFile, config.toProperties());
    }

    public int execute(String sql) {
        try (Connection c = jdbc(); Statement s = c.createStatement()) {
            return s.executeUpdate(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("test statement failed: " + sql + ": " + e.getMessage(), e);
        }
    }

    public long queryLong(String sql) {
        try (Connection c = jdbc(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getLong(1) : 0;
        } catch (SQLException e) {
            throw new IllegalStateException("test query failed: " + sql + ": " + e.getMessage(), e);
        }
    }

    /** Rows of a query, each as its columns' values read with {@code getObject}. */
    public List<Object[]> query(String sql, Object... params) {
        try (Connection c = jdbc(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            List<Object[]> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                int n = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    Object[] row = new Object[n];
                    for (int i = 0; i < n; i++) {
                        row[i] = rs.getObject(i + 1);
                    }
                    rows.add(row);
                }
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException("test query failed: " + sql + ": " + e.getMessage(), e);
        }
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
        if (postgres != null && postgres.isRunning()) {
            execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
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
