package dev.pgqrs.bridge;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgqrs.Message;
import dev.pgqrs.testing.ConformanceTest;
import dev.pgqrs.testing.TestBackend;

import java.util.List;
import java.util.Map;

import static dev.pgqrs.bridge.ConnectorsRestTest.DEADLINE;
import static dev.pgqrs.bridge.ConnectorsRestTest.awaitTasks;
import static dev.pgqrs.bridge.ConnectorsRestTest.drain;
import static dev.pgqrs.bridge.ConnectorsRestTest.total;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** errors.tolerance, errors.retry.* and the dead-letter queue, as Kafka Connect's; dead letters listed and replayed over REST. */
class ErrorToleranceTest {

    @ConformanceTest
    void underToleranceNoneAFailedRecordFailsItsTaskWithTheTraceAndStaysInItsQueue(TestBackend backend) throws Exception {
        try (RunningBridge b = RunningBridge.start(backend)) {
            // fails on the first delivery of a poison record only: the restart lets it through
            String design = Designs.relay("in", "out", "${body} contains 'poison' && ${header.CamelPgqrsReadCount} < 2");
            assertThat(b.post("/connectors", Designs.create("relay", Designs.config(design))).status()).isEqualTo(201);
            awaitTasks(b, "relay", "RUNNING");

            b.store().enqueue("in", Map.of("kind", "poison"));
            awaitTasks(b, "relay", "FAILED");
            JsonNode status = b.get("/connectors/relay/status").json();
            assertThat(status.path("connector").path("state").asText()).isEqualTo("FAILED");
            String trace = status.path("tasks").path(0).path("trace").asText();
            assertThat(trace).contains("java.lang.IllegalArgumentException: poison record").contains("\tat ");
            assertThat(status.path("connector").path("trace").asText()).isEqualTo(trace);
            // the record was not acknowledged: it waits in its queue for the task to run again
            assertThat(b.store().queues().metrics("in").archived()).isZero();
            assertThat(total(b.store(), "out")).isZero();

            var restart = b.post("/connectors/relay/restart?onlyFailed=true", null);
            assertThat(restart.status()).isEqualTo(202);
            await().atMost(DEADLINE).until(() -> total(b.store(), "out") == 1);
            awaitTasks(b, "relay", "RUNNING");
            assertThat(b.get("/connectors/relay/status").json().path("connector").path("state").asText()).isEqualTo("RUNNING");
        }
    }

    @ConformanceTest
    void underToleranceAllAFailedRecordIsRetriedThenDeadLetteredWithItsContextAndReplayable(TestBackend backend) throws Exception {
        try (RunningBridge b = RunningBridge.start(backend)) {
            var config = Designs.config(Designs.relay("in", "out"), "errors.tolerance", "all", "errors.retry.timeout", "1000",
                    "errors.retry.delay.max.ms", "400", "errors.log.enable", "true");
            assertThat(b.post("/connectors", Designs.create("relay", config)).status()).isEqualTo(201);
            awaitTasks(b, "relay", "RUNNING");

            long poisonId = b.store().enqueue("in", Map.of("kind", "poison", "n", 1));
            b.store().enqueue("in", Map.of("kind", "fine", "n", 2));
            await().atMost(DEADLINE).until(() -> total(b.store(), "out") == 1);
            await().atMost(DEADLINE).until(() -> b.get("/connectors/relay/deadletters").json().path("records").size() == 1);

            JsonNode record = b.get("/connectors/relay/deadletters").json().path("records").path(0);
            assertThat(record.path("payload")).isEqualTo(RunningBridge.JSON.readTree("{\"kind\":\"poison\",\"n\":1}"));
            JsonNode errors = record.path("errors");
            assertThat(errors.path("connector.name").asText()).isEqualTo("relay");
            assertThat(errors.path("task.id").asText()).isEqualTo("relay.relay");
            assertThat(errors.path("stage").asText()).isEqualTo("TRANSFORMATION");
            assertThat(errors.path("node.id").asText()).isEqualTo("reject");
            assertThat(errors.path("queue").asText()).isEqualTo("in");
            assertThat(errors.path("message.id").asLong()).isEqualTo(poisonId);
            assertThat(errors.path("attempts").asInt()).as("retried within errors.retry.timeout").isGreaterThanOrEqualTo(2);
            assertThat(errors.path("exception.class.name").asText()).isEqualTo("java.lang.IllegalArgumentException");
            assertThat(errors.path("exception.message").asText()).isEqualTo("poison record");
            assertThat(errors.path("exception.stacktrace").asText()).contains("IllegalArgumentException: poison record").contains("\tat ");

            // the source acknowledged both; the task goes on; the dead-letter queue holds the record with its context
            await().atMost(DEADLINE).until(() -> b.store().queues().metrics("in").archived() == 2);
            JsonNode status = b.get("/connectors/relay/status").json();
            assertThat(status.path("tasks").path(0).path("state").asText()).isEqualTo("RUNNING");
            assertThat(status.path("dead_letter_queue").path("records").asLong()).isEqualTo(1);
            List<Message> inQueue = drain(b.store(), "relay-dlq");
            assertThat(inQueue).hasSize(1);
            JsonNode queued = inQueue.get(0).payload();
            assertThat(queued.path("payload").path("kind").asText()).isEqualTo("poison");
            assertThat(queued.path("__connect.errors").path("stage").asText()).isEqualTo("TRANSFORMATION");
            assertThat(queued.path("__connect.errors").path("exception.stacktrace").get(0).asText())
                    .contains("IllegalArgumentException: poison record");

            // replayed to a queue of the operator's choice, once
            b.store().queues().create("fixed");
            long id = record.path("id").asLong();
            JsonNode replayed = b.post("/connectors/relay/deadletters/replay", Map.of("ids", List.of(id), "queue", "fixed")).json();
            assertThat(replayed.path("replayed").path(0).path("queue").asText()).isEqualTo("fixed");
            assertThat(drain(b.store(), "fixed")).extracting(Message::payload)
                    .containsExactly(RunningBridge.JSON.readTree("{\"kind\":\"poison\",\"n\":1}"));
            JsonNode again = b.post("/connectors/relay/deadletters/replay", Map.of("ids", List.of(id))).json();
            assertThat(again.path("replayed")).isEmpty();
            assertThat(again.path("skipped").path(0).path("reason").asText()).startsWith("replayed already, to 'fixed'");
            assertThat(b.get("/connectors/relay/deadletters").json().path("records")).isEmpty();
            assertThat(b.get("/connectors/relay/deadletters?includeReplayed=true").json().path("records").path(0)
                    .path("replayed_to").asText()).isEqualTo("fixed");

            // replayed to where it came from: it fails there again and comes back as a new record
            b.store().enqueue("in", Map.of("kind", "poison", "n", 3));
            await().atMost(DEADLINE).until(() -> b.get("/connectors/relay/deadletters").json().path("records").size() == 1);
            JsonNode all = b.post("/connectors/relay/deadletters/replay", Map.of("all", true)).json();
            long replayedAs = all.path("replayed").path(0).path("message_id").asLong();
            assertThat(all.path("replayed").path(0).path("queue").asText()).isEqualTo("in");
            await().atMost(DEADLINE).untilAsserted(() -> assertThat(b.get("/connectors/relay/deadletters").json().path("records"))
                    .anySatisfy(r -> assertThat(r.path("errors").path("message.id").asLong()).isEqualTo(replayedAs)));
        }
    }
}
