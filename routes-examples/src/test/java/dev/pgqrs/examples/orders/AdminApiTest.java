package dev.pgqrs.examples.orders;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgqrs.Consumer;
import dev.pgqrs.Message;
import dev.pgqrs.Store;
import dev.pgqrs.payload.Json;
import dev.pgqrs.testing.BackendInvocations;
import dev.pgqrs.testing.BackendKind;
import dev.pgqrs.workflow.RunStatus;
import dev.pgqrs.workflow.Workflow;
import dev.pgqrs.workflow.WorkflowWorker;
import dev.pgqrs.workflow.WorkflowWorkerOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The admin API under /api, over real HTTP on the running app, each effect checked in the store through the
 * engine's API: queues with depth, age and rates; dead letters listed, replayed and deleted; workflow
 * definitions; runs filtered by workflow and status with their steps; cancel and resume; every refusal a JSON
 * {@code {"error"}} with 400, 404 or 409. Written once, run on SQLite and on PostgreSQL.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AdminApiTest {

    private static final Duration SETTLED = Duration.ofSeconds(20);

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
    void queuesAnswerDepthAgeAndRatesFromTwoReads() throws Exception {
        Store store = app.store();
        store.queues().create("admin-rates");
        store.enqueueBatch("admin-rates", IntStream.range(0, 3).mapToObj(i -> Map.of("n", i)).toList());
        store.enqueue("admin-rates", Map.of("n", 3), Duration.ofHours(1));

        JsonNode q = queue(ok(app.get("/api/queues")), "admin-rates");
        assertThat(q.path("depth").asLong()).as(q.toString()).isEqualTo(4);
        assertThat(q.path("pending").asLong()).isEqualTo(3);
        assertThat(q.path("delayed").asLong()).isEqualTo(1);
        assertThat(q.path("deadLettered").asLong()).isZero();
        assertThat(q.path("oldestPendingAgeMillis").asLong()).isNotNegative();
        assertThat(q.has("enqueuedPerSecond")).as("one read: no rate yet " + q).isFalse();

        // a baseline read at least a second old, then traffic, then the rate against it
        await().atMost(SETTLED).pollInterval(Duration.ofMillis(200))
                .until(() -> queue(ok(app.get("/api/queues")), "admin-rates").has("enqueuedPerSecond"));
        store.enqueueBatch("admin-rates", IntStream.range(0, 20).mapToObj(i -> Map.of("n", i)).toList());
        try (Consumer consumer = store.consumer("admin-rates")) {
            consumer.archive(consumer.dequeue(5));
        }
        await().atMost(SETTLED).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            JsonNode now = queue(ok(app.get("/api/queues")), "admin-rates");
            assertThat(now.path("enqueuedPerSecond").asDouble()).as(now.toString()).isPositive();
            assertThat(now.path("settledPerSecond").asDouble()).as(now.toString()).isPositive();
            assertThat(now.path("rateSpanMillis").asLong()).isGreaterThanOrEqualTo(1000);
            assertThat(now.path("depth").asLong()).isEqualTo(19);
        });
    }

    @Test
    void deadLettersAreListedReplayedAndDeletedInTheStore() throws Exception {
        Store store = app.store();
        store.queues().create("admin-dl");
        List<Long> ids = store.enqueueBatch("admin-dl", List.of(Map.of("sku", "X-1"), Map.of("sku", "X-2"), Map.of("sku", "X-3")));
        try (Consumer consumer = store.consumer("admin-dl")) {
            List<Message> leased = consumer.dequeue(3);
            consumer.deadLetter(leased, "poison: unknown sku");
        }

        JsonNode list = ok(app.get("/api/queues/admin-dl/dead-letters"));
        assertThat(list.path("queue").asText()).isEqualTo("admin-dl");
        assertThat(list.path("deadLetters").findValuesAsText("error")).containsOnly("poison: unknown sku");
        JsonNode first = list.path("deadLetters").get(0);
        assertThat(first.path("id").asLong()).isEqualTo(ids.get(0));
        assertThat(first.path("payload").path("sku").asText()).isEqualTo("X-1");
        assertThat(first.path("attempts").asInt()).isEqualTo(1);
        assertThat(first.path("deadLetteredAt").asText()).isNotEmpty();
        assertThat(ok(app.get("/api/queues/admin-dl/dead-letters?limit=1")).path("deadLetters")).hasSize(1);

        // replay one: deliverable again, with a fresh delivery count
        JsonNode replayed = ok(app.send("POST", "/api/queues/admin-dl/dead-letters/" + ids.get(0) + "/replay"));
        assertThat(longs(replayed.path("replayed"))).containsExactly(ids.get(0));
        assertThat(store.deadLetters().list("admin-dl", 10)).extracting(Message::id).containsExactly(ids.get(1), ids.get(2));
        assertThat(store.queues().metrics("admin-dl").pending()).isEqualTo(1);
        error(app.send("POST", "/api/queues/admin-dl/dead-letters/" + ids.get(0) + "/replay"), 404, "is not a dead letter of queue 'admin-dl'");

        // delete one for good
        JsonNode deleted = ok(app.send("DELETE", "/api/queues/admin-dl/dead-letters/" + ids.get(1)));
        assertThat(longs(deleted.path("deleted"))).containsExactly(ids.get(1));
        assertThat(store.deadLetters().list("admin-dl", 10)).extracting(Message::id).containsExactly(ids.get(2));
        assertThat(store.queues().metrics("admin-dl").total()).isEqualTo(2);
        error(app.send("DELETE", "/api/queues/admin-dl/dead-letters/" + ids.get(1)), 404, "is not a dead letter");
        error(app.send("DELETE", "/api/queues/admin-dl/dead-letters/" + ids.get(0)), 404, "is not a dead letter");
        assertThat(store.queues().metrics("admin-dl").pending()).as("a pending message is not deleted").isEqualTo(1);

        // several at once: which were replayed and which were not
        JsonNode bulk = ok(app.postJson("/api/queues/admin-dl/dead-letters/replay", "{\"ids\":[" + ids.get(2) + ",999999]}"));
        assertThat(longs(bulk.path("replayed"))).containsExactly(ids.get(2));
        assertThat(longs(bulk.path("notReplayed"))).containsExactly(999_999L);
        assertThat(store.deadLetters().list("admin-dl", 10)).isEmpty();
        assertThat(ok(app.postJson("/api/queues/admin-dl/dead-letters/replay", "{\"all\":true}")).path("replayedCount").asInt()).isZero();

        error(app.postJson("/api/queues/admin-dl/dead-letters/replay", "{}"), 400, "\"ids\": a non-empty array");
        error(app.postJson("/api/queues/admin-dl/dead-letters/replay", "{\"ids\":[\"x\"]}"), 400, "positive whole numbers");
        error(app.postJson("/api/queues/admin-dl/dead-letters/replay", "[1]"), 400, "must be a JSON object");
        error(app.postJson("/api/queues/admin-dl/dead-letters/replay", "{\"ids\":"), 400, "the body is not JSON");
        error(app.get("/api/queues/no-such-queue/dead-letters"), 404, "no-such-queue");
        error(app.get("/api/queues/admin-dl/dead-letters?limit=0"), 400, "limit must be a whole number from 1 to 1000, got '0'");
        error(app.send("POST", "/api/queues/admin-dl/dead-letters/abc/replay"), 400, "id must be a positive whole number, got 'abc'");
    }

    @Test
    void runsAreFilteredByWorkflowAndStatusAndCancelledInTheStore() throws Exception {
        Store store = app.store();
        assertThat(ok(app.get("/api/workflows")).path("workflows").findValuesAsText("name")).contains("fulfil-order");

        // a run due in an hour: QUEUED until then, unless cancelled
        long queued = store.workflows().trigger("fulfil-order", Map.of("orderId", "ADM-1", "items", List.of()), Duration.ofHours(1)).id();
        JsonNode runs = ok(app.get("/api/runs?workflow=fulfil-order&status=QUEUED"));
        assertThat(runs.path("runs").findValuesAsText("status")).containsOnly("QUEUED");
        assertThat(ids(runs.path("runs"))).contains(queued);
        assertThat(ids(ok(app.get("/api/runs?status=SUCCESS")).path("runs"))).doesNotContain(queued);
        assertThat(ids(ok(app.get("/api/runs?status=queued")).path("runs"))).as("status in any case").contains(queued);

        JsonNode run = ok(app.get("/api/runs/" + queued));
        assertThat(run.path("workflow").asText()).isEqualTo("fulfil-order");
        assertThat(run.path("status").asText()).isEqualTo("QUEUED");
        assertThat(run.path("input").toString()).contains("ADM-1");
        assertThat(run.path("steps")).isEmpty();

        JsonNode cancelled = ok(app.send("POST", "/api/runs/" + queued + "/cancel"));
        assertThat(cancelled.path("status").asText()).isIn("CANCELLING", "CANCELLED");
        await().atMost(SETTLED).until(() -> store.workflows().get(queued).status() == RunStatus.CANCELLED);
        error(app.send("POST", "/api/runs/" + queued + "/cancel"), 409, "has already finished (CANCELLED)");
        error(app.send("POST", "/api/runs/" + queued + "/resume"), 409, "only a PAUSED run can be resumed");

        error(app.get("/api/runs?status=DONE"), 400, "status must be one of [QUEUED, RUNNING, SUCCESS, ERROR, PAUSED, CANCELLING, CANCELLED], got 'DONE'");
        error(app.get("/api/runs?workflow=no-such-workflow"), 404, "no workflow 'no-such-workflow'");
        error(app.get("/api/runs/999999"), 404, "999999");
        error(app.send("POST", "/api/runs/999999/cancel"), 404, "999999");
        error(app.get("/api/runs/x1"), 400, "id must be a positive whole number, got 'x1'");
    }

    @Test
    void aPausedRunIsResumedAndItsStepsAnswerWithAttemptsAndErrors() throws Exception {
        Store store = app.store();
        Workflow<String, String> approval = Workflow.define("admin-approval", String.class, String.class, (ctx, doc) -> {
            String draft = ctx.step("draft", String.class, () -> doc + "-draft");
            ctx.pause("sign-off");
            return ctx.step("publish", String.class, () -> draft + "-published");
        });
        try (WorkflowWorker worker = store.workflows().startWorker(approval, WorkflowWorkerOptions.defaults().pollInterval(Duration.ofMillis(100)))) {
            long id = store.workflows().trigger(approval, "doc").id();
            await().atMost(SETTLED).until(() -> store.workflows().get(id).status() == RunStatus.PAUSED);

            assertThat(ids(ok(app.get("/api/runs?workflow=admin-approval&status=PAUSED")).path("runs"))).containsExactly(id);
            JsonNode run = ok(app.get("/api/runs/" + id));
            assertThat(run.path("steps").findValuesAsText("name")).containsExactly("draft", "sign-off");
            assertThat(run.path("steps").get(0).path("attempts").asInt()).isEqualTo(1);
            assertThat(run.path("steps").get(1).path("status").asText()).isEqualTo("PAUSED");

            JsonNode resumed = ok(app.send("POST", "/api/runs/" + id + "/resume"));
            assertThat(resumed.path("id").asLong()).isEqualTo(id);
            await().atMost(SETTLED).until(() -> store.workflows().get(id).status() == RunStatus.SUCCESS);
            assertThat(store.workflows().get(id).output().asText()).isEqualTo("doc-draft-published");
            error(app.send("POST", "/api/runs/" + id + "/resume"), 409, "only a PAUSED run can be resumed");
        }

        // a run whose step failed: its error and attempts, per step
        app.postJson("/orders", "{\"orderId\":\"ADM-2\",\"payment\":{\"card\":\"4000 0000 0000 0002\"},\"items\":[{\"sku\":\"MS-7\",\"quantity\":1}]}");
        long failed = app.awaitRun("ADM-2", "ERROR").path("runId").asLong();
        JsonNode details = ok(app.get("/api/runs/" + failed));
        assertThat(details.path("error").asText()).contains("declined");
        JsonNode charge = StreamSupport.stream(details.path("steps").spliterator(), false)
                .filter(s -> s.path("name").asText().equals("charge-payment")).findFirst().orElseThrow();
        assertThat(charge.path("status").asText()).isEqualTo("ERROR");
        assertThat(charge.path("attempts").asInt()).isEqualTo(1);
        assertThat(charge.path("error").asText()).contains("declined");
        assertThat(ids(ok(app.get("/api/runs?status=ERROR")).path("runs"))).contains(failed);
    }

    @Test
    void theDashboardsFilesAreServedWithTheirTypesAndNothingElseIs() throws Exception {
        for (String path : List.of("/dashboard", "/dashboard/", "/dashboard/index.html")) {
            HttpResponse<String> page = app.get(path);
            assertThat(page.statusCode()).as(path).isEqualTo(200);
            assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
            assertThat(page.body()).contains("<script type=\"module\" src=\"/dashboard/main.js\">");
        }
        HttpResponse<String> script = app.get("/dashboard/runs.js");
        assertThat(script.headers().firstValue("Content-Type")).hasValue("text/javascript; charset=utf-8");
        assertThat(script.body()).contains("/api/runs");
        assertThat(app.get("/dashboard/dashboard.css").headers().firstValue("Content-Type")).hasValue("text/css; charset=utf-8");

        // only the folder's own files: no other name, no path out of it
        for (String path : List.of("/dashboard/nope.js", "/dashboard/%2e%2e/application.properties", "/dashboard/..%2Fcatalog.json",
                "/dashboard/sub/main.js", "/dashboard/Main.JS", "/dashboard/main.js.map")) {
            HttpResponse<String> refused = app.get(path);
            assertThat(refused.statusCode()).as(path + ": " + refused.body()).isEqualTo(404);
            assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/json");
            assertThat(refused.body()).doesNotContain("pgqrs.dsn").doesNotContain("KB-42");
        }
    }

    private static JsonNode ok(HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        return Json.parse(r.body());
    }

    private static void error(HttpResponse<String> r, int status, String message) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(Json.parse(r.body()).path("error").asText()).contains(message);
    }

    private static JsonNode queue(JsonNode answer, String name) {
        return StreamSupport.stream(answer.path("queues").spliterator(), false)
                .filter(q -> q.path("name").asText().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no queue " + name + " in " + answer));
    }

    private static List<Long> ids(JsonNode runs) {
        return StreamSupport.stream(runs.spliterator(), false).map(r -> r.path("id").asLong()).toList();
    }

    private static List<Long> longs(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asLong).toList();
    }
}

class AdminApiSqliteTest extends AdminApiTest {
    @Override
    BackendKind backendKind() {
        return BackendKind.SQLITE;
    }
}

class AdminApiPostgresTest extends AdminApiTest {
    @Override
    BackendKind backendKind() {
        return BackendKind.POSTGRES;
    }
}
