package dev.pgqrs.examples.orders;

import dev.pgqrs.testing.BackendInvocations;
import dev.pgqrs.testing.BackendKind;
import dev.pgqrs.testing.PostgresServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The app as an operator starts it, in a JVM of its own with its own logging: what it prints at
 * startup, and how it refuses to start.
 */
class OrdersAppProcessTest {

    private static final Duration STARTUP = Duration.ofSeconds(90);

    @TempDir
    Path home;

    /** A password in the DSN, in either form, reaches neither the log (Camel's summaries included) nor the banner. */
    @Test
    void noPasswordReachesTheLogOrTheBannerInAnyForm() throws Exception {
        assumeTrue(BackendInvocations.enabledBackends().contains(BackendKind.POSTGRES), "PGQRS_TEST_BACKENDS leaves out postgres");
        PostgresServer pg = PostgresServer.get();
        URI server = URI.create(pg.jdbcUrl().substring("jdbc:".length()));
        String hostPort = server.getHost() + ":" + server.getPort();
        String schema = pg.newSchema();
        try {
            // the test server lets any password in; what matters is where the app prints it
            String inUserinfo = "Userinfo-S3cret-4711";
            String inQuery = "Query-S3cret-0815";
            for (String dsn : new String[] {
                    "postgres://postgres:" + inUserinfo + "@" + hostPort + "/postgres",
                    "postgres://postgres@" + hostPort + "/postgres?password=" + inQuery + "&ApplicationName=orders"}) {
                String printed = runUntilStarted(Map.of("PGQRS_DSN", dsn, "PGQRS_SCHEMA", schema));

                assertThat(printed).doesNotContain(inUserinfo).doesNotContain(inQuery);
                assertThat(printed).as("positive control: the banner shows the store, redacted")
                        .contains("pgqrs orders app is running").contains("postgres://postgres:***@" + hostPort + "/postgres");
                assertThat(printed).as("positive control: Camel's summary lists the DSN, masked").contains("pgqrs.dsn = xxxxxx");
            }
        } finally {
            pg.dropSchema(schema);
        }
    }

    @Test
    void aSecondInstanceOnATakenPortExitsWithOneClearLine() throws Exception {
        try (ServerSocket taken = new ServerSocket(0);
             AppProcess app = AppProcess.start(Map.of("APP_HOME", home.toString(),
                     "APP_HTTP_PORT", Integer.toString(taken.getLocalPort())))) {
            await().atMost(STARTUP).until(() -> !app.isAlive() || app.output().contains("is running"));
            assertThat(app.output()).as("it must not run on without its HTTP server").doesNotContain("is running");
            int exit = app.waitForExit(STARTUP);

            assertThat(exit).isNotZero();
            String line = "port " + taken.getLocalPort() + " is in use; set APP_HTTP_PORT";
            assertThat(app.output().lines().filter(l -> l.contains(line))).hasSize(1);
            assertThat(app.output()).doesNotContain("BindException").doesNotContain("\tat ");
        }
    }

    /** Starts the app, waits for its banner, stops it as Ctrl-C does and returns all it printed. */
    private String runUntilStarted(Map<String, String> environment) throws Exception {
        Map<String, String> env = new java.util.HashMap<>(environment);
        env.put("APP_HOME", home.resolve("app-" + System.nanoTime()).toString());
        try (ServerSocket free = new ServerSocket(0)) {
            env.put("APP_HTTP_PORT", Integer.toString(free.getLocalPort()));
        }
        try (AppProcess app = AppProcess.start(env)) {
            await().atMost(STARTUP).until(() -> !app.isAlive() || app.output().contains("Stop with Ctrl-C."));
            assertThat(app.isAlive()).as(app.output()).isTrue();
            app.stop();
            return app.output();
        }
    }
}
