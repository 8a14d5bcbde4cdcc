package dev.pgqrs.examples.orders;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgqrs.QueueMetrics;
import dev.pgqrs.payload.Json;
import dev.pgqrs.testing.BackendInvocations;
import dev.pgqrs.testing.BackendKind;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The orders app end to end, as an operator uses it: orders over real HTTP and as files dropped in
 * the inbox, processed to the outbox; retries, the dead-letter queue, the durable stock reservation,
 * stats, health, and the Karavan designs running inside the app. Written once, run on SQLite and on
 * PostgreSQL (one app per backend, started once for the class; {@code PGQRS_TEST_BACKENDS} narrows).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class OrdersAppTest {

    private static final Duration PROCESSED = Duration.ofSeconds(20);

    RunningApp app;

    abstract BackendKind backendKind();

    @BeforeAll
    void startApp() throws Exception {
        assumeTrue(BackendInvocations.enabledBackends().contains(backendKind()), "PGQRS_TEST_BACKENDS leaves out " + backendKind());
        app = RunningApp.start(backendKind(), Map.of());
    }

    @AfterAll
    void stopApp() throws Exception {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void aPostedOrderIsAcceptedAndProcessedToTheOutbox() throws Exception {
        HttpResponse<String> response = app.postJson("/orders",
                "{\"orderId\":\"H-1\",\"customer\":\"ACME\",\"items\":[{\"sku\":\"KB-42\",\"quantity\":2},{\"sku\":\"MS-7\",\"quantity\":1}]}");

        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        JsonNode accepted = Json.parse(response.body());
        assertThat(accepted.get("orderId").asText()).isEqualTo("H-1");
        assertThat(accepted.get("queue").asText()).isEqualTo("orders");
        long messageId = accepted.get("messageId").asLong();
        assertThat(messageId).isPositive();

        Path file = app.folder("outbox").resolve("order-H-1.json");
        await().atMost(PROCESSED).until(() -> Files.isRegularFile(file));
        JsonNode order = RunningApp.readJson(file);
        assertThat(order.get("customer").asText()).isEqualTo("ACME");
        assertThat(order.get("source").asText()).isEqualTo("http");
        assertThat(order.get("total").decimalValue()).isEqualByComparingTo(new BigDecimal("204.30")); // 2 × 89.90 + 24.50
        assertThat(order.get("items").get(0).get("lineTotal").decimalValue()).isEqualByComparingTo("179.80");
        assertThat(order.get("reservation").get("id").asText()).startsWith("RSV-H-1-");
        assertThat(order.get("processing").get("messageId").asLong()).isEqualTo(messageId);
        assertThat(order.get("processing").get("deliveries").asInt()).isEqualTo(1);
        // acknowledged: archived in the queue, nothing left pending or leased
        await().atMost(PROCESSED).until(() -> {
            QueueMetrics m = app.store().queues().metrics("orders");
            return m.pending() == 0 && m.leased() == 0;
        });
    }

    @Test
    void badRequestsAreRefusedWithTheReasonAndNothingIsEnqueued() throws Exception {
        long before = app.store().queues().metrics("orders").total();

        assertRefused(app.postJson("/orders", "not json at all"), 400, "not valid JSON");
        assertRefused(app.postJson("/orders", ""), 400, "body is empty");
        assertRefused(app.postJson("/orders", "[{\"orderId\":\"X-1\"}]"), 400, "must be a JSON object");
        assertRefused(app.postJson("/orders", "{\"items\":[{\"sku\":\"KB-42\",\"quantity\":1}]}"), 400, "orderId is required");
        assertRefused(app.postJson("/orders", "{\"orderId\":\"../../etc/passwd\",\"items\":[{\"sku\":\"KB-42\",\"quantity\":1}]}"),
                400, "orderId is required");
        assertRefused(app.postJson("/orders", "{\"orderId\":\"X-2\",\"items\":[]}"), 400, "items must be a non-empty array");
        assertRefused(app.postJson("/orders", "{\"orderId\":\"X-3\",\"items\":[{\"sku\":\"KB-42\",\"quantity\":-1}]}"),
                400, "items[0].quantity must be a positive integer");
        // pgqrs's own payload validation (strings up to 1024 bytes) answers 400 too
        assertRefused(app.postJson("/orders", "{\"orderId\":\"X-4\",\"note\":\"" + "n".repeat(2000)
                + "\",\"items\":[{\"sku\":\"KB-42\",\"quantity\":1}]}"), 400, "1024");
        assertThat(app.post("/orders", "text/plain", "{\"orderId\":\"X-5\"}").statusCode()).isEqualTo(415);

        assertThat(app.store().queues().metrics("orders").total()).isEqualTo(before);
    }

    /** One hostile request: where it goes, what it carries, and the 4xx and reason it must get back. */
    record Hostile(String name, String method, String path, String contentType, byte[] body, int status, String reason) {
        static Hostile post(String name, String path, String body, int status, String reason) {
            return new Hostile(name, "POST", path, "application/json", body.getBytes(StandardCharsets.UTF_8), status, reason);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static List<Hostile> hostileRequests() {
        String items = ",\"items\":[{\"sku\":\"KB-42\",\"quantity\":1}]";
        String order = "{\"orderId\":\"Z-1\"" + items + "}";
        String deep = "[".repeat(2000) + "]".repeat(2000);
        String manyItems = ",{\"sku\":\"KB-42\",\"quantity\":1}".repeat(55_000); // ~1.5 MiB: under the server's limit
        byte[] latin1 = ("{\"orderId\":\"Z-2\",\"customer\":\"Caf\u00e9\"" + items + "}").getBytes(StandardCharsets.ISO_8859_1);
        byte[] rawNul = ("{\"orderId\":\"Z-3\",\"note\":\"a\u0000b\"" + items + "}").getBytes(StandardCharsets.UTF_8);
        byte[] overLimit = ("{\"orderId\":\"Z-4\",\"note\":\"" + "x".repeat(2 * 1024 * 1024) + "\"" + items + "}")
                .getBytes(StandardCharsets.UTF_8);
        return List.of(
                Hostile.post("malformed JSON", "/orders", "{\"orderId\": ", 400, "not valid JSON"),
                Hostile.post("trailing tokens", "/orders", order + " trailing garbage", 400, "Unrecognized token 'trailing'"),
                Hostile.post("two documents", "/orders", order + order, 400, "not one JSON document"),
                Hostile.post("two documents, comma-separated", "/orders", order + "," + order, 400, "not valid JSON"),
                Hostile.post("a field twice", "/orders", "{\"orderId\":\"Z-5\",\"orderId\":\"../x\"" + items + "}", 400,
                        "Duplicate field 'orderId'"),
                Hostile.post("escaped NUL", "/orders", "{\"orderId\":\"Z-6\",\"note\":\"a\\u0000b\"" + items + "}", 400,
                        "note contains a NUL character"),
                new Hostile("raw NUL byte", "POST", "/orders", "application/json", rawNul, 400, "not valid JSON"),
                Hostile.post("lone surrogate", "/orders", "{\"orderId\":\"Z-7\",\"customer\":{\"name\":\"\\udc00\"}" + items + "}",
                        400, "customer.name contains a lone UTF-16 surrogate"),
                new Hostile("not UTF-8", "POST", "/orders", "application/json", latin1, 400, "the body is not UTF-8 text"),
                new Hostile("over 2 MiB", "POST", "/orders", "application/json", overLimit, 413, "over the limit of 2097152 bytes"),
                Hostile.post("1.5 MiB order", "/orders", "{\"orderId\":\"Z-8\",\"items\":[{\"sku\":\"KB-42\",\"quantity\":1}"
                        + manyItems + "]}", 400, "more than the limit of 1048576"),
                Hostile.post("deep nesting", "/orders", "{\"orderId\":\"Z-9\"" + items + ",\"x\":" + deep + "}", 400,
                        "nesting depth"),
                Hostile.post("nesting deeper than pgqrs takes", "/orders", "{\"orderId\":\"Z-10\"" + items + ",\"x\":"
                        + "[".repeat(8) + "]".repeat(8) + "}", 400, "deeper than the limit of"),
                new Hostile("wrong content type", "POST", "/orders", "text/plain", order.getBytes(StandardCharsets.UTF_8), 415,
                        "content type 'text/plain' is not accepted by POST /orders"),
                Hostile.post("empty body", "/orders", "", 400, "the body is empty"),
                Hostile.post("a JSON array", "/orders", "[" + order + "]", 400, "must be a JSON object"),
                new Hostile("wrong method", "GET", "/orders", null, null, 405, "method GET is not allowed on /orders"),
                new Hostile("no such endpoint", "POST", "/ordres", "application/json", order.getBytes(StandardCharsets.UTF_8), 404,
                        "no such endpoint: POST /ordres"),
                new Hostile("design, wrong content type", "POST", "/partner/orders", "text/plain",
                        order.getBytes(StandardCharsets.UTF_8), 415, "is not accepted by POST /partner/orders"),
                new Hostile("design, over 2 MiB", "POST", "/returns", "application/json", overLimit, 413, "over the limit"),
                Hostile.post("design, malformed JSON", "/returns", "{\"orderId\": ", 400, "the body must be a JSON object"));
    }

    @Test
    void hostileRequestsAreRefusedInJsonNamingTheProblemAndEnqueueNothing() throws Exception {
        long orders = app.total("orders");
        long returns = app.total("returns");
        try (LogCapture log = new LogCapture()) {
            for (Hostile h : hostileRequests()) {
                HttpResponse<String> response = h.body == null ? app.send(h.method, h.path) : app.post(h.path, h.contentType, h.body);

                assertThat(response.statusCode()).as(h + ": " + response.body()).isEqualTo(h.status);
                assertThat(response.headers().firstValue("Content-Type")).as(h.name).hasValue("application/json");
                assertThat(Json.parse(response.body()).get("error").asText()).as(h.name).contains(h.reason);
            }
            assertThat(log.withStackTraces()).as("a refused request is one short log line at most").isEmpty();
            assertThat(log.events()).noneMatch(e -> e.getFormattedMessage().contains("Unhandled exception"));
        }
        assertThat(app.total("orders")).as("nothing enqueued on orders").isEqualTo(orders);
        assertThat(app.total("returns")).as("nothing enqueued on returns").isEqualTo(returns);
    }

    @Test
    void anEmptyInboxFileIsRejectedWithoutHoldingUpTheOthers() throws Exception {
        Path inbox = app.folder("inbox");
        RunningApp.drop(inbox, "empty.json", new byte[0]);
        RunningApp.drop(inbox, "after-empty.json", "{\"orderId\":\"E-1\",\"items\":[{\"sku\":\"HD-1\",\"quantity\":1}]}");

        Path error = inbox.resolve(".failed").resolve("empty.json.error.txt");
        await().atMost(PROCESSED).until(() -> Files.isRegularFile(error));
        assertThat(Files.readString(error)).startsWith("empty file");
        // the reason is written first, then the file moves (and its read lock goes) as its exchange completes
        await().atMost(PROCESSED).until(() -> Files.isRegularFile(inbox.resolve(".failed").resolve("empty.json"))
                && !Files.exists(inbox.resolve("empty.json.camelLock")));
        // Behind a zero-byte file that was never let go, every other file waited out its read lock
        // (7-10 s); now it is taken within the read lock's second or two.
        await().atMost(Duration.ofSeconds(6)).until(() -> Files.isRegularFile(app.folder("outbox").resolve("order-E-1.json")));
    }

    @Test
    void aBinaryInboxFileIsRejectedNamingTheProblem() throws Exception {
        Path inbox = app.folder("inbox");
        long before = app.total("orders");
        byte[] binary = new byte[300];
        for (int i = 0; i < binary.length; i++) {
            binary[i] = (byte) (i * 37 + 0x80); // no valid UTF-8 sequence starts here
        }
        try (LogCapture log = new LogCapture()) {
            RunningApp.drop(inbox, "binary.json", binary);

            Path error = inbox.resolve(".failed").resolve("binary.json.error.txt");
            await().atMost(PROCESSED).until(() -> Files.isRegularFile(error));
            assertThat(Files.readString(error)).startsWith("the file is not UTF-8 text: invalid byte sequence at byte 0 of 300");
            await().atMost(PROCESSED).until(() -> Files.isRegularFile(inbox.resolve(".failed").resolve("binary.json")));
            assertThat(log.events()).filteredOn(e -> e.getFormattedMessage().contains("binary.json")).singleElement()
                    .satisfies(e -> assertThat(e.getThrowableProxy()).as("one line, no stack trace").isNull());
        }
        assertThat(app.total("orders")).isEqualTo(before);
    }

    @Test
    void aDroppedFileBecomesOneBatchOfOrders() throws Exception {
        Path inbox = app.folder("inbox");
        RunningApp.drop(inbox, "batch-1.jsonl", """
                {"orderId":"F-1","items":[{"sku":"HD-1","quantity":1}]}
                {"orderId":"F-2","items":[{"sku":"CB-5","quantity":3}]}
                """);
        RunningApp.drop(inbox, "single.json", """
                {
                  "orderId": "F-3",
                  "items": [ {"sku": "MS-7", "quantity": 1} ]
                }
                """);

        Path outbox = app.folder("outbox");
        await().atMost(PROCESSED).until(() -> Stream.of("F-1", "F-2", "F-3")
                .allMatch(id -> Files.isRegularFile(outbox.resolve("order-" + id + ".json"))));
        assertThat(RunningApp.readJson(outbox.resolve("order-F-2.json")).get("source").asText()).isEqualTo("file:batch-1.jsonl");
        await().atMost(PROCESSED).until(() -> listNames(inbox.resolve(".done")).stream()
                .filter(n -> n.startsWith("batch-1-") || n.startsWith("single-")).count() == 2);
        assertThat(listNames(inbox)).noneMatch(n -> n.endsWith(".json") || n.endsWith(".jsonl"));
    }

    @Test
    void aFileWithOneBadOrderIsRejectedWhole() throws Exception {
        Path inbox = app.folder("inbox");
        long before = app.store().queues().metrics("orders").total();

        RunningApp.drop(inbox, "mixed.jsonl", """
                {"orderId":"M-1","items":[{"sku":"HD-1","quantity":1}]}
                {"orderId":"M-2","items":[{"sku":"HD-1"}]}
                """);

        Path error = inbox.resolve(".failed").resolve("mixed.jsonl.error.txt");
        await().atMost(PROCESSED).until(() -> Files.isRegularFile(error));
        assertThat(Files.readString(error)).contains("order 2 (M-2): items[0].quantity must be a positive integer");
        await().atMost(PROCESSED).until(() -> Files.isRegularFile(inbox.resolve(".failed").resolve("mixed.jsonl")));
        assertThat(app.store().queues().metrics("orders").total()).as("all or nothing").isEqualTo(before);
        assertThat(app.folder("outbox").resolve("order-M-1.json")).doesNotExist();
    }

    @Test
    void anOrderThatKeepsFailingIsRetriedThenDeadLettered() throws Exception {
        HttpResponse<String> response = app.postJson("/orders", "{\"orderId\":\"D-1\",\"items\":[{\"sku\":\"NOPE-1\",\"quantity\":1}]}");
        assertThat(response.statusCode()).isEqualTo(202);

        Path failed = app.folder("failed");
        await().atMost(PROCESSED).until(() -> deadLetterOf(failed, "D-1") != null);
        JsonNode deadLetter = deadLetterOf(failed, "D-1");
        JsonNode context = deadLetter.get("_pgqrsDeadLetter");
        assertThat(context.get("queue").asText()).isEqualTo("orders");
        assertThat(context.get("messageId").asLong()).isEqualTo(Json.parse(response.body()).get("messageId").asLong());
        assertThat(context.get("attempts").asInt()).as("app.orders.max-attempts").isEqualTo(4);
        assertThat(context.get("error").asText()).contains("unknown SKU 'NOPE-1'");
        assertThat(app.folder("outbox").resolve("order-D-1.json")).doesNotExist();
    }

    @Test
    void theStockReservationIsADurableStepThatARetryDoesNotRepeat() throws Exception {
        // The outbox write fails while a directory sits where the order's file goes: the message is
        // retried. The stock, reserved in the durable step before the write, must be taken once.
        Path outbox = app.folder("outbox");
        Path blocker = outbox.resolve("order-S-1.json");
        Files.createDirectories(blocker.resolve("in-the-way"));
        int stockBefore = app.inventory().stockOf("LS-3");

        HttpResponse<String> response = app.postJson("/orders", "{\"orderId\":\"S-1\",\"items\":[{\"sku\":\"LS-3\",\"quantity\":2}]}");
        assertThat(response.statusCode()).isEqualTo(202);
        long messageId = Json.parse(response.body()).get("messageId").asLong();

        // Once a failed delivery has given the message back, hold it there (its retry due in an hour) while
        // the blocker goes: no delivery can be writing the outbox meanwhile, so none races the cleanup.
        await().atMost(PROCESSED).pollInterval(Duration.ofMillis(10)).until(() -> app.holdForRetry(messageId) == 1);
        Files.delete(blocker.resolve("in-the-way"));
        Files.delete(blocker);
        assertThat(app.makeDue(messageId)).isEqualTo(1);

        await().atMost(PROCESSED).until(() -> Files.isRegularFile(blocker));
        JsonNode order = RunningApp.readJson(blocker);
        assertThat(order.get("processing").get("deliveries").asInt()).isGreaterThanOrEqualTo(2);
        assertThat(order.get("processing").get("stepReplayed").asBoolean()).as("reservation restored, not redone").isTrue();
        assertThat(order.get("reservation").get("id").asText()).startsWith("RSV-S-1-");
        assertThat(app.inventory().stockOf("LS-3")).isEqualTo(stockBefore - 2);
    }

    @Test
    void statsAndHealthAnswerInJson() throws Exception {
        HttpResponse<String> stats = app.get("/orders/stats");
        assertThat(stats.statusCode()).isEqualTo(200);
        JsonNode queues = Json.parse(stats.body()).get("queues");
        List<String> names = queues.findValuesAsText("queue");
        assertThat(names).contains("orders", "orders-dlq", "returns");
        for (JsonNode q : queues) {
            assertThat(q.has("pending") && q.has("leased") && q.has("archived") && q.has("deadLettered")).isTrue();
        }

        await().atMost(PROCESSED).untilAsserted(() -> {
            HttpResponse<String> health = app.get("/health");
            assertThat(health.statusCode()).isEqualTo(200);
            JsonNode body = Json.parse(health.body());
            assertThat(body.get("status").asText()).isEqualTo("UP");
            List<String> ids = body.get("checks").findValuesAsText("id");
            assertThat(ids).contains("consumer:orders-processor", "route:partner-orders", "producer:http-orders-in:pgqrs:orders",
                    "producer:file-orders-in:pgqrs:orders", "producer:partner-orders:pgqrs:orders");
            assertThat(ids).as("the returns design's producer, in the pgqrs-sink Kamelet's route")
                    .anyMatch(id -> id.matches("producer:pgqrs-sink-\\d+:pgqrs:returns"));
            assertThat(body.get("store").get("reachable").asBoolean()).isTrue();
        });
    }

    @Test
    void theKaravanDesignsRunInsideTheApp() throws Exception {
        // partner-orders.camel.yaml enqueues on the queue the Java processor consumes
        HttpResponse<String> partner = app.postJson("/partner/orders", "{\"orderId\":\"P-1\",\"items\":[{\"sku\":\"KB-42\",\"quantity\":1}]}");
        assertThat(partner.statusCode()).isEqualTo(202);
        assertThat(Json.parse(partner.body()).get("queue").asText()).isEqualTo("orders");
        assertRefused(app.postJson("/partner/orders", "{\"orderId\":\"P-2\"}"), 400, "needs orderId and items");
        Path order = app.folder("outbox").resolve("order-P-1.json");
        await().atMost(PROCESSED).until(() -> Files.isRegularFile(order));
        assertThat(RunningApp.readJson(order).get("total").decimalValue()).isEqualByComparingTo("89.90");

        // returns-intake (pgqrs-sink Kamelet) → returns-processing (pgqrs-source Kamelet, durable refund step)
        HttpResponse<String> ret = app.postJson("/returns", "{\"orderId\":\"P-1\",\"reason\":\"wrong colour\"}");
        assertThat(ret.statusCode()).isEqualTo(202);
        Path refunds = app.folder("refunds");
        await().atMost(PROCESSED).until(() -> !listNames(refunds).isEmpty());
        JsonNode refund = RunningApp.readJson(refunds.resolve(listNames(refunds).get(0)));
        assertThat(refund.get("refundId").asText()).startsWith("REF-");
        assertThat(refund.get("return").get("reason").asText()).isEqualTo("wrong colour");
    }

    private static void assertRefused(HttpResponse<String> response, int status, String reason) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(Json.parse(response.body()).get("error").asText()).contains(reason);
    }

    private static JsonNode deadLetterOf(Path failed, String orderId) throws Exception {
        for (String name : listNames(failed)) {
            JsonNode node = RunningApp.readJson(failed.resolve(name));
            if (orderId.equals(node.path("orderId").asText())) {
                return node;
            }
        }
        return null;
    }

    private static List<String> listNames(Path folder) throws Exception {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(Files::isRegularFile).map(p -> p.getFileName().toString())
                    .filter(n -> !n.startsWith(".")).sorted().toList();
        }
    }
}

class OrdersAppSqliteTest extends OrdersAppTest {
    @Override
    BackendKind backendKind() {
        return BackendKind.SQLITE;
    }
}

class OrdersAppPostgresTest extends OrdersAppTest {
    @Override
    BackendKind backendKind() {
        return BackendKind.POSTGRES;
    }
}
