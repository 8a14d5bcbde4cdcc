package dev.pgqrs.camel;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgqrs.Message;
import dev.pgqrs.QueueMetrics;
import dev.pgqrs.payload.Json;
import dev.pgqrs.internal.StoreInternals;
import dev.pgqrs.testing.ConformanceTest;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.health.HealthCheckRepository;
import org.apache.camel.health.WritableHealthCheckRepository;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Produce, consume, batch, delay, retries and dead letters, leases, concurrency: on every backend. */
class QueueRouteTest extends PgqrsCamelTestSupport {

    private static final Duration AWAIT = Duration.ofSeconds(30);

    @ConformanceTest
    void producedMessagesAreConsumedWithTheirHeadersAndArchived() throws Exception {
        MockEndpoint out = getMockEndpoint("mock:out");
        out.expectedMessageCount(1);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:in").to("pgqrs:orders");
                from("pgqrs:orders").to("mock:out");
            }
        });

        Exchange sent = template.request("direct:in", e -> e.getIn().setBody(Map.of("orderId", 42, "item", "book")));

        out.assertIsSatisfied(10_000);
        long id = sent.getMessage().getHeader(PgqrsConstants.MESSAGE_ID, Long.class);
        Exchange got = out.getReceivedExchanges().get(0);
        assertThat(Json.parse(got.getIn().getBody(String.class))).isEqualTo(Json.parse("{\"orderId\":42,\"item\":\"book\"}"));
        assertThat(got.getIn().getHeader(PgqrsConstants.MESSAGE_ID)).isEqualTo(id);
        assertThat(got.getIn().getHeader(PgqrsConstants.QUEUE)).isEqualTo("orders");
        assertThat(got.getIn().getHeader(PgqrsConstants.READ_COUNT)).isEqualTo(1);
        assertThat(got.getIn().getHeader(PgqrsConstants.ENQUEUED_AT, Instant.class)).isBefore(Instant.now().plusSeconds(1));
        assertThat(got.getIn().getHeader(PgqrsConstants.RUN_ID)).isEqualTo("message:" + id);
        await().atMost(5, TimeUnit.SECONDS).untilAsserted(() ->
                assertThat(store.queues().metrics("orders").archived()).isEqualTo(1));
    }

    @ConformanceTest
    void deleteAckModeRemovesTheRowAndBodyTypeMapsThePayload() throws Exception {
        MockEndpoint out = getMockEndpoint("mock:out");
        out.expectedMessageCount(2);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("pgqrs:typed?ackMode=DELETE&bodyType=com.fasterxml.jackson.databind.JsonNode").to("mock:out");
            }
        });
        template.sendBody("pgqrs:typed", "{\"n\": 1}");
        template.sendBody("pgqrs:typed", Json.parse("{\"n\": 2}"));

        out.assertIsSatisfied(10_000);
        List<Integer> ns = new ArrayList<>();
        for (Exchange e : out.getReceivedExchanges()) {
            assertThat(e.getIn().getBody()).isInstanceOf(JsonNode.class);
            ns.add(e.getIn().getBody(JsonNode.class).get("n").asInt());
        }
        assertThat(ns).containsExactlyInAnyOrder(1, 2);
        await().atMost(5, TimeUnit.SECONDS).untilAsserted(() ->
                assertThat(store.queues().metrics("typed").total()).isZero());
    }

    @ConformanceTest
    void aListBodyIsEnqueuedAsOneBatch() throws Exception {
        MockEndpoint out = getMockEndpoint("mock:out");
        out.expectedMessageCount(3);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("pgqrs:batch?maxMessagesPerPoll=3").to("mock:out");
            }
        });
        Exchange sent = template.request("pgqrs:batch", e -> e.getIn().setBody(List.of(Map.of("n", 1), Map.of("n", 2), Map.of("n", 3))));

        @SuppressWarnings("unchecked")
        List<Long> ids = sent.getMessage().getHeader(PgqrsConstants.MESSAGE_IDS, List.class);
        assertThat(ids).hasSize(3).isSorted();
        out.assertIsSatisfied(10_000);
        List<Long> consumed = new ArrayList<>();
        out.getReceivedExchanges().forEach(e -> consumed.add(e.getIn().getHeader(PgqrsConstants.MESSAGE_ID, Long.class)));
        assertThat(consumed).containsExactlyInAnyOrderElementsOf(ids);
        // One poll leased all three: they were one batch of exchanges.
        assertThat(out.getReceivedExchanges()).allSatisfy(e ->
                assertThat(e.getProperty(Exchange.BATCH_SIZE)).isEqualTo(3));
    }

    @ConformanceTest
    void aDelayedMessageIsDeliveredOnlyAfterItsDelay() throws Exception {
        List<Long> receivedAt = new CopyOnWriteArrayList<>();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("pgqrs:later?delay=100&idleDelayFactor=1").process(e -> receivedAt.add(System.nanoTime()));
            }
        });
        long start = System.nanoTime();
        template.sendBodyAndHeader("pgqrs:later", Map.of("n", 1), PgqrsConstants.DELIVERY_DELAY, Duration.ofMillis(1500));
        template.sendBody("pgqrs:later?deliveryDelay=1s", Map.of("n", 2));

        await().atMost(10, TimeUnit.SECONDS).until(() -> receivedAt.size() == 2);
        List<Long> millis = new ArrayList<>();
        receivedAt.forEach(t -> millis.add((t - start) / 1_000_000));
        Collections.sort(millis);
        assertThat(millis.get(0)).isGreaterThanOrEqualTo(1000);
        assertThat(millis.get(1)).isGreaterThanOrEqualTo(1500);
    }

    @ConformanceTest
    void aFailingMessageIsRetriedWithBackoffThenDeadLetteredAfterExactlyMaxAttempts() throws Exception {
        List<Integer> readCounts = new CopyOnWriteArrayList<>();
        List<Long> attemptsAt = new CopyOnWriteArrayList<>();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("pgqrs:flaky?maxAttempts=3&retryDelay=200&retryBackoffMultiplier=2&delay=50&idleDelayFactor=1")
                        .process(e -> {
                            attemptsAt.add(System.nanoTime());
                            readCounts.add(e.getIn().getHeader(PgqrsConstants.READ_COUNT, Integer.class));
                            throw new IllegalStateException("payment service down");
                        });
            }
        });
        template.sendBody("pgqrs:flaky", Map.of("n", 1));

        await().atMost(10, TimeUnit.SECONDS).until(() -> store.deadLetters().list("flaky", 10).size() == 1);
        QueueMetrics flaky = store.queues().metrics("flaky");
        assertThat(flaky.pending() + flaky.delayed() + flaky.leased()).as("nothing left to attempt a fourth time").isZero();
        assertThat(readCounts).containsExactly(1, 2, 3);
        long firstGap = (attemptsAt.get(1) - attemptsAt.get(0)) / 1_000_000;
        long secondGap = (attemptsAt.get(2) - attemptsAt.get(1)) / 1_000_000;
        assertThat(firstGap).isGreaterThanOrEqualTo(200);
        assertThat(secondGap).isGreaterThanOrEqualTo(400); // exponential: 200 ms, then 400 ms
        Message dead = store.deadLetters().list("flaky", 10).get(0);
        assertThat(dead.readCount()).isEqualTo(3);
        assertThat(dead.lastError()).contains("IllegalStateException").contains("payment service down");
    }

    @ConformanceTest
    void theExchangesOfOnePollAreAcknowledgedTogetherAndAFailureOnItsOwn() throws Exception {
        store.queues().create("together");
        List<Long> ids = store.enqueueBatch("together", List.of(Map.of("n", 0), Map.of("n", 1), Map.of("n", 2),
                Map.of("n", 3), Map.of("n", 4), Map.of("n", 5)));
        AtomicLong archivedWhenLastBegan = new AtomicLong(-1);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("pgqrs:together?maxMessagesPerPoll=10&maxAttempts=3&retryDelay=60000")
                        .process(e -> {
                            if (e.getProperty(Exchange.BATCH_COMPLETE, false, Boolean.class)) {
                                // The poll's other exchanges are done: acknowledged one by one, they would be archived by now.
                                archivedWhenLastBegan.set(store.queues().metrics("together").archived());
                            }
                            if (e.getIn().getHeader(PgqrsConstants.MESSAGE_ID, Long.class).equals(ids.get(3))) {
                                throw new IllegalStateException("this one fails");
                            }
                        });
            }
        });

        await().atMost(10, TimeUnit.SECONDS).until(() -> store.queues().metrics("together").archived() == 5);
        assertThat(archivedWhenLastBegan.get()).as("archived while the poll's last exchange ran").isZero();
        List<String> archivedAt = StoreInternals.of(store).database().read("read archive times", c -> {
            List<String> out = new ArrayList<>();
            try (var st = c.createStatement();
                 var rs = st.executeQuery("SELECT archived_at FROM pgqrs_messages WHERE archived_at IS NOT NULL")) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        });
        // One statement archived all five: they share its timestamp.
        assertThat(archivedAt).hasSize(5);
        assertThat(Set.copyOf(archivedAt)).hasSize(1);
        QueueMetrics m = store.queues().metrics("together");
        assertThat(m.delayed()).as("the failed one waits for its retry, alone").isEqualTo(1);
    }

    @ConformanceTest
    void withPiggybackedAcksAPollsCompletedExchangesAreArchivedByTheNextPollAndAFailureRetried() throws Exception {
        for (boolean piggyback : new boolean[] {true, false}) {
            String queue = "piggy-" + piggyback;
            store.queues().create(queue);
            List<Long> ids = store.enqueueBatch(queue, List.of(Map.of("n", 0), Map.of("n", 1), Map.of("n", 2),
                    Map.of("n", 3), Map.of("n", 4), Map.of("n", 5)));
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("pgqrs:" + queue + "?maxMessagesPerPoll=3&piggybackAcks=" + piggyback
                            + "&maxAttempts=3&retryDelay=60000&visibilityTimeout=60000")
                            .process(e -> {
                                if (e.getIn().getHeader(PgqrsConstants.MESSAGE_ID, Long.class).equals(ids.get(4))) {
                                    throw new IllegalStateException("this one fails");
                                }
                            });
                }
            });

            // The last poll's completed exchanges too: the poll that finds the queue empty acknowledges them, long
            // before their minute-long leases could run out.
            await().atMost(AWAIT).until(() -> store.queues().metrics(queue).archived() == 5);
            QueueMetrics m = store.queues().metrics(queue);
            assertThat(m.leased()).isZero();
            assertThat(m.delayed()).as("the failed one waits for its retry").isEqualTo(1);
            if (backend.kind() == dev.pgqrs.testing.BackendKind.POSTGRES) {
                // Piggybacked, the first poll's messages were archived by the statement that leased the second's.
                Map<Long, String[]> times = StoreInternals.of(store).database().read("read times", c -> {
                    Map<Long, String[]> out = new java.util.HashMap<>();
                    try (var st = c.createStatement(); var rs = st.executeQuery(
                            "SELECT id, archived_at::text, dequeued_at::text FROM pgqrs_messages WHERE id IN ("
                                    + ids.get(0) + ", " + ids.get(3) + ")")) {
                        while (rs.next()) {
                            out.put(rs.getLong(1), new String[] {rs.getString(2), rs.getString(3)});
                        }
                    }
                    return out;
                });
                assertThat(times.get(ids.get(0))[0].equals(times.get(ids.get(3))[1]))
                        .as("piggybackAcks=%s: first poll archived when the second was leased", piggyback).isEqualTo(piggyback);
            }
        }
    }

    @ConformanceTest
    void piggybackAcksDefaultsToWhereItWasMeasuredFaster() {
        assertThat(workerOptions("pgqrs:a").piggybacksAcks()).isTrue();
        assertThat(workerOptions("pgqrs:b?maxMessagesPerPoll=10").piggybacksAcks()).isTrue();
        assertThat(workerOptions("pgqrs:b?maxMessagesPerPoll=50").piggybacksAcks()).isFalse();
        assertThat(workerOptions("pgqrs:c?maxMessagesPerPoll=50&concurrentConsumers=4").piggybacksAcks()).isFalse();
        assertThat(workerOptions("pgqrs:d?maxMessagesPerPoll=50&concurrentConsumers=4&piggybackAcks=true").piggybacksAcks())
                .isTrue();
        assertThat(workerOptions("pgqrs:e?piggybackAcks=false").piggybacksAcks()).isFalse();
    }

    private dev.pgqrs.QueueWorkerOptions workerOptions(String uri) {
        return context.getEndpoint(uri, PgqrsEndpoint.class).getConfiguration().workerOptions();
    }

    @ConformanceTest
    void anExchangeMarkedRollbackOnlyIsRetriedNotAcknowledged() throws Exception {
        List<Integer> readCounts = new CopyOnWriteArrayList<>();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("pgqrs:undecided?maxAttempts=2&retryDelay=100&delay=50&idleDelayFactor=1")
                        .process(e -> readCounts.add(e.getIn().getHeader(PgqrsConstants.READ_COUNT, Integer.class)))
                        .markRollbackOnly();
            }
        });
        template.sendBody("pgqrs:undecided", Map.of("n", 1));

        await().atMost(10, TimeUnit.SECONDS).until(() -> store.deadLetters().list("undecided", 10).size() == 1);
        assertThat(readCounts).containsExactly(1, 2);
        assertThat(store.queues().metrics("undecided").archived()).isZero();
        assertThat(store.deadLetters().list("undecided", 10).get(0).lastError()).contains("exchange marked rollback-only");
    }

    @ConformanceTest
    void aMessageThatFailedMaxAttemptsMovesToTheDeadLetterQueueWithItsContext() throws Exception {
        MockEndpoint dlq = getMockEndpoint("mock:dlq");
        dlq.expectedMessageCount(1);
        AtomicInteger attempts = new AtomicInteger();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("pgqrs:payments?maxAttempts=2&retryDelay=10&deadLetterQueue=payments-dlq")
                        .process(e -> {
                            attempts.incrementAndGet();
                            throw new IllegalArgumentException("card declined");
                        });
                from("pgqrs:payments-dlq?bodyType=com.fasterxml.jackson.databind.JsonNode").to("mock:dlq");
            }
        });
        Exchange sent = template.request("pgqrs:payments", e -> e.getIn().setBody(Map.of("amount", 10)));
        long id = sent.getMessage().getHeader(PgqrsConstants.MESSAGE_ID, Long.class);

        dlq.assertIsSatisfied(10_000);
        JsonNode body = dlq.getReceivedExchanges().get(0).getIn().getBody(JsonNode.class);
        assertThat(body.get("amount").asInt()).isEqualTo(10);
        JsonNode context = body.get("_pgqrsDeadLetter");
        assertThat(context.get("queue").asText()).isEqualTo("payments");
        assertThat(context.get("messageId").asLong()).isEqualTo(id);
        assertThat(context.get("attempts").asInt()).isEqualTo(2);
        assertThat(context.get("error").asText()).contains("card declined");
        assertThat(attempts.get()).isEqualTo(2);
        QueueMetrics original = store.queues().metrics("payments");
        assertThat(original.archived()).isEqualTo(1);
        assertThat(original.deadLettered()).isZero();
    }

    @ConformanceTest
    void aSlowExchangeKeepsItsLeaseUntilItCompletes() throws Exception {
        AtomicInteger deliveries = new AtomicInteger();
        AtomicLong firstDeliveryAt = new AtomicLong();
        CountDownLatch finish = new CountDownLatch(1);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                // Two consumers on the queue: without the extension, the second would take the message after 1 s.
                from("pgqrs:slow?visibilityTimeout=1000&concurrentConsumers=2&delay=50&idleDelayFactor=1")
                        .process(e -> {
                            if (deliveries.incrementAndGet() == 1) {
                                firstDeliveryAt.set(System.nanoTime());
                            }
                            finish.await(AWAIT.toSeconds(), TimeUnit.SECONDS); // busy until the test has seen enough
                        });
            }
        });
        template.sendBody("pgqrs:slow", Map.of("n", 1));

        // Three visibility timeouts into the exchange, its delivery still has its lease ahead: it was extended.
        await("the lease extended three visibility timeouts into the exchange").atMost(AWAIT).until(() -> deliveries.get() > 0
                && System.nanoTime() - firstDeliveryAt.get() > Duration.ofSeconds(3).toNanos()
                && firstDeliveriesStillLeased() == 1);
        finish.countDown();

        await().atMost(AWAIT).until(() -> store.queues().metrics("slow").archived() == 1);
        assertThat(deliveries.get()).isEqualTo(1);
    }

    @ConformanceTest
    void withoutVisibilityExtensionASlowExchangeIsRedelivered() throws Exception {
        // The control for the test above: it shows the lease does run out when nobody extends it.
        List<Integer> readCounts = new CopyOnWriteArrayList<>();
        CountDownLatch finish = new CountDownLatch(1);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("pgqrs:slow?visibilityTimeout=1000&extendVisibility=false&concurrentConsumers=2&delay=50&idleDelayFactor=1")
                        .process(e -> {
                            readCounts.add(e.getIn().getHeader(PgqrsConstants.READ_COUNT, Integer.class));
                            finish.await(AWAIT.toSeconds(), TimeUnit.SECONDS); // busy until redelivered
                        });
            }
        });
        template.sendBody("pgqrs:slow", Map.of("n", 1));

        await("a second delivery").atMost(AWAIT).until(() -> readCounts.size() >= 2);
        finish.countDown();
        assertThat(readCounts.subList(0, 2)).containsExactly(1, 2);
    }

    /** Messages in their first delivery whose lease is still ahead by the database's clock (one queue per test database). */
    private long firstDeliveriesStillLeased() {
        return StoreInternals.of(store).database().read("count leased messages", c -> {
            try (var st = c.createStatement();
                 var rs = st.executeQuery("SELECT count(*) FROM pgqrs_messages WHERE archived_at IS NULL "
                         + "AND read_ct = 1 AND consumer_worker_id IS NOT NULL AND vt > " + backend.ago(Duration.ZERO))) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    @ConformanceTest
    void concurrentConsumersProcessEveryMessageExactlyOnce() throws Exception {
        int total = 300;
        Set<String> threads = ConcurrentHashMap.newKeySet();
        CountDownLatch twoThreads = new CountDownLatch(2);
        List<Long> seen = Collections.synchronizedList(new ArrayList<>());
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("pgqrs:work?concurrentConsumers=4&maxMessagesPerPoll=5").routeId("workers")
                        .process(e -> {
                            seen.add(e.getIn().getHeader(PgqrsConstants.MESSAGE_ID, Long.class));
                            if (threads.add(Thread.currentThread().getName())) {
                                // A thread's first exchange waits for a second thread: concurrent consumers overlap.
                                twoThreads.countDown();
                                twoThreads.await(AWAIT.toSeconds(), TimeUnit.SECONDS);
                            }
                        });
            }
        });
        List<Map<String, Integer>> payloads = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            payloads.add(Map.of("n", i));
        }
        template.sendBody("pgqrs:work", payloads);

        assertThat(twoThreads.await(AWAIT.toSeconds(), TimeUnit.SECONDS)).as("two consumer threads at work at once").isTrue();
        await().atMost(30, TimeUnit.SECONDS).until(() -> store.queues().metrics("work").archived() == total);
        assertThat(seen).hasSize(total).doesNotHaveDuplicates();
        assertThat(threads).hasSizeGreaterThan(1);
    }

    @ConformanceTest
    void theConsumerRegistersAReadinessCheckThatReportsUp() throws Exception {
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("pgqrs:checked").routeId("checked").to("mock:out");
            }
        });
        await().atMost(5, TimeUnit.SECONDS).untilAsserted(() -> {
            List<HealthCheck.Result> results = new ArrayList<>(HealthCheckHelper.invokeReadiness(context));
            HealthCheck.Result mine = results.stream().filter(r -> r.getCheck().getId().equals("consumer:checked"))
                    .findFirst().orElseThrow();
            assertThat(mine.getState()).isEqualTo(HealthCheck.State.UP);
            assertThat(mine.getDetails()).containsEntry("queue", "checked").containsEntry("check.id", "pgqrs-consumer-checked");
        });

        store.close(); // the database is gone as far as this consumer can tell
        HealthCheck.Result down = HealthCheckHelper.invokeReadiness(context).stream()
                .filter(r -> r.getCheck().getId().equals("consumer:checked")).findFirst().orElseThrow();
        assertThat(down.getState()).isEqualTo(HealthCheck.State.DOWN);
        assertThat(down.getMessage()).hasValueSatisfying(m -> assertThat(m).contains("pgqrs store unreachable"));
    }

    @ConformanceTest
    void aProducerRegistersAReadinessCheckWhenProducerChecksAreOn() throws Exception {
        producerChecks().setEnabled(true); // camel.health.producersEnabled=true
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:intake").routeId("intake").to("pgqrs:checked");
            }
        });

        HealthCheck.Result up = readiness("producer:intake:pgqrs:checked");
        assertThat(up.getState()).isEqualTo(HealthCheck.State.UP);
        assertThat(up.getDetails()).containsEntry("queue", "checked").containsEntry("store.reachable", true);

        store.close();
        HealthCheck.Result down = readiness("producer:intake:pgqrs:checked");
        assertThat(down.getState()).isEqualTo(HealthCheck.State.DOWN);
        assertThat(down.getMessage()).hasValueSatisfying(m -> assertThat(m).contains("pgqrs store unreachable"));

        context.getRouteController().stopRoute("intake");
        assertThat(producerChecks().stream().map(HealthCheck::getId)).as("removed with its producer")
                .doesNotContain("producer:intake:pgqrs:checked");
    }

    /** The producer checks, on as {@code camel.health.producersEnabled=true} (and consumersEnabled) turn them on in Camel Main. */
    private WritableHealthCheckRepository producerChecks() {
        HealthCheckRegistry registry = HealthCheckRegistry.get(context);
        registry.setEnabled(true);
        for (String id : List.of("consumers", "producers")) {
            HealthCheckRepository repo = registry.getRepository(id).orElseGet(() -> (HealthCheckRepository) registry.resolveById(id));
            repo.setEnabled(true);
            registry.register(repo);
        }
        return (WritableHealthCheckRepository) registry.getRepository("producers").orElseThrow();
    }

    private HealthCheck.Result readiness(String id) {
        // "full": every check's result, not only what Camel's default exposure level shows
        return await().atMost(5, TimeUnit.SECONDS).until(() -> HealthCheckHelper.invokeReadiness(context, "full").stream()
                .filter(r -> r.getCheck().getId().equals(id)).findFirst().orElse(null), r -> r != null);
    }
}
