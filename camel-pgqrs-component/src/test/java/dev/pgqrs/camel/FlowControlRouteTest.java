package dev.pgqrs.camel;

import dev.pgqrs.Consumer;
import dev.pgqrs.Message;
import dev.pgqrs.QueueLimits;
import dev.pgqrs.testing.ConformanceTest;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Deduplication keys, run keys and priorities through pgqrs: routes, on every backend. */
class FlowControlRouteTest extends PgqrsCamelTestSupport {

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    @ConformanceTest
    void aDedupKeyHeaderEnqueuesOnceAndReportsTheDuplicate() throws Exception {
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:in").setHeader(PgqrsConstants.DEDUP_KEY, simple("order-${body[order]}")).to("pgqrs:orders");
            }
        });

        Exchange first = template.request("direct:in", e -> e.getIn().setBody(Map.of("order", 7)));
        Exchange again = template.request("direct:in", e -> e.getIn().setBody(Map.of("order", 7)));
        Exchange other = template.request("direct:in", e -> e.getIn().setBody(Map.of("order", 8)));

        long id = first.getMessage().getHeader(PgqrsConstants.MESSAGE_ID, Long.class);
        assertThat(first.getMessage().getHeader(PgqrsConstants.DUPLICATE)).isEqualTo(false);
        assertThat(again.getMessage().getHeader(PgqrsConstants.MESSAGE_ID)).isEqualTo(id);
        assertThat(again.getMessage().getHeader(PgqrsConstants.DUPLICATE)).isEqualTo(true);
        assertThat(other.getMessage().getHeader(PgqrsConstants.DUPLICATE)).isEqualTo(false);
        assertThat(store.queues().metrics("orders").total()).isEqualTo(2);
    }

    @ConformanceTest
    void aBatchBodyTakesOneKeyPerElement() {
        Exchange sent = template.request("pgqrs:orders", e -> {
            e.getIn().setBody(List.of(Map.of("n", 1), Map.of("n", 2), Map.of("n", 3)));
            e.getIn().setHeader(PgqrsConstants.DEDUP_KEY, Arrays.asList("a", null, "a"));
        });

        List<?> ids = sent.getMessage().getHeader(PgqrsConstants.MESSAGE_IDS, List.class);
        assertThat(ids).hasSize(3);
        assertThat(ids.get(2)).isEqualTo(ids.get(0));
        assertThat(sent.getMessage().getHeader(PgqrsConstants.DUPLICATE)).isEqualTo(List.of(false, false, true));
        assertThat(store.queues().metrics("orders").total()).isEqualTo(2);

        assertThatThrownBy(() -> rethrow(template.send("pgqrs:orders", e -> {
            e.getIn().setBody(List.of(Map.of("n", 1), Map.of("n", 2)));
            e.getIn().setHeader(PgqrsConstants.DEDUP_KEY, "one-for-all");
        }).getException())).hasMessageContaining("CamelPgqrsDedupKey for a batch body must be a list");
        assertThat(store.queues().metrics("orders").total()).isEqualTo(2);
    }

    @ConformanceTest
    void aPriorityOptionOrHeaderIsDeliveredFirst() throws Exception {
        List<String> consumed = new ArrayList<>();
        template.sendBody("pgqrs:orders", Map.of("n", "plain"));
        template.sendBody("pgqrs:orders?priority=2", Map.of("n", "option"));
        template.sendBodyAndHeader("pgqrs:orders?priority=2", Map.of("n", "header"), PgqrsConstants.PRIORITY, "9");

        try (Consumer consumer = store.consumer("orders")) {
            List<Message> all = consumer.dequeue(10);
            all.forEach(m -> consumed.add(m.payload().get("n").asText()));
            consumer.archive(all);
        }
        assertThat(consumed).containsExactly("header", "option", "plain");

        assertThatThrownBy(() -> rethrow(template.send("pgqrs:orders", e -> {
            e.getIn().setBody(Map.of("n", 1));
            e.getIn().setHeader(PgqrsConstants.PRIORITY, "high");
        }).getException())).hasMessage("CamelPgqrsPriority must be a whole number of 0 or more, was 'high'");
        assertThatThrownBy(() -> template.sendBody("pgqrs:orders?priority=-1", Map.of("n", 1)))
                .hasMessageContaining("option priority=-1 is invalid: must be at least 0");
    }

    @ConformanceTest
    void aRunKeyHeaderTriggersOneRun() {
        store.workflows().register("charge");
        Exchange first = template.request("pgqrs:workflow:charge",
                e -> { e.getIn().setBody(Map.of("order", 1)); e.getIn().setHeader(PgqrsConstants.DEDUP_KEY, "charge-1"); });
        Exchange again = template.request("pgqrs:workflow:charge",
                e -> { e.getIn().setBody(Map.of("order", 1)); e.getIn().setHeader(PgqrsConstants.DEDUP_KEY, "charge-1"); });

        long runId = first.getMessage().getHeader(PgqrsConstants.WORKFLOW_RUN_ID, Long.class);
        assertThat(again.getMessage().getHeader(PgqrsConstants.WORKFLOW_RUN_ID)).isEqualTo(runId);
        assertThat(first.getMessage().getHeader(PgqrsConstants.DUPLICATE)).isEqualTo(false);
        assertThat(again.getMessage().getHeader(PgqrsConstants.DUPLICATE)).isEqualTo(true);
        assertThat(store.workflows().list("charge", 10)).hasSize(1);
    }

    @ConformanceTest
    void aFifoQueueDeliversEachOrderingKeyInOrderOneAtATimeToParallelRouteConsumers() throws Exception {
        int keys = 5;
        int perKey = 8;
        Map<String, java.util.concurrent.atomic.AtomicInteger> inFlight = new java.util.concurrent.ConcurrentHashMap<>();
        Map<String, List<Integer>> seen = new java.util.concurrent.ConcurrentHashMap<>();
        java.util.concurrent.atomic.AtomicInteger maxInFlight = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger done = new java.util.concurrent.atomic.AtomicInteger();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:in").to("pgqrs:lines?autoCreateQueue=true&fifo=true");
                from("pgqrs:lines?autoCreateQueue=true&fifo=true&concurrentConsumers=4&maxMessagesPerPoll=10")
                        .process(e -> {
                            String key = e.getIn().getHeader(PgqrsConstants.ORDERING_KEY, String.class);
                            int now = inFlight.computeIfAbsent(key, k -> new java.util.concurrent.atomic.AtomicInteger())
                                    .incrementAndGet();
                            maxInFlight.accumulateAndGet(now, Math::max);
                            seen.computeIfAbsent(key, k -> new java.util.concurrent.CopyOnWriteArrayList<>())
                                    .add(JSON.readTree(e.getIn().getBody(String.class)).get("seq").asInt());
                            Thread.yield();
                            inFlight.get(key).decrementAndGet();
                            done.incrementAndGet();
                        });
            }
        });
        for (int seq = 0; seq < perKey; seq++) {
            List<Map<String, Object>> lines = new ArrayList<>();
            List<String> orderingKeys = new ArrayList<>();
            for (int k = 0; k < keys; k++) {
                lines.add(Map.of("key", "order-" + k, "seq", seq));
                orderingKeys.add("order-" + k);
            }
            template.sendBodyAndHeader("direct:in", lines, PgqrsConstants.ORDERING_KEY, orderingKeys);
        }
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60))
                .until(() -> done.get() == keys * perKey && store.queues().metrics("lines").archived() == keys * perKey);

        assertThat(maxInFlight.get()).isEqualTo(1);
        List<Integer> inOrder = java.util.stream.IntStream.range(0, perKey).boxed().toList();
        assertThat(seen).hasSize(keys).allSatisfy((key, seqs) -> assertThat(seqs).isEqualTo(inOrder));

        assertThatThrownBy(() -> rethrow(template.send("pgqrs:orders", e -> {
            e.getIn().setBody(Map.of("n", 1));
            e.getIn().setHeader(PgqrsConstants.ORDERING_KEY, "a");
        }).getException())).hasMessageContaining("ordering key 'a' given for a queue that is not FIFO");
    }

    @ConformanceTest
    void limitOptionsDeclareTheQueuesLimitsAndParallelRouteConsumersKeepThem() throws Exception {
        int limit = 2;
        int messages = 40;
        java.util.concurrent.atomic.AtomicInteger running = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger maxRunning = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger done = new java.util.concurrent.atomic.AtomicInteger();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("pgqrs:limited?autoCreateQueue=true&concurrencyLimit=" + limit + "&rateLimit=1000&rateLimitPeriod=1s"
                        + "&concurrentConsumers=4&maxMessagesPerPoll=10&delay=20&maxIdleDelay=100")
                        .process(e -> {
                            maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
                            java.util.concurrent.locks.LockSupport.parkNanos(3_000_000); // the work, holding the lease
                            running.decrementAndGet();
                            done.incrementAndGet();
                        });
            }
        });
        assertThat(store.queues().limits("limited"))
                .contains(QueueLimits.concurrency(limit).withRate(1000, java.time.Duration.ofSeconds(1)));

        long queueId = store.queues().get("limited").id();
        java.util.concurrent.atomic.AtomicBoolean draining = new java.util.concurrent.atomic.AtomicBoolean(true);
        List<Long> samples = new java.util.concurrent.CopyOnWriteArrayList<>();
        Thread sampler = new Thread(() -> {
            try (java.sql.Connection c = backend.jdbc(); java.sql.PreparedStatement ps = c.prepareStatement(
                    "SELECT count(*) FROM pgqrs_messages WHERE queue_id = ? AND archived_at IS NULL"
                            + " AND consumer_worker_id IS NOT NULL AND vt > " + backend.ago(java.time.Duration.ZERO))) {
                ps.setLong(1, queueId);
                while (draining.get()) {
                    try (java.sql.ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        samples.add(rs.getLong(1));
                    }
                }
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        sampler.start();
        List<Map<String, Integer>> batch = new ArrayList<>();
        for (int i = 0; i < messages; i++) {
            batch.add(Map.of("n", i));
        }
        store.producer("limited").enqueueBatch(batch);
        try {
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60))
                    .until(() -> done.get() == messages && store.queues().metrics("limited").archived() == messages);
        } finally {
            draining.set(false);
            sampler.join(60_000);
        }

        assertThat(maxRunning.get()).as("exchanges running at once").isLessThanOrEqualTo(limit);
        assertThat(samples.stream().mapToLong(Long::longValue).max().orElse(0))
                .as("leased at once, as the database counted (%d samples)", samples.size()).isEqualTo(limit);

        assertThatThrownBy(() -> template.sendBody("pgqrs:orders?concurrencyLimit=0", Map.of("n", 1)))
                .hasMessageContaining("option concurrencyLimit=0 is invalid: must be at least 1");
        assertThatThrownBy(() -> template.sendBody("pgqrs:orders?rateLimit=5&rateLimitPeriod=banana", Map.of("n", 1)))
                .hasStackTraceContaining("option rateLimitPeriod='banana' is not a duration");
        assertThatThrownBy(() -> template.sendBody("pgqrs:workflow:charge?rateLimit=5", Map.of("n", 1)))
                .hasMessageContaining("option rateLimit=5 is invalid: does not apply to a workflow endpoint");
    }

    private static Object rethrow(Exception e) throws Exception {
        if (e != null) {
            throw e;
        }
        return null;
    }
}
