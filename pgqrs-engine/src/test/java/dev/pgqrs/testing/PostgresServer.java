package dev.pgqrs.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

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
        String schema = "t_" + Long.toHexString(System.nanoTime()) + "_" + (int) (Math.random() * 1000);
        execute("CREATE SCHEMA " + schema);
        return schema;
    }

    public void dropSchema(String schema) {
        execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
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
