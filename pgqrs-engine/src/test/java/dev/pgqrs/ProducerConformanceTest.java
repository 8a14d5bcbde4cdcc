package dev.pgqrs;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgqrs.config.PayloadLimits;
import dev.pgqrs.testing.ConformanceTest;
import dev.pgqrs.testing.TestBackend;

import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Enqueueing: single, batch, delayed, validated, rate-limited, transactional — on every backend. */
class ProducerConformanceTest {

    record Order(String sku, int quantity) {
    }

    @ConformanceTest
    void enqueuesEveryPayloadShapeAsTheSameJson(TestBackend backend) {
        Store store = backend.open();
        store.queues().create("orders");
        Producer producer = store.producer("orders");
        ObjectNode tree = JsonNodeFactory.instance.objectNode().put("sku", "A-1").put("quantity", 2);

        producer.enqueue("{\"sku\":\"A-1\",\"quantity\":2}");
        producer.enqueue(tree);
        producer.enqueue(Map.of("sku", "A-1", "quantity", 2));
        producer.enqueue(new Order("A-1", 2));

        try (Consumer consumer = store.consumer("orders")) {
            List<Message> messages = consumer.dequeue(10);
            assertThat(messages).hasSize(4);
            for (Message m : messages) {
                assertThat(m.payload()).isEqualTo(tree);
                assertThat(m.payloadAs(Order.class)).isEqualTo(new Order("A-1", 2));
                assertThat(m.producerWorkerId()).isEqualTo(producer.workerId());
            }
            consumer.archive(messages);
        }
    }

    @ConformanceTest
    void batchReturnsIdsInPayloadOrderAndIsDeliveredInThatOrder(TestBackend backend) {
        Store store = backend.open();
        store.queues().create("orders");
        List<Map<String, Integer>> payloads = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            payloads.add(Map.of("n", i));
        }

        List<Long> ids = store.producer("orders").enqueueBatch(payloads);

        assertThat(ids).hasSize(50).isSorted().doesNotHaveDuplicates();
        try (Consumer consumer = store.consumer("orders")) {
            List<Message> messages = consumer.dequeue(100);
            assertThat(messages).extracting(Message::id).containsExactlyElementsOf(ids);
            assertThat(messages).extracting(m -> m.payload().get("n").asInt())
                    .containsExactlyElementsOf(payloads.stream().map(p -> p.get("n")).toList());
            consumer.delete(messages);
        }
    }

    @ConformanceTest
    void delayedMessagesStayInvisibleUntilTheirTime(TestBackend backend) throws Exception {
        Store store = backend.open();
        store.queues().create("orders");
        Producer producer = store.producer("orders");

        Duration delay = Duration.ofSeconds(1);
        long enqueuedAt = System.nanoTime();
        producer.enqueue(Map.of("when", "later"), delay);
        producer.enqueueAt(Map.of("when", "much later"), Instant.now().plus(Duration.ofHours(1)));
        producer.enqueueBatch(List.of(Map.of("when", "batch later")), Duration.ofHours(1));
        producer.enqueueAt(Map.of("when", "past"), Instant.now().minusSeconds(60));

        try (Consumer consumer = store.consumer("orders")) {
            assertThat(consumer.dequeue(10)).extracting(m -> m.payload().get("when").asText()).containsExactly("past");
            List<Message> later = await("the delayed message due").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                    .until(() -> consumer.dequeue(10), got -> !got.isEmpty());
            // Not before its delay (less a millisecond: SQLite's clock counts in milliseconds).
            assertThat(Duration.ofNanos(System.nanoTime() - enqueuedAt)).as("visible after").isGreaterThan(delay.minusMillis(1));
            assertThat(later).extracting(m -> m.payload().get("when").asText()).containsExactly("later");
            assertThat(store.queues().metrics("orders").delayed()).isEqualTo(2);
            consumer.close(ShutdownMode.RELEASE_HELD);
        }
    }

    @ConformanceTest
    void invalidPayloadsAreRefusedNamingTheProblem(TestBackend backend) {
        Store store = backend.open();
        store.queues().create("orders");
        Producer producer = store.producer("orders");

        assertThatThrownBy(() -> producer.enqueue("not json")).isInstanceOf(InvalidPayloadException.class)
                .hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> producer.enqueue("{\"a\":1} and more")).hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> producer.enqueue((Object) null)).hasMessageContaining("payload is null");
        assertThatThrownBy(() -> producer.enqueue("{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":{\"f\":1}}}}}}"))
                .hasMessageContaining("payload value at $.a.b.c.d.e.f is at depth 6, deeper than the limit of 5");
        assertThatThrownBy(() -> producer.enqueue(Map.of("note", "x".repeat(1025))))
                .hasMessageContaining("payload string at $.note is 1025 bytes, more than the limit of 1024");
        assertThatThrownBy(() -> producer.enqueue("{\"x\":{\"__proto__\":1}}"))
                .hasMessageContaining("forbidden key '__proto__' at $.x");
        assertThatThrownBy(() -> producer.enqueue(Map.of("constructor", 1))).hasMessageContaining("forbidden key 'constructor'");

        assertThat(store.queues().metrics("orders").total()).isZero();
        // At the limits exactly, payloads pass; any JSON value is a payload (as in pgqrs for Rust).
        producer.enqueue("{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":1}}}}}");
        producer.enqueue(Map.of("note", "é".repeat(512)));
        producer.enqueue("[1,2]");
        producer.enqueue("42");
        assertThat(store.queues().metrics("orders").total()).isEqualTo(4);
    }

    @ConformanceTest
    void sizeAndRequiredKeyLimitsAreConfigurable(TestBackend backend) {
        PayloadLimits limits = PayloadLimits.DEFAULTS.withMaxBytes(100).withRequiredKeys(List.of("type"));
        Store store = backend.open(c -> c.payloadLimits(limits));
        store.queues().create("orders");

        assertThatThrownBy(() -> store.enqueue("orders", Map.of("n", 1)))
                .hasMessageContaining("missing required key 'type'");
        assertThatThrownBy(() -> store.enqueue("orders", Map.of("type", "t", "pad", "x".repeat(100))))
                .hasMessageMatching("payload is \\d+ bytes, more than the limit of 100");
        store.enqueue("orders", Map.of("type", "ok"));
        assertThat(store.queues().metrics("orders").total()).isEqualTo(1);
    }

    @ConformanceTest
    void aBatchWithOneBadPayloadFailsWholeNamingTheIndex(TestBackend backend) {
        Store store = backend.open();
        store.queues().create("orders");

        assertThatThrownBy(() -> store.producer("orders").enqueueBatch(List.of(Map.of("n", 0), Map.of("n", 1), "[oops]")))
                .isInstanceOf(InvalidPayloadException.class)
                .hasMessageStartingWith("payload at index 2: ");
        assertThatThrownBy(() -> store.producer("orders").enqueueBatch(List.of()))
                .hasMessageContaining("batch is empty");
        assertThat(store.queues().metrics("orders").total()).isZero();
    }

    @ConformanceTest
    void rateLimitPacesEnqueuesAfterTheBurst(TestBackend backend) {
        Store store = backend.open();
        store.queues().create("orders");
        Producer producer = store.producer("orders", ProducerOptions.defaults().rateLimit(20, 5));

        long start = System.nanoTime();
        for (int i = 0; i < 5; i++) {
            producer.enqueue(Map.of("n", i));
        }
        producer.enqueueBatch(List.of(Map.of("n", 5), Map.of("n", 6), Map.of("n", 7), Map.of("n", 8), Map.of("n", 9)));
        long totalMillis = (System.nanoTime() - start) / 1_000_000;

        // The burst of 5 goes at once; the next 5 need 5 tokens at 20/s: however slow the burst was, ten
        // messages cannot have gone out in less than 250 ms (a lower bound: sleeps never end early).
        assertThat(totalMillis).isGreaterThanOrEqualTo(249);
        assertThat(store.queues().metrics("orders").total()).isEqualTo(10);
    }

    @ConformanceTest
    void enqueueOnTheCallersConnectionFollowsTheCallersTransaction(TestBackend backend) throws Exception {
        Store store = backend.open();
        store.queues().create("orders");
        Producer producer = store.producer("orders");

        try (Connection c = store.database().dataSource().getConnection()) {
            c.setAutoCommit(false);
            producer.enqueue(c, Map.of("n", "rolled back"));
            c.rollback();
            producer.enqueue(c, Map.of("n", "committed"));
            producer.enqueueBatch(c, List.of(Map.of("n", "batch committed")), Duration.ZERO);
            c.commit();
        }

        try (Consumer consumer = store.consumer("orders")) {
            List<Message> messages = consumer.dequeue(10);
            assertThat(messages).extracting(m -> m.payload().get("n").asText())
                    .containsExactly("committed", "batch committed");
            consumer.archive(messages);
        }
    }

    @ConformanceTest
    void ephemeralEnqueuesLeaveNoWorkerRows(TestBackend backend) {
        Store store = backend.open();
        store.queues().create("orders");

        for (int i = 0; i < 20; i++) {
            store.enqueue("orders", Map.of("n", i));
        }
        store.enqueueBatch("orders", List.of(Map.of("n", 20), Map.of("n", 21)));

        assertThat(store.workers().list()).isEmpty();
        assertThat(store.queues().metrics("orders").pending()).isEqualTo(22);
    }

    @ConformanceTest
    void aProducerThatSentNothingLeavesNoRowAndOneThatDidKeepsItStopped(TestBackend backend) {
        Store store = backend.open();
        store.queues().create("orders");

        store.producer("orders").close();
        assertThat(store.workers().list()).isEmpty();

        Producer used = store.producer("orders");
        used.enqueue(Map.of("n", 1));
        used.close();
        assertThat(store.workers().list()).singleElement()
                .satisfies(w -> assertThat(w.status()).isEqualTo(WorkerStatus.STOPPED))
                .satisfies(w -> assertThat(w.shutdownAt()).isNotNull());
        assertThatThrownBy(() -> used.enqueue(Map.of("n", 2))).isInstanceOf(WorkerStoppedException.class);
    }
}
