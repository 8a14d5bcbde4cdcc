package dev.pgqrs.examples.orders;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgqrs.payload.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The packaged app ({@code target/pgqrs-examples.jar}) is self-contained: copied alone into an empty
 * folder and started with {@code java -jar}, on an SQLite file, it takes an order over HTTP and answers
 * its fulfilment run, and lists the Karavan designs as RUNNING connectors ({@code GET /connectors}). Configured the two ways an operator does: a port in {@code application.properties}
 * beside the jar, the home folder in the environment ({@code APP_HOME}). Runs after {@code package}
 * (failsafe), in a JVM of its own with nothing of the build on its class path.
 */
class SelfContainedJarIT {

    private static final Path JAR = Path.of("target", "pgqrs-examples.jar");
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Process app;

    @AfterEach
    void stop() throws Exception {
        if (app != null && app.isAlive()) {
            app.destroy(); // SIGTERM: Camel's graceful shutdown
            if (!app.waitFor(60, TimeUnit.SECONDS)) {
                app.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void theJarCopiedAloneIntoAnEmptyFolderRunsTheApp() throws Exception {
        assertThat(JAR).as("mvn package builds it").isRegularFile();
        Path folder = Files.createTempDirectory(Files.createDirectories(Path.of("target", "apps")), "jar-alone-").toAbsolutePath();
        Files.copy(JAR, folder.resolve("pgqrs-examples.jar"));
        int port = freePort();
        Files.writeString(folder.resolve("application.properties"), "app.http.port = " + port + "\n");
        Path log = folder.resolve("app.log");

        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", "pgqrs-examples.jar").directory(folder.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("PGQRS_") || k.startsWith("APP_") || k.startsWith("KAFKA_")
                || k.equals("CLASSPATH") || k.equals("JAVA_TOOL_OPTIONS"));
        pb.environment().put("APP_HOME", folder.resolve("data").toString());
        app = pb.start();

        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250)).until(() -> {
            if (!app.isAlive()) {
                throw new AssertionError("the app exited with " + app.exitValue() + ":\n" + Files.readString(log));
            }
            return status(get(port, "/health")) == 200;
        });
        assertThat(Files.readString(log)).doesNotContain("NoClassDefFoundError", "ClassNotFoundException");

        // the designs run as connectors, operated over the bridge's REST API on the app's port
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            HttpResponse<String> connectors = get(port, "/connectors?expand=status");
            assertThat(status(connectors)).isEqualTo(200);
            JsonNode all = Json.parse(connectors.body());
            for (String name : new String[] {"partner-orders", "returns-intake", "returns-processing"}) {
                assertThat(all.path(name).path("status").path("connector").path("state").asText()).as(connectors.body())
                        .isEqualTo("RUNNING");
            }
        });

        HttpResponse<String> accepted = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/orders"))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString("{\"orderId\":\"JAR-1\",\"items\":[{\"sku\":\"KB-42\",\"quantity\":1}]}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);

        await().atMost(Duration.ofSeconds(60)).until(() -> {
            HttpResponse<String> r = get(port, "/orders/JAR-1");
            return r != null && r.statusCode() == 200 && Json.parse(r.body()).get("status").asText().equals("SUCCESS");
        });
        JsonNode run = Json.parse(get(port, "/orders/JAR-1").body());
        assertThat(run.get("steps").findValuesAsText("name")).contains("reserve-stock", "charge-payment", "ship");
        assertThat(folder.resolve("data").resolve("pgqrs.db")).as("the SQLite store under APP_HOME").isRegularFile();
        assertThat(folder.resolve("data").resolve("outbox").resolve("order-JAR-1.json")).isRegularFile();

        // the dashboard's files come from inside the jar, and its admin API answers
        HttpResponse<String> dashboard = get(port, "/dashboard/");
        assertThat(dashboard.statusCode()).isEqualTo(200);
        assertThat(dashboard.body()).contains("/dashboard/main.js");
        assertThat(get(port, "/dashboard/main.js").body()).contains("import * as queues from './queues.js'");
        assertThat(Json.parse(get(port, "/api/queues").body()).get("queues").findValuesAsText("name")).contains("fulfil-order");
    }

    private HttpResponse<String> get(int port, String path) throws Exception {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).timeout(Duration.ofSeconds(10))
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException notYet) {
            return null;
        }
    }

    private static int status(HttpResponse<String> r) {
        return r == null ? -1 : r.statusCode();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
