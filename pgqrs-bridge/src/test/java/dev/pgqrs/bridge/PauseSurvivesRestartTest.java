package dev.pgqrs.bridge;

import dev.pgqrs.WorkerStatus;
import dev.pgqrs.testing.ConformanceTest;
import dev.pgqrs.testing.TestBackend;

import java.util.Map;

import static dev.pgqrs.bridge.ConnectorsRestTest.DEADLINE;
import static dev.pgqrs.bridge.ConnectorsRestTest.awaitTasks;
import static dev.pgqrs.bridge.ConnectorsRestTest.consumerStates;
import static dev.pgqrs.bridge.ConnectorsRestTest.total;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A connector's target state lives in the store: a paused connector comes back paused after the runtime restarts. */
class PauseSurvivesRestartTest {

    @ConformanceTest
    void aPausedConnectorStaysPausedAcrossARestartAndRunsWhenResumed(TestBackend backend) throws Exception {
        try (RunningBridge first = RunningBridge.start(backend)) {
            assertThat(first.post("/connectors", Designs.create("relay", Designs.config(Designs.relay("in", "out")))).status())
                    .isEqualTo(201);
            awaitTasks(first, "relay", "RUNNING");
            assertThat(first.put("/connectors/relay/pause", null).status()).isEqualTo(202);
            awaitTasks(first, "relay", "PAUSED");
        }
        try (RunningBridge second = RunningBridge.start(backend)) {
            second.store().enqueue("in", Map.of("n", 1));
            awaitTasks(second, "relay", "PAUSED");
            second.sync();
            assertThat(second.get("/connectors/relay/status").json().path("connector").path("state").asText()).isEqualTo("PAUSED");
            // loaded paused, its routes never started: no consumer of the queue, the message waits
            assertThat(consumerStates(second.store(), "in")).doesNotContain(WorkerStatus.POLLING, WorkerStatus.READY);
            assertThat(second.context().getRouteController().getRouteStatus("relay.relay~kamelet-1").isStarted()).isFalse();
            assertThat(second.store().queues().metrics("in").pending()).isEqualTo(1);

            assertThat(second.put("/connectors/relay/resume", null).status()).isEqualTo(202);
            awaitTasks(second, "relay", "RUNNING");
            await().atMost(DEADLINE).until(() -> total(second.store(), "out") == 1);
        }
    }
}
