package dev.pgqrs.examples.orders;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgqrs.payload.Json;
import dev.pgqrs.testing.BackendInvocations;
import dev.pgqrs.testing.BackendKind;
import dev.pgqrs.testing.TestBackend;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The orders app runs its Karavan designs as connectors of its store: one per design file, named after it, listed
 * and operated over the bridge's REST API on the app's own port. A paused HTTP intake connector takes no orders
 * until it is resumed, and stays paused when the app restarts. Designs from a folder being edited are connectors too. Written once, run on SQLite and on PostgreSQL.
 */
abstract class OrdersConnectorsTest {

    private static final List<String> DESIGNS = List.of("partner-orders", "returns-intake", "returns-processing");
    private static final Duration CONVERGED = Duration.ofSeconds(20);
    private static final String PARTNER_ORDER = "{\"orderId\":\"%s\",\"items\":[{\"sku\":\"KB-42\",\"quantity\":1}]}";

    abstract BackendKind backendKind();

    @BeforeEach
    void backendEnabled() {
        assumeTrue(BackendInvocations.enabledBackends().contains(backendKind()), "PGQRS_TEST_BACKENDS leaves out " + backendKind());
    }

    @Test
    void theDesignsAreRunningConnectorsOnTheAppsPort() throws Exception {
        try (RunningApp app = RunningApp.start(backendKind(), Map.of())) {
            HttpResponse<String> list = app.get("/connectors");
            assertThat(list.statusCode()).as(list.body()).isEqualTo(200);
            assertThat(names(Json.parse(list.body()))).containsExactlyInAnyOrderElementsOf(DESIGNS);

            JsonNode expanded = Json.parse(app.get("/connectors?expand=status").body());
            for (String name : DESIGNS) {
                JsonNode status = expanded.path(name).path("status");
                assertThat(status.path("connector").path("state").asText()).as(name + ": " + status).isEqualTo("RUNNING");
                assertThat(status.path("tasks").findValuesAsText("state")).as(name + ": " + status).isNotEmpty().containsOnly("RUNNING");
            }
            JsonNode config = Json.parse(app.get("/connectors/partner-orders/config").body());
            assertThat(config.path("design").asText()).as("the design file, as written").contains("path: /partner/orders");

            // restart and stop/resume answer as Kafka Connect's
            assertThat(app.send("POST", "/connectors/returns-processing/restart").statusCode()).isEqualTo(204);
            assertThat(app.send("PUT", "/connectors/returns-processing/stop").statusCode()).isEqualTo(204);
            awaitState(app, "returns-processing", "STOPPED");
            assertThat(app.send("PUT", "/connectors/returns-processing/resume").statusCode()).isEqualTo(202);
            awaitState(app, "returns-processing", "RUNNING");

            // the Java parts of the app are as they were
            assertThat(app.postJson("/orders", PARTNER_ORDER.formatted("J-1")).statusCode()).isEqualTo(202);
            app.awaitRun("J-1", "SUCCESS");
        }
    }

    @Test
    void aPausedIntakeTakesNoOrdersUntilResumedAndStaysPausedAcrossARestart() throws Exception {
        TestBackend backend = TestBackend.create(backendKind());
        try {
            Map<String, String> store = new HashMap<>();
            if (backend.schema() != null) {
                store.put("pgqrs.schema", backend.schema());
            }
            try (RunningApp app = RunningApp.startOn(backend.dsn(), store)) {
                assertThat(app.postJson("/partner/orders", PARTNER_ORDER.formatted("P-1")).statusCode()).isEqualTo(202);
                app.awaitRun("P-1", "SUCCESS");

                assertThat(app.send("PUT", "/connectors/partner-orders/pause").statusCode()).isEqualTo(202);
                awaitState(app, "partner-orders", "PAUSED");
                long before = app.total("orders");
                HttpResponse<String> refused = app.postJson("/partner/orders", PARTNER_ORDER.formatted("P-2"));
                // a route suspended while it ran answers 503 (Vert.x keeps its path)
                assertThat(refused.statusCode()).as("a paused HTTP intake: " + refused.body()).isEqualTo(503);
                assertThat(app.total("orders")).as("nothing enqueued while paused").isEqualTo(before);
                assertThat(app.runsOf("P-2")).isEmpty();
                // the other connectors go on
                assertThat(app.postJson("/returns", "{\"orderId\":\"P-1\",\"reason\":\"too big\"}").statusCode()).isEqualTo(202);
            }

            try (RunningApp again = RunningApp.startOn(backend.dsn(), store)) {
                JsonNode status = Json.parse(again.get("/connectors/partner-orders/status").body());
                assertThat(status.path("connector").path("state").asText()).as("paused before the restart: " + status).isEqualTo("PAUSED");
                // a connector loaded paused never had its routes started: its path is not served (404)
                HttpResponse<String> notServed = again.postJson("/partner/orders", PARTNER_ORDER.formatted("P-2"));
                assertThat(notServed.statusCode()).as(notServed.body()).isEqualTo(404);
                assertThat(again.runsOf("P-2")).isEmpty();
                assertThat(Json.parse(again.get("/connectors/returns-intake/status").body()).path("connector").path("state").asText())
                        .isEqualTo("RUNNING");

                assertThat(again.send("PUT", "/connectors/partner-orders/resume").statusCode()).isEqualTo(202);
                awaitState(again, "partner-orders", "RUNNING");
                HttpResponse<String> accepted = again.postJson("/partner/orders", PARTNER_ORDER.formatted("P-2"));
                assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
                JsonNode run = again.awaitRun("P-2", "SUCCESS");
                assertThat(run.get("output").get("total").decimalValue()).isPositive();
            }
        } finally {
            backend.close();
        }
    }

    @Test
    void designsFromAFolderBeingEditedAreConnectorsToo() throws Exception {
        Path folder = Files.createTempDirectory(Files.createDirectories(Path.of("target", "apps")), "designs-").toAbsolutePath();
        Files.copy(Path.of("..", "karavan-designs", "orders-intake", "partner-orders.camel.yaml"),
                folder.resolve("partner-orders.camel.yaml"));
        try (RunningApp app = RunningApp.start(backendKind(), Map.of("app.designs", "file:" + folder + "/*.camel.yaml"))) {
            assertThat(names(Json.parse(app.get("/connectors").body()))).containsExactly("partner-orders");
            awaitState(app, "partner-orders", "RUNNING");
            assertThat(app.postJson("/partner/orders", PARTNER_ORDER.formatted("E-1")).statusCode()).isEqualTo(202);
            app.awaitRun("E-1", "SUCCESS");
        }

        Path empty = Files.createTempDirectory(Path.of("target", "apps"), "no-designs-").toAbsolutePath();
        assertThatThrownBy(() -> RunningApp.start(backendKind(), Map.of("app.designs", "file:" + empty + "/*.camel.yaml")).close())
                .satisfies(e -> assertThat(OrdersApp.operatorReason(e)).as(e.toString())
                        .isEqualTo("the designs file:" + empty + "/*.camel.yaml match no .camel.yaml file"));
    }

    private static List<String> names(JsonNode array) {
        return java.util.stream.StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
    }

    /** Waits until the connector and every one of its tasks have the state. */
    private static void awaitState(RunningApp app, String connector, String state) {
        await().atMost(CONVERGED).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            JsonNode status = Json.parse(app.get("/connectors/" + connector + "/status").body());
            assertThat(status.path("connector").path("state").asText()).as(status.toString()).isEqualTo(state);
            assertThat(status.path("tasks").findValuesAsText("state")).as(status.toString()).isNotEmpty().containsOnly(state);
        });
    }
}

class OrdersConnectorsSqliteTest extends OrdersConnectorsTest {
    @Override
    BackendKind backendKind() {
        return BackendKind.SQLITE;
    }
}

class OrdersConnectorsPostgresTest extends OrdersConnectorsTest {
    @Override
    BackendKind backendKind() {
        return BackendKind.POSTGRES;
    }
}
