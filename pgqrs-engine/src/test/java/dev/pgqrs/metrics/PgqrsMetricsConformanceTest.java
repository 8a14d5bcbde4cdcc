package dev.pgqrs.metrics;

import dev.pgqrs.Consumer;
import dev.pgqrs.Message;
import dev.pgqrs.Producer;
import dev.pgqrs.QueueWorker;
import dev.pgqrs.QueueWorkerOptions;
import dev.pgqrs.RetryPolicy;
import dev.pgqrs.Store;
import dev.pgqrs.testing.BackendKind;
import dev.pgqrs.testing.ConformanceTest;
import dev.pgqrs.testing.TestBackend;
import dev.pgqrs.workflow.RunHandle;
import dev.pgqrs.workflow.Workflow;
import dev.pgqrs.workflow.WorkflowWorkerOptions;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The meters of a store, read from a SimpleMeterRegistry after driving queues and a workflow. */
class PgqrsMetricsConformanceTest {

    private static final Duration AWAIT = Duration.ofSeconds(20);

    @ConformanceTest
    void countersAndGaugesFollowEnqueueDequeueAckRetryAndDeadLetter(TestBackend backend) {
        Store store = backend.open();
        store.queues().create("orders");
        store.queues().create("idle");
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        // Interval zero: every read takes a new snapshot, so each assertion sees the state just made.
        new PgqrsMetrics(store, Duration.ZERO, Tags.empty()).bindTo(registry);
        String b = backend.kind() == BackendKind.POSTGRES ? "postgres" : "sqlite";

        Producer producer = store.producer("orders");
        producer.enqueue(Map.of("n", 1));
        producer.enqueueBatch(List.of(Map.of("n", 2), Map.of("n", 3), Map.of("n", 4)));
        producer.enqueue(Map.of("n", 5), Duration.ofHours(1));

        assertThat(counter(registry, MeterNames.ENQUEUED, "orders")).isEqualTo(5);
        assertThat(gauge(registry, MeterNames.QUEUE_DEPTH, "orders")).isEqualTo(4);
        assertThat(gauge(registry, MeterNames.QUEUE_DELAYED, "orders")).isEqualTo(1);
        assertThat(gauge(registry, MeterNames.QUEUE_LEASED, "orders")).isZero();
        assertThat(gauge(registry, MeterNames.QUEUE_DEPTH, "idle")).isZero();
        assertThat(gauge(registry, MeterNames.QUEUE_OLDEST_PENDING_AGE, "orders")).isGreaterThanOrEqualTo(0);
        assertThat(registry.get(MeterNames.QUEUES).tag(MeterNames.TAG_BACKEND, b).gauge().value()).isEqualTo(2);

        try (Consumer consumer = store.consumer("orders")) {
            List<Message> leased = consumer.dequeue(3, Duration.ofMinutes(1));
            assertThat(counter(registry, MeterNames.DEQUEUED, "orders")).isEqualTo(3);
            assertThat(gauge(registry, MeterNames.QUEUE_LEASED, "orders")).isEqualTo(3);
            assertThat(gauge(registry, MeterNames.QUEUE_DEPTH, "orders")).isEqualTo(1);

            consumer.archive(leased.subList(0, 1));
            consumer.release(leased.subList(1, 2), Duration.ofHours(1), "boom");
            consumer.deadLetter(leased.get(2), "poison");
            consumer.release(List.of(consumer.dequeueOne().orElseThrow()), Duration.ZERO, null); // a give-back: no retry

            assertThat(counter(registry, MeterNames.ACKED, "orders")).isEqualTo(1);
            assertThat(counter(registry, MeterNames.RETRIED, "orders")).isEqualTo(1);
            assertThat(counter(registry, MeterNames.DEAD_LETTERED, "orders")).isEqualTo(1);
            assertThat(gauge(registry, MeterNames.QUEUE_DEAD_LETTERED, "orders")).isEqualTo(1);
            assertThat(gauge(registry, MeterNames.QUEUE_LEASED, "orders")).isZero();
            assertThat(gauge(registry, MeterNames.QUEUE_DELAYED, "orders")).isEqualTo(2); // the delayed one and the retry
        }
        assertThat(registry.get(MeterNames.ENQUEUE_LATENCY).tag("queue", "orders").timer().count()).isEqualTo(3);
        assertThat(registry.get(MeterNames.DEQUEUE_LATENCY).tag("queue", "orders").timer().count()).isEqualTo(2);
        assertThat(registry.get(MeterNames.ENQUEUED).tag(MeterNames.TAG_BACKEND, b).counter().count()).isEqualTo(5);
    }

    @ConformanceTest
    void aQueueWorkersRetriesAndDeadLettersAreCounted(TestBackend backend) {
        Store store = backend.open();
        store.queues().create("jobs");
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        new PgqrsMetrics(store, Duration.ZERO, Tags.empty()).bindTo(registry);
        store.enqueueBatch("jobs", List.of(Map.of("ok", true), Map.of("ok", false)));

        QueueWorker worker = store.worker("jobs", d -> {
            if (!d.message().payloadJson().contains("true")) {
                throw new IllegalStateException("cannot");
            }
        }, QueueWorkerOptions.defaults().pollInterval(Duration.ofMillis(20))
                .retryPolicy(RetryPolicy.exponential(2, Duration.ofMillis(1), Duration.ofMillis(1))));
        try {
            await().atMost(AWAIT).until(() -> counter(registry, MeterNames.DEAD_LETTERED, "jobs") == 1);
        } finally {
            worker.close();
        }
        assertThat(counter(registry, MeterNames.ACKED, "jobs")).isEqualTo(1);
        assertThat(counter(registry, MeterNames.RETRIED, "jobs")).isEqualTo(1);
        assertThat(counter(registry, MeterNames.DEQUEUED, "jobs")).isEqualTo(3);
        assertThat(gauge(registry, MeterNames.QUEUE_DEAD_LETTERED, "jobs")).isEqualTo(1);
        assertThat(gauge(registry, MeterNames.QUEUE_DEPTH, "jobs")).isZero();
    }

    @ConformanceTest
    void workflowRunsAreCountedByStatusWithStepRetriesAndDuration(TestBackend backend) {
        Store store = backend.open();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        new PgqrsMetrics(store, Duration.ZERO, Tags.empty()).bindTo(registry);
        AtomicInteger calls = new AtomicInteger();
        Workflow<String, String> wf = Workflow.define("checkout", String.class, String.class, (ctx, in) ->
                ctx.step("charge", String.class, () -> {
                    if (in.equals("declined")) {
                        throw new dev.pgqrs.workflow.PermanentStepException("declined");
                    }
                    if (calls.incrementAndGet() == 1) {
                        throw new IllegalStateException("flaky");
                    }
                    return "paid " + in;
                })).withRetryPolicy(RetryPolicy.exponential(3, Duration.ofMillis(1), Duration.ofMillis(1)));
        store.workflows().startWorker(wf, WorkflowWorkerOptions.defaults().pollInterval(Duration.ofMillis(20)));

        RunHandle<String> ok = store.workflows().trigger(wf, "A-1");
        RunHandle<String> declined = store.workflows().trigger(wf, "declined");
        assertThat(ok.await(AWAIT)).isEqualTo("paid A-1");
        await().atMost(AWAIT).until(() -> runs(registry, "ERROR") == 1);

        assertThat(runs(registry, "SUCCESS")).isEqualTo(1);
        assertThat(registry.get(MeterNames.WORKFLOW_STEP_RETRIES).tags("workflow", "checkout", "step", "charge")
                .counter().count()).isEqualTo(1);
        assertThat(registry.get(MeterNames.WORKFLOW_RUN_DURATION).tags("workflow", "checkout", "status", "SUCCESS")
                .timer().count()).isEqualTo(1);
        assertThat(counter(registry, MeterNames.ENQUEUED, "checkout")).isEqualTo(2);
        assertThat(counter(registry, MeterNames.DEQUEUED, "checkout")).isGreaterThanOrEqualTo(3);
        assertThat(declined.id()).isNotEqualTo(ok.id());
    }

    @ConformanceTest
    void oneSnapshotStatementServesEveryGaugeOfEveryQueueWithinTheInterval(TestBackend backend) {
        Store store = backend.open();
        for (int i = 0; i < 5; i++) {
            store.queues().create("q" + i);
            store.enqueue("q" + i, Map.of("i", i));
        }
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        PgqrsMetrics metrics = new PgqrsMetrics(store, Duration.ofHours(1), Tags.empty());
        metrics.bindTo(registry);
        for (int scrape = 0; scrape < 3; scrape++) {
            registry.getMeters().forEach(m -> m.measure().forEach(measurement -> measurement.getValue()));
        }
        // 5 queues x 5 gauges, read 3 times: one statement (the one at bind time).
        assertThat(registry.find(MeterNames.QUEUE_DEPTH).gauges()).hasSize(5);
        assertThat(metrics.snapshotStatements(registry)).isEqualTo(1);
        assertThat(gauge(registry, MeterNames.QUEUE_DEPTH, "q3")).isEqualTo(1);

        metrics.close();
        assertThat(registry.find(MeterNames.QUEUE_DEPTH).gauges()).isEmpty();
        store.enqueue("q0", Map.of("after", "close"));
        assertThat(registry.find(MeterNames.ENQUEUED).counters()).allMatch(c -> c.count() == 0);
    }

    @ConformanceTest
    void aQueueCreatedLaterGetsItsGaugesAndADeletedOneLosesThem(TestBackend backend) {
        Store store = backend.open();
        store.queues().create("first");
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        new PgqrsMetrics(store, Duration.ZERO, Tags.empty()).bindTo(registry);
        store.queues().create("second");
        registry.get(MeterNames.QUEUES).gauge().value(); // a scrape: the snapshot sees the new queue
        assertThat(gauge(registry, MeterNames.QUEUE_DEPTH, "second")).isZero();
        store.queues().delete("first");
        registry.get(MeterNames.QUEUES).gauge().value();
        assertThat(registry.find(MeterNames.QUEUE_DEPTH).tag("queue", "first").gauge()).isNull();
    }

    @ConformanceTest
    void theStoresPoolReportsItsConnections(TestBackend backend) {
        Store store = backend.open();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        new PgqrsMetrics(store).bindTo(registry);
        store.queues().list();
        assertThat(registry.find("hikaricp.connections.max").gauge()).isNotNull();
        assertThat(registry.find("hikaricp.connections.max").gauge().value()).isGreaterThan(0);
    }

    @ConformanceTest
    void thePrometheusScrapeNamesNoDsnAndNoPassword(TestBackend backend) {
        String password = "Scrape-S3cret-" + System.nanoTime();
        // The embedded server trusts its local users, so the password in the DSN is accepted whatever it is.
        String dsn = backend.kind() == BackendKind.POSTGRES
                ? backend.dsn().replaceFirst("^postgres://([^:@/]+)(:[^@]*)?@", "postgres://$1:" + password + "@")
                : backend.dsn();
        Store store = backend.open(b -> b.dsn(dsn));
        store.queues().create("orders");
        store.enqueue("orders", Map.of("n", 1));
        var registry = new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(
                io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT);
        new PgqrsMetrics(store).bindTo(registry);
        store.enqueue("orders", Map.of("n", 2));

        String scrape = registry.scrape();

        assertThat(scrape).contains("pgqrs_messages_enqueued_total{backend=\"" + backend.kind().name().toLowerCase()
                + "\",queue=\"orders\"} 1.0").contains("pgqrs_queue_depth{backend=").contains("pgqrs_queue_oldest_pending_age_seconds{").contains("hikaricp_connections");
        assertThat(scrape).doesNotContain(password).doesNotContain("password");
        String where = backend.kind() == BackendKind.POSTGRES ? dsn.substring(dsn.indexOf('@') + 1) : backend.dsn();
        assertThat(scrape).doesNotContain(where);
        if (backend.kind() == BackendKind.POSTGRES) {
            assertThat(scrape).contains("pgqrs_messages_dead_tuples{backend=\"postgres\"}");
        }
    }

    static double counter(MeterRegistry registry, String name, String queue) {
        var c = registry.find(name).tag(MeterNames.TAG_QUEUE, queue).counter();
        return c == null ? 0 : c.count();
    }

    static double gauge(MeterRegistry registry, String name, String queue) {
        return registry.get(name).tag(MeterNames.TAG_QUEUE, queue).gauge().value();
    }

    static double runs(MeterRegistry registry, String status) {
        var c = registry.find(MeterNames.WORKFLOW_RUNS).tags("workflow", "checkout", "status", status).counter();
        return c == null ? 0 : c.count();
    }
}
