package dev.pgqrs.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgqrs.Consumer;
import dev.pgqrs.Store;
import dev.pgqrs.WorkerStatus;
import dev.pgqrs.testing.ConformanceTest;
import dev.pgqrs.testing.TestBackend;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code pgqrs admin …} on every backend. */
class AdminCommandsConformanceTest {

    @ConformanceTest
    void installIsIdempotentAndVerifySaysWhetherTheSchemaIsComplete(TestBackend backend) {
        Cli cli = Cli.on(backend);
        Cli.Result before = cli.run("admin", "verify", "--format", "json");
        assertThat(before.status()).as("nothing installed yet").isEqualTo(1);
        assertThat(before.json().get("ok").asBoolean()).isFalse();
        assertThat(before.err()).startsWith("pgqrs: the schema has ").hasLineCount(1);

        JsonNode first = cli.json("admin", "install");
        assertThat(first.get("applied_versions")).isNotEmpty();
        JsonNode again = cli.json("admin", "install");
        assertThat(again.get("applied_versions")).isEmpty();
        assertThat(again.get("schema_version").asInt()).isEqualTo(first.get("schema_version").asInt());

        JsonNode verified = cli.json("admin", "verify");
        assertThat(verified.get("ok").asBoolean()).isTrue();
        assertThat(verified.get("problems")).isEmpty();
        assertThat(verified.get("expected_version").asInt()).isEqualTo(verified.get("schema_version").asInt());
    }

    @ConformanceTest
    void statsCountQueuesAndWorkersAndCarryEveryQueuesMetrics(TestBackend backend) {
        Store store = backend.open(c -> c.maintenance(false));
        store.queues().create("orders");
        store.enqueueBatch("orders", List.of(Map.of("n", 1), Map.of("n", 2)));
        Consumer consumer = store.consumer("orders");
        consumer.dequeue(1, Duration.ofHours(1));

        JsonNode stats = Cli.on(backend).json("admin", "stats");
        assertThat(stats.get("queues").asLong()).isEqualTo(1);
        assertThat(stats.get("workers").asLong()).isEqualTo(1);
        assertThat(stats.get("active_workers").asLong()).isEqualTo(1);
        assertThat(stats.get("workers_by_status").get("polling").asLong()).isEqualTo(1);
        assertThat(stats.get("workers_by_status").get("stopped").asLong()).isZero();
        JsonNode orders = stats.get("queue_metrics").get(0);
        assertThat(orders.get("queue").asText()).isEqualTo("orders");
        assertThat(orders.get("leased").asLong()).isEqualTo(1);
        assertThat(orders.get("pending").asLong()).isEqualTo(1);
    }

    @ConformanceTest
    void reclaimStopsStaleWorkersOfOneQueueOrOfAllAndReleasesTheirMessages(TestBackend backend) {
        Store store = backend.open(c -> c.maintenance(false).heartbeatInterval(Duration.ofHours(1)).staleWorkerTimeout(Duration.ofHours(3)));
        store.queues().create("orders");
        store.queues().create("billing");
        store.enqueueBatch("orders", List.of(Map.of("n", 1), Map.of("n", 2)));
        store.enqueue("billing", Map.of("n", 3));
        Consumer orders = store.consumer("orders");
        Consumer billing = store.consumer("billing");
        orders.dequeue(2, Duration.ofHours(1));
        billing.dequeue(1, Duration.ofHours(1));
        backend.execute("UPDATE pgqrs_workers SET heartbeat_at = " + backend.ago(Duration.ofMinutes(10)));
        Cli cli = Cli.on(backend);

        assertThat(cli.json("admin", "reclaim", "--older-than", "1h").get("workers").asInt()).as("not that old").isZero();
        JsonNode one = cli.json("admin", "reclaim", "--queue", "orders", "--older-than", "5m");
        assertThat(one.get("workers").asInt()).isEqualTo(1);
        assertThat(one.get("messages").asInt()).isEqualTo(2);
        assertThat(store.workers().get(billing.workerId()).orElseThrow().status()).isNotEqualTo(WorkerStatus.STOPPED);

        JsonNode all = cli.json("admin", "reclaim", "--older-than", "5m");
        assertThat(all.get("workers").asInt()).isEqualTo(1);
        assertThat(all.get("messages").asInt()).isEqualTo(1);
        assertThat(store.queues().metrics("billing").pending()).isEqualTo(1);
    }
}
