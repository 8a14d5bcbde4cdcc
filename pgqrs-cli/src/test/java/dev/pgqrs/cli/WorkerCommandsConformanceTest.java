package dev.pgqrs.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgqrs.Consumer;
import dev.pgqrs.QueueWorker;
import dev.pgqrs.QueueWorkerOptions;
import dev.pgqrs.Store;
import dev.pgqrs.WorkerStatus;
import dev.pgqrs.testing.ConformanceTest;
import dev.pgqrs.testing.TestBackend;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code pgqrs worker …} on every backend; the application's queue worker runs on a store of its own, as in
 * another process, and learns of the command through its row at its next heartbeat.
 */
class WorkerCommandsConformanceTest {

    private static final Duration DEADLINE = Duration.ofSeconds(30);

    @ConformanceTest
    void workersAreListedPerQueueWithStatusAndHeartbeatAge(TestBackend backend) {
        Store store = backend.open(c -> c.maintenance(false));
        store.queues().create("orders");
        store.queues().create("billing");
        Consumer orders = store.consumer("orders");
        store.consumer("billing");
        Cli cli = Cli.on(backend);

        assertThat(cli.json("worker", "list")).hasSize(2);
        JsonNode listed = cli.json("worker", "list", "--queue", "orders");
        assertThat(listed).hasSize(1);
        JsonNode w = listed.get(0);
        assertThat(w.get("id").asLong()).isEqualTo(orders.workerId());
        assertThat(w.get("name").asText()).isEqualTo(orders.workerName());
        assertThat(w.get("queue").asText()).isEqualTo("orders");
        assertThat(w.get("status").asText()).isEqualTo("ready");
        assertThat(w.get("heartbeat_age_seconds").isNumber()).isTrue();
        assertThat(cli.run("worker", "list").out()).contains("HEARTBEAT_AGE_SECONDS").contains(orders.workerName());
    }

    @ConformanceTest
    void aQueueWorkerOfAnotherProcessIsSuspendedResumedAndShutDown(TestBackend backend) {
        Store app = backend.open(c -> c.heartbeatInterval(Duration.ofMillis(100)));
        app.queues().create("orders");
        Set<Integer> handled = ConcurrentHashMap.newKeySet();
        QueueWorker worker = app.worker("orders", d -> handled.add(d.message().payload().get("n").asInt()),
                QueueWorkerOptions.defaults().pollInterval(Duration.ofMillis(50)));
        Cli cli = Cli.on(backend);
        String id = cli.json("worker", "list", "--queue", "orders").get(0).get("id").asText();

        JsonNode suspended = cli.json("worker", "suspend", id);
        assertThat(suspended.get("status").asText()).isEqualTo("suspended");
        assertThat(suspended.get("previous_status").asText()).isIn("ready", "polling");
        await().atMost(DEADLINE).until(worker::isSuspended);
        cli.json("message", "send", "orders", "{\"n\":1}");
        Store operator = backend.open(c -> c.maintenance(false));
        long beatAfterSend = System.nanoTime();
        // several heartbeats (100 ms) and polls (50 ms) go by: the message stays where it is
        await().atMost(DEADLINE).until(() -> System.nanoTime() - beatAfterSend > 500_000_000L
                && operator.workers().get(Long.parseLong(id)).orElseThrow().heartbeatAge().toMillis() < 200);
        assertThat(handled).isEmpty();
        assertThat(operator.queues().metrics("orders").pending()).isEqualTo(1);

        assertThat(cli.json("worker", "resume", id).get("status").asText()).isEqualTo("ready");
        await().atMost(DEADLINE).until(() -> handled.contains(1));

        assertThat(cli.json("worker", "shutdown", id).get("status").asText()).isEqualTo("interrupted");
        await().atMost(DEADLINE).until(() -> !worker.isRunning()
                && operator.workers().get(Long.parseLong(id)).orElseThrow().status() == WorkerStatus.STOPPED);
        Cli.Result illegal = cli.run("worker", "suspend", id);
        assertThat(illegal.status()).isEqualTo(1);
        assertThat(illegal.err()).contains("cannot go from stopped to suspended").hasLineCount(1);
        assertThat(cli.run("worker", "resume", "999999").err()).contains("no worker with id 999999");
        worker.close();
    }

    @ConformanceTest
    void oldStoppedWorkersArePurged(TestBackend backend) {
        Store store = backend.open(c -> c.maintenance(false));
        store.queues().create("orders");
        store.enqueue("orders", Map.of("n", 1));
        Consumer consumer = store.consumer("orders");
        consumer.archive(consumer.dequeue(1));
        consumer.close();
        Cli cli = Cli.on(backend);

        assertThat(cli.json("worker", "purge", "--older-than", "1d").get("purged").asInt()).isZero();
        backend.execute("UPDATE pgqrs_workers SET shutdown_at = " + backend.ago(Duration.ofDays(2)));
        assertThat(cli.json("worker", "purge", "--older-than", "1d").get("purged").asInt()).isEqualTo(1);
        assertThat(cli.json("worker", "list")).isEmpty();
        Cli.Result noAge = cli.run("worker", "purge");
        assertThat(noAge.status()).isEqualTo(2);
        assertThat(noAge.err()).contains("--older-than");
    }
}
