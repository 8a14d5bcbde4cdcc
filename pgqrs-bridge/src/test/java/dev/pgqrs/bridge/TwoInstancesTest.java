package dev.pgqrs.bridge;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgqrs.Message;
import dev.pgqrs.testing.BackendKind;
import dev.pgqrs.testing.TestBackend;
import org.apache.camel.ServiceStatus;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

import static dev.pgqrs.bridge.ConnectorsRestTest.DEADLINE;
import static dev.pgqrs.bridge.ConnectorsRestTest.drain;
import static dev.pgqrs.bridge.ConnectorsRestTest.total;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two bridge instances on one PostgreSQL schema, as Kafka Connect's distributed workers on one Kafka: they share
 * the connectors (a change made through either is applied by both within a couple of polls) and a connector's
 * queue (each record handled once, by one of them); a source that must not run twice runs on the lease holder.
 */
class TwoInstancesTest {

    /** How soon the other instance must have applied a change: "within a couple of seconds" (it polls every 200 ms). */
    private static final Duration CONVERGED = Duration.ofSeconds(5);

    /** Reads `in`, tags each record with the instance that handled it, writes it to `out`. */
    private static String tagging(String out) {
        return """
                - route:
                    id: tag
                    from:
                      uri: kamelet:pgqrs-source
                      parameters:
                        queue: in
                        batch: 5
                      steps:
                        - delay:
                            expression:
                              constant:
                                expression: "5"
                        - setBody:
                            expression:
                              simple:
                                expression: '{"n": ${body}, "by": "{{bridge.instance-id}}"}'
                        - to:
                            uri: kamelet:pgqrs-sink
                            parameters:
                              queue: %s
                """.formatted(out);
    }

    /** A timer: a source that would fire on every instance, so it runs on the holder of the connector's lease. */
    private static final String TICKS = """
            - route:
                id: tick
                from:
                  uri: timer:tick
                  parameters:
                    period: 100
                  steps:
                    - setBody:
                        expression:
                          simple:
                            expression: '{"by": "{{bridge.instance-id}}"}'
                    - to:
                        uri: kamelet:pgqrs-sink
                        parameters:
                          queue: ticks
            """;

    @Test
    void twoInstancesShareAConnectorsQueueAndSeeEachOthersChanges() throws Exception {
        try (TestBackend pg = TestBackend.create(BackendKind.POSTGRES);
             RunningBridge a = RunningBridge.start(pg);
             RunningBridge b = RunningBridge.start(pg)) {
            String idA = "bridge-" + a.port;
            String idB = "bridge-" + b.port;

            // created through A, run by both: one task per instance
            assertThat(a.post("/connectors", Designs.create("tagger", Designs.config(tagging("out")))).status()).isEqualTo(201);
            awaitWorkers(b, "tagger", Set.of(idA, idB));
            assertThat(routeStatus(b, "tagger.tag")).isEqualTo(ServiceStatus.Started);

            int n = 200;
            a.store().enqueueBatch("in", IntStream.rangeClosed(1, n).boxed().toList());
            await().atMost(DEADLINE).until(() -> total(a.store(), "out") == n);
            assertThat(a.store().queues().metrics("in").archived()).isEqualTo(n);
            List<Message> out = drain(a.store(), "out");
            Map<String, Integer> byInstance = new HashMap<>();
            List<Integer> seen = new ArrayList<>();
            for (Message m : out) {
                seen.add(m.payload().path("n").asInt());
                byInstance.merge(m.payload().path("by").asText(), 1, Integer::sum);
            }
            assertThat(seen).as("each record handled once").hasSize(n).doesNotHaveDuplicates()
                    .containsExactlyInAnyOrderElementsOf(IntStream.rangeClosed(1, n).boxed().toList());
            assertThat(byInstance.keySet()).as("both instances took records: " + byInstance).containsExactlyInAnyOrder(idA, idB);

            // a configuration changed through B is loaded by A
            assertThat(b.put("/connectors/tagger/config", Designs.config(tagging("out2"))).status()).isEqualTo(200);
            await().atMost(CONVERGED).until(() -> a.bridge().runtime().loadedVersion("tagger").orElse(0) == 2);
            awaitWorkers(a, "tagger", Set.of(idA, idB));
            a.store().enqueue("in", 1000);
            await().atMost(DEADLINE).until(() -> a.store().queues().exists("out2") && total(a.store(), "out2") == 1);

            // paused through A: B's routes are suspended; resumed through B: A's run again
            assertThat(a.put("/connectors/tagger/pause", null).status()).isEqualTo(202);
            await().atMost(CONVERGED).until(() -> routeStatus(b, "tagger.tag") == ServiceStatus.Suspended);
            assertThat(b.put("/connectors/tagger/resume", null).status()).isEqualTo(202);
            await().atMost(CONVERGED).until(() -> routeStatus(a, "tagger.tag") == ServiceStatus.Started);

            // created through B, deleted through A: gone from both
            assertThat(b.post("/connectors", Designs.create("other", Designs.config(Designs.relay("x", "y")))).status()).isEqualTo(201);
            await().atMost(CONVERGED).until(() -> routeStatus(a, "other.relay") == ServiceStatus.Started);
            assertThat(a.delete("/connectors/other").status()).isEqualTo(204);
            await().atMost(CONVERGED).until(() -> b.context().getRoute("other.relay") == null && a.context().getRoute("other.relay") == null);
            assertThat(b.get("/connectors").json().toString()).isEqualTo("[\"tagger\"]");
        }
    }

    @Test
    void aSourceThatMustNotRunTwiceRunsOnTheLeaseHolderAndMovesWhenItStops() throws Exception {
        try (TestBackend pg = TestBackend.create(BackendKind.POSTGRES)) {
            Map<String, String> settings = RunningBridge.on(pg);
            settings.put("bridge.lease-duration", "2s");
            try (RunningBridge a = RunningBridge.start(settings); RunningBridge b = RunningBridge.start(settings)) {
                String idA = "bridge-" + a.port;
                String idB = "bridge-" + b.port;
                assertThat(a.post("/connectors", Designs.create("ticks", Designs.config(TICKS))).status()).isEqualTo(201);
                await().atMost(DEADLINE).untilAsserted(() -> {
                    Map<String, String> states = taskStates(b, "ticks");
                    assertThat(states).as(states.toString()).containsOnlyKeys(idA, idB);
                    assertThat(new ArrayList<>(states.values())).containsExactlyInAnyOrder("RUNNING", "UNASSIGNED");
                });
                String holder = taskStates(b, "ticks").entrySet().stream().filter(e -> e.getValue().equals("RUNNING"))
                        .findFirst().orElseThrow().getKey();
                await().atMost(DEADLINE).until(() -> a.store().queues().exists("ticks") && total(a.store(), "ticks") >= 5);
                assertThat(tickers(a)).as("only the lease holder's timer fires").containsExactly(holder);

                // the holder stops (and gives its lease back): the other instance takes the lease, its timer fires
                RunningBridge stopping = holder.equals(idA) ? a : b;
                RunningBridge staying = holder.equals(idA) ? b : a;
                String other = holder.equals(idA) ? idB : idA;
                stopping.close();
                await().atMost(DEADLINE).until(() -> "RUNNING".equals(taskStates(staying, "ticks").get(other)));
                await().atMost(DEADLINE).until(() -> tickers(staying).contains(other));
                assertThat(taskStates(staying, "ticks")).containsOnlyKeys(other);
            }
        }
    }

    /** The instances whose tasks of the connector are RUNNING, polled through {@code via}'s REST API. */
    private static void awaitWorkers(RunningBridge via, String connector, Set<String> workers) {
        await().atMost(DEADLINE).untilAsserted(() -> {
            Map<String, String> states = taskStates(via, connector);
            assertThat(states).as(states.toString()).containsOnlyKeys(workers.toArray(String[]::new));
            assertThat(new HashSet<>(states.values())).as(states.toString()).containsOnly("RUNNING");
        });
    }

    private static Map<String, String> taskStates(RunningBridge via, String connector) throws Exception {
        Map<String, String> out = new HashMap<>();
        for (JsonNode t : via.get("/connectors/" + connector + "/status").json().path("tasks")) {
            out.put(t.path("worker_id").asText(), t.path("state").asText());
        }
        return out;
    }

    /** The instances that wrote to the ticks queue (its messages read and archived). */
    private static Set<String> tickers(RunningBridge b) {
        Set<String> out = new HashSet<>();
        for (Message m : drain(b.store(), "ticks")) {
            out.add(m.payload().path("by").asText());
        }
        return out;
    }

    private static ServiceStatus routeStatus(RunningBridge b, String routeId) {
        return b.context().getRouteController().getRouteStatus(routeId);
    }
}
