package dev.pgqrs.examples.orders;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgqrs.QueueMetrics;
import dev.pgqrs.payload.Json;
import dev.pgqrs.testing.BackendInvocations;
import dev.pgqrs.testing.BackendKind;
import dev.pgqrs.workflow.RunDetails;
import dev.pgqrs.workflow.RunStatus;
import dev.pgqrs.workflow.StepInfo;
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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The orders app end to end, as an operator uses it: orders over real HTTP and as files dropped in
 * the inbox, fulfilled by the fulfil-order workflow (its run and steps read back over GET /orders/ID),
 * duplicates recognised, each step retried under its own policy, a declined charge failing the run,
 * the orders queue's dead letters, stats, health, and the Karavan designs running inside the app. Written once, run on SQLite and on
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
    void aPostedOrderIsFulfilledInDurableStepsAndItsRunAnswersGetOrders() throws Exception {
        HttpResponse<String> response = app.postJson("/orders",
                "{\"orderId\":\"H-1\",\"customer\":\"ACME\",\"items\":[{\"sku\":\"KB-42\",\"quantity\":2},{\"sku\":\"MS-7\",\"quantity\":1}]}");

        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(response.headers().firstValue("Location")).hasValue("/orders/H-1");
        JsonNode accepted = Json.parse(response.body());
        assertThat(accepted.get("orderId").asText()).isEqualTo("H-1");
        assertThat(accepted.get("workflow").asText()).isEqualTo("fulfil-order");
        assertThat(accepted.get("duplicate").asBoolean()).isFalse();
        long runId = accepted.get("runId").asLong();
        assertThat(runId).isPositive();

        JsonNode run = app.awaitRun("H-1", "SUCCESS");
        assertThat(run.get("runId").asLong()).isEqualTo(runId);
        assertThat(run.get("steps").findValuesAsText("name"))
                .containsExactly("claim-order", "validate", "reserve-stock", "charge-payment", "ship");
        for (JsonNode step : run.get("steps")) {
            assertThat(step.get("status").asText()).as(step.toString()).isEqualTo("SUCCESS");
            assertThat(step.get("attempts").asInt()).as(step.toString()).isEqualTo(1);
            assertThat(step.has("error")).as(step.toString()).isFalse();
        }
        JsonNode output = run.get("output");
        assertThat(output.get("total").decimalValue()).isEqualByComparingTo(new BigDecimal("204.30")); // 2 × 89.90 + 24.50
        assertThat(output.get("reservationId").asText()).startsWith("RSV-H-1-");
        assertThat(output.get("paymentId").asText()).startsWith("PAY-H-1-");
        assertThat(output.get("trackingId").asText()).isEqualTo("TRK-H-1");

        JsonNode note = RunningApp.readJson(app.folder("outbox").resolve("order-H-1.json"));
        assertThat(note.get("customer").asText()).isEqualTo("ACME");
        assertThat(note.get("source").asText()).isEqualTo("http");
        assertThat(note.get("items").get(0).get("lineTotal").decimalValue()).isEqualByComparingTo("179.80");
        assertThat(note.get("reservation").get("id").asText()).isEqualTo(output.get("reservationId").asText());
        assertThat(note.get("fulfilment").get("runId").asLong()).isEqualTo(runId);
        // the run's message is archived with the run: nothing left pending or leased
        QueueMetrics m = app.store().queues().metrics("fulfil-order");
        assertThat(m.pending() + m.leased()).isZero();
    }

    @Test
    void getOrdersAnswers404ForAnOrderNeverTakenInAnd400ForSomethingThatIsNoOrderId() throws Exception {
        assertRefused(app.get("/orders/NEVER-SEEN"), 404, "no order 'NEVER-SEEN'");
        assertRefused(app.get("/orders/bad%20id"), 400, "is not an order id");
        assertThat(app.get("/orders/stats").statusCode()).as("stats is not an order").isEqualTo(200);
    }

    @Test
    void theSameOrderPostedAgainIsAnsweredWithTheFirstRunAndFulfilledOnce() throws Exception {
        String order = "{\"orderId\":\"DUP-1\",\"items\":[{\"sku\":\"CB-5\",\"quantity\":1}]}";
        int stockBefore = app.inventory().stockOf("CB-5");
        HttpResponse<String> first = app.postJson("/orders", order);
        assertThat(first.statusCode()).isEqualTo(202);
        long runId = Json.parse(first.body()).get("runId").asLong();

        HttpResponse<String> again = app.postJson("/orders", order);
        assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
        JsonNode answer = Json.parse(again.body());
        assertThat(answer.get("runId").asLong()).isEqualTo(runId);
        assertThat(answer.get("duplicate").asBoolean()).isTrue();
        assertThat(answer.get("status").asText()).isIn("QUEUED", "RUNNING", "SUCCESS");

        app.awaitRun("DUP-1", "SUCCESS");
        // once fulfilled, still the same run; over the files intake and the orders queue too
        assertThat(Json.parse(app.postJson("/orders", order).body()).get("status").asText()).isEqualTo("SUCCESS");
        RunningApp.drop(app.folder("inbox"), "dup.jsonl", order + "\n{\"orderId\":\"DUP-2\",\"items\":[{\"sku\":\"CB-5\",\"quantity\":1}]}\n");
        app.awaitRun("DUP-2", "SUCCESS");
        long archived = app.store().queues().metrics("orders").archived();
        app.store().enqueue("orders", order);
        await().atMost(PROCESSED).until(() -> app.store().queues().metrics("orders").archived() > archived);

        assertThat(app.runsOf("DUP-1")).as("runs that fulfilled DUP-1").singleElement().isEqualTo(runId);
        assertThat(app.inventory().stockOf("CB-5")).as("DUP-1 and DUP-2 reserved once each").isEqualTo(stockBefore - 2);
    }

    @Test
    void concurrentIntakesOfOneOrderStartOneFulfilment() throws Exception {
        String order = "{\"orderId\":\"RACE-1\",\"items\":[{\"sku\":\"HD-1\",\"quantity\":1}]}";
        int stockBefore = app.inventory().stockOf("HD-1");
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<HttpResponse<String>>> posts = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                posts.add(pool.submit(() -> app.postJson("/orders", order)));
            }
            Set<Long> runs = new HashSet<>();
            int created = 0;
            for (Future<HttpResponse<String>> post : posts) {
                HttpResponse<String> r = post.get(60, TimeUnit.SECONDS);
                assertThat(r.statusCode()).as(r.body()).isIn(200, 202);
                created += r.statusCode() == 202 ? 1 : 0;
                runs.add(Json.parse(r.body()).get("runId").asLong());
            }
            assertThat(created).as("one intake started the fulfilment").isEqualTo(1);
            assertThat(runs).as("every answer names the same run").hasSize(1);
        } finally {
            pool.shutdownNow();
        }
        app.awaitRun("RACE-1", "SUCCESS");
        // A losing intake cancels its run, unless the worker took it first: then it ends as a duplicate after
        // claim-order. Count once every run of the order has ended.
        await().atMost(PROCESSED).until(() -> app.store().workflows().list("fulfil-order", 10_000).stream()
                .filter(r -> r.input() != null && "RACE-1".equals(r.input().path("orderId").asText()))
                .allMatch(r -> Set.of(RunStatus.SUCCESS, RunStatus.ERROR, RunStatus.CANCELLED).contains(r.status())));
        assertThat(app.runsOf("RACE-1")).hasSize(1);
        assertThat(app.inventory().stockOf("HD-1")).isEqualTo(stockBefore - 1);
    }

    @Test
    void runsStartedWithoutTheirIntakesClaimFulfilTheOrderOnce() throws Exception {
        // Two intakes that both died after their trigger and before their claim: the runs claim the order
        // themselves, and the one that loses ends as a duplicate without reserving, charging or shipping.
        int stockBefore = app.inventory().stockOf("MS-7");
        JsonNode order = Json.parse("{\"orderId\":\"ORPHAN-1\",\"items\":[{\"sku\":\"MS-7\",\"quantity\":1}]}");
        long a = app.store().workflows().trigger("fulfil-order", order).id();
        long b = app.store().workflows().trigger("fulfil-order", order).id();

        await().atMost(PROCESSED).until(() -> app.store().workflows().get(a).isFinished() && app.store().workflows().get(b).isFinished());
        List<RunDetails> both = List.of(app.store().workflows().details(a), app.store().workflows().details(b));
        assertThat(both).allSatisfy(d -> assertThat(d.run().status()).isEqualTo(RunStatus.SUCCESS));
        assertThat(both).filteredOn(d -> d.step("ship").isPresent()).hasSize(1);
        RunDetails duplicate = both.stream().filter(d -> d.step("ship").isEmpty()).findFirst().orElseThrow();
        assertThat(duplicate.steps()).extracting(StepInfo::name).containsExactly("claim-order");
        assertThat(duplicate.run().output().get("duplicateOf").asLong()).isEqualTo(a + b - duplicate.run().id());
        assertThat(app.inventory().stockOf("MS-7")).isEqualTo(stockBefore - 1);
        assertThat(Json.parse(app.get("/orders/ORPHAN-1").body()).get("runId").asLong()).isEqualTo(a + b - duplicate.run().id());
    }

    @Test
    void eachStepIsRetriedUnderItsOwnPolicy() throws Exception {
        // charge-payment (4 attempts): a processing error on the first two charges, then accepted
        app.postJson("/orders", "{\"orderId\":\"RT-1\",\"payment\":{\"card\":\"4000 0000 0000 0119\"},"
                + "\"items\":[{\"sku\":\"KB-42\",\"quantity\":1}]}");
        JsonNode charged = app.awaitRun("RT-1", "SUCCESS");
        assertThat(step(charged, "charge-payment").get("attempts").asInt()).isEqualTo(3);
        assertThat(step(charged, "charge-payment").get("error").asText()).contains("processing error");
        assertThat(step(charged, "reserve-stock").get("attempts").asInt()).isEqualTo(1);

        // reserve-stock (3 attempts here): never enough stock, so the run fails after its third attempt
        int stock = app.inventory().stockOf("LS-3");
        app.postJson("/orders", "{\"orderId\":\"RT-2\",\"items\":[{\"sku\":\"LS-3\",\"quantity\":" + (stock + 1) + "}]}");
        JsonNode shortOfStock = app.awaitRun("RT-2", "ERROR");
        assertThat(shortOfStock.get("error").asText())
                .isEqualTo("retries exhausted: step 'reserve-stock' failed 3 attempts; last error: ReservationException: order RT-2: SKU 'LS-3' has "
                        + stock + " in stock, " + (stock + 1) + " ordered");
        assertThat(step(shortOfStock, "reserve-stock").get("attempts").asInt()).isEqualTo(3);
        assertThat(shortOfStock.get("steps").findValuesAsText("name")).doesNotContain("charge-payment");

        // validate (no retries): an unknown SKU fails the run at once
        app.postJson("/orders", "{\"orderId\":\"RT-3\",\"items\":[{\"sku\":\"NOPE-1\",\"quantity\":1}]}");
        JsonNode unknown = app.awaitRun("RT-3", "ERROR");
        assertThat(unknown.get("error").asText()).contains("step 'validate' failed permanently on attempt 1").contains("unknown SKU 'NOPE-1'");
        assertThat(step(unknown, "validate").get("attempts").asInt()).isEqualTo(1);
        assertThat(app.folder("outbox").resolve("order-RT-3.json")).doesNotExist();
    }

    @Test
    void aChargeThatFailsPermanentlyEndsTheRunWithItsReason() throws Exception {
        app.postJson("/orders", "{\"orderId\":\"PF-1\",\"payment\":{\"card\":\"4000-0000-0000-0002\"},"
                + "\"items\":[{\"sku\":\"MS-7\",\"quantity\":2}]}");
        JsonNode run = app.awaitRun("PF-1", "ERROR");
        assertThat(run.get("error").asText()).isEqualTo("step 'charge-payment' failed permanently on attempt 1: "
                + "PermanentStepException: order PF-1: card ending in 0002 was declined (49.00 EUR)");
        JsonNode charge = step(run, "charge-payment");
        assertThat(charge.get("status").asText()).isEqualTo("ERROR");
        assertThat(charge.get("attempts").asInt()).isEqualTo(1);
        assertThat(charge.get("error").asText()).contains("declined");
        assertThat(run.get("steps").findValuesAsText("name")).doesNotContain("ship");
        assertThat(app.folder("outbox").resolve("order-PF-1.json")).doesNotExist();
    }

    @Test
    void badRequestsAreRefusedWithTheReasonAndNothingIsEnqueued() throws Exception {
        long before = app.total("fulfil-order");

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

        assertThat(app.total("fulfil-order")).as("no run started").isEqualTo(before);
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
        long runs = app.total("fulfil-order");
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
        assertThat(app.total("fulfil-order")).as("no run started").isEqualTo(runs);
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
        long before = app.total("fulfil-order");
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
        assertThat(app.total("fulfil-order")).isEqualTo(before);
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
        long before = app.total("fulfil-order");

        RunningApp.drop(inbox, "mixed.jsonl", """
                {"orderId":"M-1","items":[{"sku":"HD-1","quantity":1}]}
                {"orderId":"M-2","items":[{"sku":"HD-1"}]}
                """);

        Path error = inbox.resolve(".failed").resolve("mixed.jsonl.error.txt");
        await().atMost(PROCESSED).until(() -> Files.isRegularFile(error));
        assertThat(Files.readString(error)).contains("order 2 (M-2): items[0].quantity must be a positive integer");
        await().atMost(PROCESSED).until(() -> Files.isRegularFile(inbox.resolve(".failed").resolve("mixed.jsonl")));
        assertThat(app.total("fulfil-order")).as("all or nothing").isEqualTo(before);
        assertThat(app.folder("outbox").resolve("order-M-1.json")).doesNotExist();
    }

    @Test
    void aMessageOnTheOrdersQueueThatIsNoOrderIsDeadLetteredAtOnce() throws Exception {
        long messageId = app.store().enqueue("orders", Json.parse("{\"orderId\":\"../D-1\",\"items\":[]}"));

        Path failed = app.folder("failed");
        await().atMost(PROCESSED).until(() -> deadLetterOf(failed, "../D-1") != null);
        JsonNode context = deadLetterOf(failed, "../D-1").get("_pgqrsDeadLetter");
        assertThat(context.get("queue").asText()).isEqualTo("orders");
        assertThat(context.get("messageId").asLong()).isEqualTo(messageId);
        assertThat(context.get("attempts").asInt()).as("not an order: not retried").isEqualTo(1);
        assertThat(context.get("error").asText()).contains("not an order").contains("orderId is required");
    }

    @Test
    void aFailedShipmentIsRetriedAsAStepAndTheStockReservationIsNotRepeated() throws Exception {
        // The delivery note cannot be written while a directory sits where it goes: the ship step fails and
        // is retried under its policy. The stock, reserved in the step before, must be taken once.
        Path outbox = app.folder("outbox");
        Path blocker = outbox.resolve("order-S-1.json");
        Files.createDirectories(blocker.resolve("in-the-way"));
        int stockBefore = app.inventory().stockOf("LS-3");

        HttpResponse<String> response = app.postJson("/orders", "{\"orderId\":\"S-1\",\"items\":[{\"sku\":\"LS-3\",\"quantity\":2}]}");
        assertThat(response.statusCode()).isEqualTo(202);

        await().atMost(PROCESSED).until(() -> {
            JsonNode run = Json.parse(app.get("/orders/S-1").body());
            return step(run, "ship") != null && step(run, "ship").has("error");
        });
        Files.delete(blocker.resolve("in-the-way"));
        Files.delete(blocker);

        JsonNode run = app.awaitRun("S-1", "SUCCESS");
        assertThat(step(run, "ship").get("attempts").asInt()).isGreaterThanOrEqualTo(2);
        assertThat(step(run, "reserve-stock").get("attempts").asInt()).as("reserved once, replayed after").isEqualTo(1);
        assertThat(RunningApp.readJson(blocker).get("reservation").get("id").asText()).startsWith("RSV-S-1-");
        assertThat(app.inventory().stockOf("LS-3")).isEqualTo(stockBefore - 2);
    }

    @Test
    void statsAndHealthAnswerInJson() throws Exception {
        HttpResponse<String> stats = app.get("/orders/stats");
        assertThat(stats.statusCode()).isEqualTo(200);
        JsonNode queues = Json.parse(stats.body()).get("queues");
        List<String> names = queues.findValuesAsText("queue");
        assertThat(names).contains("orders", "orders-dlq", "returns", "fulfil-order");
        for (JsonNode q : queues) {
            assertThat(q.has("pending") && q.has("leased") && q.has("archived") && q.has("deadLettered")).isTrue();
        }

        await().atMost(PROCESSED).untilAsserted(() -> {
            HttpResponse<String> health = app.get("/health");
            assertThat(health.statusCode()).isEqualTo(200);
            JsonNode body = Json.parse(health.body());
            assertThat(body.get("status").asText()).isEqualTo("UP");
            List<String> ids = body.get("checks").findValuesAsText("id");
            // a design's routes are its connector's: ids prefixed with the connector's name
            assertThat(ids).contains("consumer:orders-intake-queue", "route:partner-orders.partner-orders",
                    "producer:http-orders-in:pgqrs:workflow:fulfil-order", "producer:file-orders-in:pgqrs:workflow:fulfil-order",
                    "producer:orders-intake-queue:pgqrs:workflow:fulfil-order", "producer:partner-orders.partner-orders:pgqrs:orders");
            assertThat(ids).as("the returns design's producer, in the pgqrs-sink Kamelet's route")
                    .contains("producer:returns-intake.returns-intake~kamelet-1:pgqrs:returns");
            assertThat(body.get("store").get("reachable").asBoolean()).isTrue();
        });
    }

    @Test
    void theKaravanDesignsRunInsideTheApp() throws Exception {
        // partner-orders.camel.yaml enqueues on the orders queue, whose orders are taken in for fulfilment
        HttpResponse<String> partner = app.postJson("/partner/orders", "{\"orderId\":\"P-1\",\"items\":[{\"sku\":\"KB-42\",\"quantity\":1}]}");
        assertThat(partner.statusCode()).isEqualTo(202);
        assertThat(Json.parse(partner.body()).get("queue").asText()).isEqualTo("orders");
        assertRefused(app.postJson("/partner/orders", "{\"orderId\":\"P-2\"}"), 400, "needs orderId and items");
        assertThat(app.awaitRun("P-1", "SUCCESS").get("output").get("total").decimalValue()).isEqualByComparingTo("89.90");
        assertThat(app.folder("outbox").resolve("order-P-1.json")).isRegularFile();

        // returns-intake (pgqrs-sink Kamelet) → returns-processing (pgqrs-source Kamelet, durable refund step)
        HttpResponse<String> ret = app.postJson("/returns", "{\"orderId\":\"P-1\",\"reason\":\"wrong colour\"}");
        assertThat(ret.statusCode()).isEqualTo(202);
        Path refunds = app.folder("refunds");
        await().atMost(PROCESSED).until(() -> !listNames(refunds).isEmpty());
        JsonNode refund = RunningApp.readJson(refunds.resolve(listNames(refunds).get(0)));
        assertThat(refund.get("refundId").asText()).startsWith("REF-");
        assertThat(refund.get("return").get("reason").asText()).isEqualTo("wrong colour");
    }

    private static JsonNode step(JsonNode run, String name) {
        for (JsonNode step : run.get("steps")) {
            if (step.get("name").asText().equals(name)) {
                return step;
            }
        }
        return null;
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
