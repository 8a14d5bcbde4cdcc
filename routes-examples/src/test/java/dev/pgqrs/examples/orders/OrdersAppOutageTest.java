package dev.pgqrs.examples.orders;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import dev.pgqrs.payload.Json;
import dev.pgqrs.testing.PostgresServer;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The app through a database outage, as an operator lives it: its PostgreSQL server really stops for a
 * while and starts again on the same data, under the running app with the store's default settings (a
 * 10 s connection timeout). Meanwhile every endpoint answers at once in JSON: the POST endpoints 503
 * with Retry-After, /orders/stats 503, /health 503 DOWN (consumers and producers); a valid inbox file
 * waits in the inbox. Afterwards everything works again without a restart.
 *
 * <p>PostgreSQL only: an SQLite store is a file in the process, with no server to lose.
 */
class OrdersAppOutageTest {

    private static final Duration KNOWN = Duration.ofSeconds(60);
    private static final String ORDER = "{\"orderId\":\"%s\",\"items\":[{\"sku\":\"KB-42\",\"quantity\":1}]}";
    private static final String RETURN = "{\"orderId\":\"%s\",\"reason\":\"wrong colour\"}";

    @TempDir
    Path dataDir;

    private EmbeddedPostgres server;
    private RunningApp app;
    private final ListAppender<ILoggingEvent> fileIntakeLog = new ListAppender<>();

    @AfterEach
    void stop() throws Exception {
        ((Logger) LoggerFactory.getLogger(FileIntakeRoutes.class)).detachAppender(fileIntakeLog);
        try {
            if (app != null) {
                app.close();
            }
        } finally {
            if (server != null) {
                server.close();
            }
        }
    }

    @Test
    void duringAnOutageEveryEndpointAnswersAtOnceAndAfterItTheAppWorksWithoutARestart() throws Exception {
        server = PostgresServer.startEmbedded(dataDir, 0);
        int port = server.getPort();
        app = RunningApp.startOn("postgres://postgres:postgres@localhost:" + port + "/postgres", Map.of());
        fileIntakeLog.start();
        ((Logger) LoggerFactory.getLogger(FileIntakeRoutes.class)).addAppender(fileIntakeLog);
        assertThat(app.postJson("/orders", ORDER.formatted("O-1")).statusCode()).isEqualTo(202);
        await().atMost(KNOWN).until(() -> timed(() -> app.get("/health")).statusCode() == 200);

        server.close();
        Path inbox = app.folder("inbox");
        RunningApp.drop(inbox, "during.json", ORDER.formatted("O-2"));

        // Within a connection timeout or so the store knows; from then on, nothing waits for the database.
        await().atMost(KNOWN).until(() -> timed(() -> app.get("/health")).statusCode() == 503);
        JsonNode health = Json.parse(timed(() -> app.get("/health")).body());
        assertThat(health.get("status").asText()).isEqualTo("DOWN");
        assertThat(health.get("store").get("reachable").asBoolean()).isFalse();
        assertThat(states(health)).containsEntry("consumer:orders-intake-queue", "DOWN")
                .containsEntry("producer:http-orders-in:pgqrs:workflow:fulfil-order", "DOWN")
                .containsEntry("producer:file-orders-in:pgqrs:workflow:fulfil-order", "DOWN")
                .containsEntry("producer:partner-orders.partner-orders:pgqrs:orders", "DOWN");

        assertUnavailable(timed(() -> app.postJson("/orders", ORDER.formatted("O-3"))));
        assertUnavailable(timed(() -> app.postJson("/partner/orders", ORDER.formatted("P-3"))));
        assertUnavailable(timed(() -> app.postJson("/returns", RETURN.formatted("O-1"))));
        assertUnavailable(timed(() -> app.get("/orders/stats")));
        assertUnavailable(timed(() -> app.get("/orders/O-1")));

        // The file was tried and could not be enqueued: it is not the file's fault, so it waits in the inbox.
        await().atMost(KNOWN).until(() -> messages(Level.WARN, "file intake: database unreachable") == 1);
        assertThat(inbox.resolve("during.json")).exists();
        assertThat(names(inbox.resolve(".failed"))).isEmpty();

        server = PostgresServer.startEmbedded(dataDir, port);

        await().atMost(KNOWN).until(() -> timed(() -> app.get("/health")).statusCode() == 200);
        assertThat(app.postJson("/orders", ORDER.formatted("O-4")).statusCode()).isEqualTo(202);
        assertThat(app.postJson("/partner/orders", ORDER.formatted("P-4")).statusCode()).isEqualTo(202);
        assertThat(app.postJson("/returns", RETURN.formatted("O-1")).statusCode()).isEqualTo(202);
        assertThat(app.get("/orders/stats").statusCode()).isEqualTo(200);
        assertThat(app.get("/orders/O-1").statusCode()).isEqualTo(200);
        Path outbox = app.folder("outbox");
        await().atMost(KNOWN).until(() -> Stream.of("O-1", "O-2", "O-4", "P-4")
                .allMatch(id -> Files.isRegularFile(outbox.resolve("order-" + id + ".json"))));
        assertThat(names(inbox.resolve(".done"))).singleElement().satisfies(n -> assertThat(n).startsWith("during-"));
        assertThat(names(inbox.resolve(".failed"))).isEmpty();
        await().atMost(KNOWN).until(() -> messages(Level.INFO, "file intake: database reachable again") == 1);
        assertThat(messages(Level.WARN, "file intake: database unreachable")).as("one line per outage, not per poll").isEqualTo(1);
    }

    private static void assertUnavailable(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(response.headers().firstValue("Retry-After")).hasValue("5");
        assertThat(Json.parse(response.body()).get("error").asText()).startsWith("store unavailable, retry in");
    }

    /** The call's response, asserting it came within a second: no answer waits for the database. */
    private static HttpResponse<String> timed(Call call) throws Exception {
        long start = System.nanoTime();
        HttpResponse<String> response = call.run();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("answered").isLessThan(Duration.ofSeconds(1));
        return response;
    }

    private interface Call {
        HttpResponse<String> run() throws Exception;
    }

    private enum Level { WARN, INFO }

    private long messages(Level level, String start) {
        return List.copyOf(fileIntakeLog.list).stream()
                .filter(e -> e.getLevel().toString().equals(level.name()) && e.getFormattedMessage().startsWith(start)).count();
    }

    private static Map<String, String> states(JsonNode health) {
        Map<String, String> states = new java.util.HashMap<>();
        health.get("checks").forEach(c -> states.put(c.get("id").asText(), c.get("state").asText()));
        return states;
    }

    private static List<String> names(Path folder) throws Exception {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return new ArrayList<>(files.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted().toList());
        }
    }
}
