package dev.pgqrs.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.stream.Stream;

/**
 * A real PostgreSQL that a test can stop and start again on the same data directory and port, so that
 * clients see the database go away and come back as after a server restart (the embedded PostgreSQL of
 * io.zonky, started with a fixed data directory and {@code setCleanDataDirectory(false)}).
 *
 * <p>Stores under test connect as {@link #APP_ROLE}, a non-superuser role whose password the server
 * checks (SCRAM over TCP), so a wrong password fails and a password that leaks into a log is a real one.
 * The test itself reaches the server as the superuser {@code postgres} (trusted, no password), e.g. to
 * terminate the library's connections ({@link ConnectionChaos}).
 *
 * <p>{@link #shared()} starts one per JVM; a stop is visible to every test that uses it until
 * {@link #start()}, so tests that stop it start it again before they end.
 */
public final class RestartablePostgres implements AutoCloseable {

    public static final String APP_ROLE = "pgqrs_app";
    public static final String DATABASE = "pgqrs_fault";

    private static volatile RestartablePostgres shared;

    private final Path dataDirectory;
    private final int port;
    private final String password;
    private EmbeddedPostgres running;

    private RestartablePostgres(Path dataDirectory, int port, String password) {
        this.dataDirectory = dataDirectory;
        this.port = port;
        this.password = password;
    }

    /** The server of this JVM's fault tests, started (and prepared) on first use, stopped when the JVM exits. */
    public static RestartablePostgres shared() {
        RestartablePostgres s = shared;
        if (s == null) {
            synchronized (RestartablePostgres.class) {
                s = shared;
                if (s == null) {
                    s = create();
                    Runtime.getRuntime().addShutdownHook(new Thread(s::close, "restartable-postgres-stop"));
                    shared = s;
                }
            }
        }
        return s;
    }

    /** A new server on a free port, in a fresh data directory under {@code target/}, started. */
    public static RestartablePostgres create() {
        try {
            Path parent = Files.createDirectories(Path.of("target", "restartable-postgres"));
            Path dir = Files.createTempDirectory(parent.toAbsolutePath(), "data-");
            byte[] random = new byte[12];
            new SecureRandom().nextBytes(random);
            // Distinctive enough that finding it in a log cannot be a coincidence; URL-safe, so DSNs need no encoding.
            RestartablePostgres pg = new RestartablePostgres(dir, freePort(), "pw-" + HexFormat.of().formatHex(random));
            pg.start();
            pg.prepare();
            return pg;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a restartable PostgreSQL: " + e.getMessage(), e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /**
     * The application role and its database, and a pg_hba.conf in which the superuser is trusted over TCP
     * (the test's own connections, and the embedded server's readiness check) and everyone else must give
     * a password.
     */
    private void prepare() {
        superuserExecute("CREATE ROLE " + APP_ROLE + " LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD '" + password + "'");
        superuserExecute("CREATE DATABASE " + DATABASE + " OWNER " + APP_ROLE);
        String hba = String.join("\n",
                "# written by RestartablePostgres: the superuser is trusted, every other role gives its password",
                "local all all trust",
                "host all postgres 127.0.0.1/32 trust",
                "host all postgres ::1/128 trust",
                "host all all 127.0.0.1/32 scram-sha-256",
                "host all all ::1/128 scram-sha-256",
                "");
        try {
            Files.writeString(dataDirectory.resolve("pg_hba.conf"), hba);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        superuserExecute("SELECT pg_reload_conf()");
        // The postmaster reloads on a signal, a moment later.
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (acceptsWrongPassword()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the server still accepts a wrong password 10 s after reloading pg_hba.conf");
            }
            Thread.onSpinWait();
        }
    }

    private boolean acceptsWrongPassword() {
        try (Connection ignored = DriverManager.getConnection(jdbcUrl(), APP_ROLE, "not-" + password)) {
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    /** Starts the server on its data directory and port (a no-op while it runs). */
    public synchronized void start() {
        if (running != null) {
            return;
        }
        try {
            running = PostgresServer.startEmbedded(dataDirectory, port);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start PostgreSQL on port " + port + ": " + e.getMessage(), e);
        }
    }

    /**
     * Stops the server (pg_ctl stop, fast mode: sessions are terminated, open transactions roll back),
     * keeping its data. Clients see their connections fail and new ones refused until {@link #start()}.
     */
    public synchronized void stop() {
        if (running == null) {
            return;
        }
        try {
            running.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stop PostgreSQL on port " + port + ": " + e.getMessage(), e);
        } finally {
            running = null;
        }
    }

    public synchronized boolean isRunning() {
        return running != null;
    }

    public int port() {
        return port;
    }

    /** The application role's password (what must never appear in a log). */
    public String password() {
        return password;
    }

    /** JDBC URL of the application database (no user, no password). */
    public String jdbcUrl() {
        return "jdbc:postgresql://localhost:" + port + "/" + DATABASE;
    }

    /** A {@code postgres://} DSN of the application database, as the application role, password included. */
    public String dsn() {
        return dsn(password);
    }

    /** The same DSN with another password (for a connection that must be refused). */
    public String dsn(String withPassword) {
        return "postgres://" + APP_ROLE + ":" + withPassword + "@localhost:" + port + "/" + DATABASE;
    }

    /** The server as the application role sees it: what {@link TestBackend}-style helpers connect with. */
    public PostgresServer server() {
        return PostgresServer.of(jdbcUrl(), APP_ROLE, password, "restartable PostgreSQL on port " + port);
    }

    /** A connection as the application role. */
    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), APP_ROLE, password);
    }

    /** A superuser connection (trusted; it never appears among the library's connections). */
    public Connection superuser() throws SQLException {
        Connection c = DriverManager.getConnection("jdbc:postgresql://localhost:" + port + "/" + DATABASE
                + "?ApplicationName=pgqrs-test-superuser", "postgres", null);
        c.setAutoCommit(true);
        return c;
    }

    private void superuserExecute(String sql) {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://localhost:" + port + "/postgres", "postgres", null);
             Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            // The statement may carry the password: name the failure, not the text.
            throw new IllegalStateException("preparing the restartable PostgreSQL failed: " + e.getSQLState(), e);
        }
    }

    /** Stops the server and deletes its data directory. */
    @Override
    public void close() {
        stop();
        try (Stream<Path> files = Files.walk(dataDirectory)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort: target/ is cleaned by the build anyway
        }
    }

    @Override
    public String toString() {
        return "restartable PostgreSQL on port " + port;
    }
}
