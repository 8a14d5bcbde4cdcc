package dev.pgqrs.bridge;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgqrs.Consumer;
import dev.pgqrs.Message;
import dev.pgqrs.Store;
import dev.pgqrs.WorkerInfo;
import dev.pgqrs.WorkerStatus;
import dev.pgqrs.testing.ConformanceTest;
import dev.pgqrs.testing.TestBackend;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Every REST operation of the connectors API, over real HTTP, on each backend. */
class ConnectorsRestTest {

    static final Duration DEADLINE = Duration.ofSeconds(30);

    @ConformanceTest
    void createReadUpdateAndDeleteAConnector(TestBackend backend) throws Exception {
        try (RunningBridge b = RunningBridge.start(backend)) {
            assertThat(b.get("/").json().path("worker_id").asText()).isEqualTo("bridge-" + b.port);
            assertThat(b.get("/connectors").json()).isEmpty();

            var created = b.post("/connectors", Designs.create("relay", Designs.config(Designs.relay("in", "out"))));
            assertThat(created.status()).as(created.toString()).isEqualTo(201);
            assertThat(created.location()).isEqualTo("/connectors/relay");
            assertThat(created.json().path("name").asText()).isEqualTo("relay");
            assertThat(created.json().path("type").asText()).isEqualTo("design");

            var taken = b.post("/connectors", Designs.create("relay", Designs.config(Designs.relay("in", "out"))));
            assertThat(taken.status()).isEqualTo(409);
            assertThat(taken.json().path("message").asText()).isEqualTo("Connector relay already exists");
            assertThat(taken.json().path("error_code").asInt()).isEqualTo(409);

            assertThat(b.get("/connectors").json().toString()).isEqualTo("[\"relay\"]");
            JsonNode expanded = b.get("/connectors?expand=status&expand=info").json();
            assertThat(expanded.path("relay").path("info").path("name").asText()).isEqualTo("relay");
            assertThat(expanded.path("relay").path("status").path("connector").path("state").asText()).isEqualTo("RUNNING");
            assertThat(b.get("/connectors/relay").json().path("config").path("design").asText()).contains("kamelet:pgqrs-source");
            assertThat(b.get("/connectors/relay/config").json().path("connector.class").asText()).isEqualTo("design");

            var unknown = b.get("/connectors/nope");
            assertThat(unknown.status()).isEqualTo(404);
            assertThat(unknown.json().path("message").asText()).isEqualTo("Connector nope not found");
            assertThat(b.get("/connectors/nope/status").status()).isEqualTo(404);
            assertThat(b.put("/connectors/nope/pause", null).status()).isEqualTo(404);
            assertThat(b.delete("/connectors/nope").status()).isEqualTo(404);

            awaitTasks(b, "relay", "RUNNING");
            b.store().enqueue("in", Map.of("n", 1));
            await().atMost(DEADLINE).until(() -> total(b.store(), "out") == 1);

            // PUT .../config replaces the configuration (200); every instance reloads it: now in -> out2
            var updated = b.put("/connectors/relay/config", Designs.config(Designs.relay("in", "out2")));
            assertThat(updated.status()).as(updated.toString()).isEqualTo(200);
            await().atMost(DEADLINE).until(() -> b.get("/connectors/relay/status").json().path("version").asLong() == 2);
            awaitTasks(b, "relay", "RUNNING");
            b.store().enqueue("in", Map.of("n", 2));
            await().atMost(DEADLINE).until(() -> b.store().queues().exists("out2") && total(b.store(), "out2") == 1);
            assertThat(total(b.store(), "out")).isEqualTo(1);

            // PUT .../config of a new name creates it (201); PATCH merges
            var viaPut = b.put("/connectors/sink/config", Map.of("connector.class", "pgqrs-sink", "pgqrs.queue", "a", "queue", "b"));
            assertThat(viaPut.status()).as(viaPut.toString()).isEqualTo(201);
            assertThat(viaPut.json().path("type").asText()).isEqualTo("sink");
            var patched = b.send("PATCH", "/connectors/sink/config", Map.of("errors.log.enable", "true"));
            assertThat(patched.status()).as(patched.toString()).isEqualTo(200);
            assertThat(patched.json().path("config").path("errors.log.enable").asText()).isEqualTo("true");
            assertThat(patched.json().path("config").path("queue").asText()).isEqualTo("b");
            awaitTasks(b, "sink", "RUNNING");
            b.store().enqueue("a", Map.of("n", 3));
            await().atMost(DEADLINE).until(() -> b.store().queues().exists("b") && total(b.store(), "b") == 1);

            var tasks = b.get("/connectors/relay/tasks").json();
            assertThat(tasks.path(0).path("id").path("connector").asText()).isEqualTo("relay");
            assertThat(tasks.path(0).path("config").path("route").asText()).isEqualTo("relay.relay");
            assertThat(b.get("/connectors/relay/tasks/0/status").json().path("state").asText()).isEqualTo("RUNNING");
            assertThat(b.get("/connectors/relay/tasks/9/status").status()).isEqualTo(404);

            var offsets = b.get("/connectors/relay/offsets").json().path("offsets");
            assertThat(offsets.path(0).path("partition").path("queue").asText()).isEqualTo("in");
            assertThat(offsets.path(0).path("offset").path("acknowledged").asLong()).isEqualTo(2);

            assertThat(b.send("POST", "/connectors/relay/status", null).status()).isEqualTo(405);
            assertThat(b.post("/connectors", "{not json").status()).isEqualTo(400);
            assertThat(b.post("/connectors", Map.of("config", Map.of())).status()).isEqualTo(400);

            var deleted = b.delete("/connectors/relay");
            assertThat(deleted.status()).isEqualTo(204);
            assertThat(b.get("/connectors/relay").status()).isEqualTo(404);
            await().atMost(DEADLINE).untilAsserted(() -> assertThat(b.context().getRoutes())
                    .as("routes left: %s", b.context().getRoutes().stream().map(r -> r.getRouteId() + "="
                            + b.context().getRouteController().getRouteStatus(r.getRouteId())).toList())
                    .noneMatch(r -> r.getRouteId().startsWith("relay.")));
            assertThat(b.get("/connectors").json().toString()).isEqualTo("[\"sink\"]");
        }
    }

    @ConformanceTest
    void pauseResumeStopAndRestart(TestBackend backend) throws Exception {
        try (RunningBridge b = RunningBridge.start(backend)) {
            assertThat(b.post("/connectors", Designs.create("relay", Designs.config(Designs.relay("in", "out")))).status()).isEqualTo(201);
            awaitTasks(b, "relay", "RUNNING");

            var paused = b.put("/connectors/relay/pause", null);
            assertThat(paused.status()).isEqualTo(202);
            awaitTasks(b, "relay", "PAUSED");
            JsonNode status = b.get("/connectors/relay/status").json();
            assertThat(status.path("connector").path("state").asText()).isEqualTo("PAUSED");
            // the pgqrs consumer behind the task fetches nothing (Camel stops a consumer that is not Suspendable)
            assertThat(consumerStates(b.store(), "in")).isNotEmpty().doesNotContain(WorkerStatus.POLLING, WorkerStatus.READY);
            b.store().enqueue("in", Map.of("n", 1));
            b.sync();
            assertThat(b.store().queues().metrics("in").pending()).isEqualTo(1);
            await().atMost(DEADLINE).until(() -> b.get("/connectors/relay/status").json().path("tasks").path(0).path("queue_depth").asLong() == 1);

            assertThat(b.put("/connectors/relay/resume", null).status()).isEqualTo(202);
            awaitTasks(b, "relay", "RUNNING");
            await().atMost(DEADLINE).until(() -> total(b.store(), "out") == 1);

            assertThat(b.put("/connectors/relay/stop", null).status()).isEqualTo(204);
            awaitTasks(b, "relay", "STOPPED");
            assertThat(b.get("/connectors/relay/status").json().path("connector").path("state").asText()).isEqualTo("STOPPED");
            await().atMost(DEADLINE).until(() -> consumerStates(b.store(), "in").stream().noneMatch(s -> s == WorkerStatus.POLLING
                    || s == WorkerStatus.READY || s == WorkerStatus.SUSPENDED));
            assertThat(b.put("/connectors/relay/resume", null).status()).isEqualTo(202);
            awaitTasks(b, "relay", "RUNNING");

            assertThat(b.post("/connectors/relay/restart", null).status()).isEqualTo(204);
            var restarting = b.post("/connectors/relay/restart?includeTasks=true", null);
            assertThat(restarting.status()).isEqualTo(202);
            assertThat(restarting.json().path("connector").path("state").asText()).isEqualTo("RESTARTING");
            assertThat(restarting.json().path("tasks").path(0).path("state").asText()).isEqualTo("RESTARTING");
            awaitTasks(b, "relay", "RUNNING");
            b.store().enqueue("in", Map.of("n", 2));
            await().atMost(DEADLINE).until(() -> total(b.store(), "out") == 2);
        }
    }

    static void awaitTasks(RunningBridge b, String connector, String state) {
        await().atMost(DEADLINE).untilAsserted(() -> {
            JsonNode tasks = b.get("/connectors/" + connector + "/status").json().path("tasks");
            assertThat(tasks).as(tasks.toString()).isNotEmpty();
            for (JsonNode t : tasks) {
                assertThat(t.path("state").asText()).as(tasks.toString()).isEqualTo(state);
            }
        });
    }

    static long total(Store store, String queue) {
        return store.queues().metrics(queue).total();
    }

    static List<WorkerStatus> consumerStates(Store store, String queue) {
        List<WorkerStatus> out = new ArrayList<>();
        for (WorkerInfo w : store.workers().list(queue)) {
            out.add(w.status());
        }
        return out;
    }

    /** Every message of a queue, read (and archived) by a consumer of the test's own. */
    static List<Message> drain(Store store, String queue) {
        List<Message> out = new ArrayList<>();
        try (Consumer c = store.consumer(queue)) {
            for (List<Message> batch; !(batch = c.dequeue(100)).isEmpty(); ) {
                out.addAll(batch);
                c.archive(batch);
            }
        }
        return out;
    }
}
