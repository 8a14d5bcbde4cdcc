package dev.pgqrs.testing;

import dev.pgqrs.store.postgres.PostgresIdentifiers;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.awaitility.Awaitility;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * The PostgreSQL server the tests use, started once per JVM:
 * <ol>
 *   <li>{@code PGQRS_TEST_DSN} (a {@code postgres://} DSN): an external server;</li>
 *   <li>otherwise, where a Docker engine answers, a Testcontainers PostgreSQL;</li>
 *   <li>otherwise an embedded PostgreSQL (io.zonky), a real server started in-process.</li>
 * </ol>
 * Tests never share tables: each gets a schema of its own ({@link #newSchema()}).
 */
public final class PostgresServer {

    private static volatile PostgresServer instance;

    private final String jdbcUrl;
    private final String user;
    private final String password;
    private final String description;

    private PostgresServer(String jdbcUrl, String user, String password, String description) {
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
        this.description = description;
    }

    public static PostgresServer get() {
        PostgresServer s = instance;
        if (s == null) {
            synchronized (PostgresServer.class) {
                s = instance;
                if (s == null) {
                    s = start();
                    instance = s;
                }
            }
        }
        return s;
    }

    private static PostgresServer start() {
        String external = System.getenv("PGQRS_TEST_DSN");
        if (external != null && !external.isBlank()) {
            var dsn = dev.pgqrs.config.Dsn.parse(external);
            return new PostgresServer(dsn.jdbcUrl(), dsn.user(), dsn.password(), "external server " + dsn);
        }
        if (dockerAvailable()) {
            PostgresServer fromContainer = ContainerPostgres.start();
            if (fromContainer != null) {
                return fromContainer;
            }
        }
        return embedded();
    }

    static PostgresServer of(String jdbcUrl, String user, String password, String description) {
        return new PostgresServer(jdbcUrl, user, password, description);
    }

    private static boolean dockerAvailable() {
        return System.getenv("DOCKER_HOST") != null || Files.exists(Path.of("/var/run/docker.sock"));
    }

    private static PostgresServer embedded() {
        try {
            EmbeddedPostgres pg = startEmbedded(null, 0);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    pg.close();
                } catch (IOException ignored) {
                    // the JVM is exiting
                }
            }));
            return new PostgresServer(pg.getJdbcUrl("postgres", "postgres"), "postgres", "postgres",
                    "embedded PostgreSQL on port " + pg.getPort());
        } catch (IOException e) {
            throw new IllegalStateException("cannot start embedded PostgreSQL: " + e.getMessage(), e);
        }
    }

    /**
     * Starts an embedded server. With a data directory and port, a stopped server can be started
     * again on the same data (for tests where the database goes away and comes back).
     */
    public static EmbeddedPostgres startEmbedded(Path dataDirectory, int port) throws IOException {
        EmbeddedPostgres.Builder b = EmbeddedPostgres.builder()
                .setServerConfig("max_connections", "300")
                .setServerConfig("fsync", "off")
                .setServerConfig("synchronous_commit", "off")
                .setServerConfig("full_page_writes", "off");
        if (dataDirectory != null) {
            b.setDataDirectory(dataDirectory).setCleanDataDirectory(false);
        }
        if (port > 0) {
            b.setPort(port);
        }
        return b.start();
    }

    public String jdbcUrl() {
        return jdbcUrl;
    }

    /** A {@code postgres://} DSN for the server's default database. */
    public String dsn() {
        String hostAndDb = jdbcUrl.substring("jdbc:postgresql://".length());
        int query = hostAndDb.indexOf('?');
        if (query >= 0) {
            hostAndDb = hostAndDb.substring(0, query);
        }
        return "postgres://" + user + (password == null ? "" : ":" + password) + "@" + hostAndDb;
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl, user, password);
    }

    /** Creates a fresh, empty schema and returns its name. */
    public String newSchema() {
        return createSchema("t_" + Long.toHexString(System.nanoTime()) + "_" + (int) (Math.random() * 1000));
    }

    /** Creates the schema of exactly that name (quoted: case and '$' are kept) and returns the name. */
    public String createSchema(String schema) {
        execute("CREATE SCHEMA " + PostgresIdentifiers.quote(schema));
        return schema;
    }

    public void dropSchema(String schema) {
        execute("DROP SCHEMA IF EXISTS " + PostgresIdentifiers.quote(schema) + " CASCADE");
    }

    /**
     * A login role whose password the server checks, for tests of a wrong password: an embedded server
     * trusts every local connection, so a line requiring SCRAM for this role alone is put first in its
     * pg_hba.conf (other roles keep their access). Returns the host:port/database part of a DSN.
     */
    public synchronized String hostWithPasswordCheckedRole(String role, String password) throws Exception {
        String quoted = PostgresIdentifiers.quote(role);
        execute("DO $$ BEGIN CREATE ROLE " + quoted + " LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$");
        execute("ALTER ROLE " + quoted + " PASSWORD '" + password.replace("'", "''") + "'");
        if (!acceptsWrongPassword(role)) {
            return hostAndDatabase();
        }
        Path hba;
        try (Connection c = connect(); Statement s = c.createStatement(); var rs = s.executeQuery("SHOW hba_file")) {
            rs.next();
            hba = Path.of(rs.getString(1));
        }
        if (!Files.isWritable(hba)) {
            throw new IllegalStateException(description + " accepts any password for " + role + " (trust authentication) "
                    + "and its " + hba + " cannot be changed from here; run this test against a server that checks passwords");
        }
        String rule = "host all " + quoted + " all scram-sha-256\nlocal all " + quoted + " scram-sha-256\n";
        Files.writeString(hba, rule + Files.readString(hba));
        execute("SELECT pg_reload_conf()");
        // The postmaster reloads on a signal, a moment later.
        Awaitility.await("pg_hba.conf reloaded").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> !acceptsWrongPassword(role));
        return hostAndDatabase();
    }

    private boolean acceptsWrongPassword(String role) {
        // Not jdbcUrl: its own ?user= would win over the role.
        try (Connection ignored = DriverManager.getConnection("jdbc:postgresql://" + hostAndDatabase(), role, "certainly-not-" + role)) {
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    private String hostAndDatabase() {
        String hostAndDb = jdbcUrl.substring("jdbc:postgresql://".length());
        int query = hostAndDb.indexOf('?');
        return query >= 0 ? hostAndDb.substring(0, query) : hostAndDb;
    }

    public void execute(String sql) {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return description;
    }
}
