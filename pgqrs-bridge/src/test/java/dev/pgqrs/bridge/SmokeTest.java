package dev.pgqrs.bridge;

import dev.pgqrs.testing.BackendKind;
import dev.pgqrs.testing.TestBackend;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class SmokeTest {

    @Test
    void smoke() throws Exception {
        try (TestBackend backend = TestBackend.create(BackendKind.SQLITE); RunningBridge b = RunningBridge.start(backend)) {
            var r = b.post("/connectors", Designs.create("relay", Designs.config(Designs.relay("in", "out"))));
            System.out.println("CREATE " + r);
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                    assertThat(b.get("/connectors/relay/status").json().path("tasks").path(0).path("state").asText()).isEqualTo("RUNNING"));
            b.context().getRoutes().forEach(rt -> System.out.println("ROUTE " + rt.getRouteId() + " " + rt.getEndpoint().getEndpointUri() + " " + rt.getProperties()));
            b.store().enqueue("in", java.util.Map.of("n", 1));
            await().atMost(Duration.ofSeconds(20)).until(() -> b.store().queues().metrics("out").total() == 1);
            System.out.println("STATUS " + b.get("/connectors/relay/status"));
        }
    }
}
