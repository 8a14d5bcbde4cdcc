package dev.pgqrs;

import dev.pgqrs.testing.ConformanceTest;
import dev.pgqrs.testing.TestBackend;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Queues: create, get, list, delete, purge, metrics — on every backend. */
class QueueLifecycleConformanceTest {

    @ConformanceTest
    void createGetAndList(TestBackend backend) {
        Store store = backend.open();
        QueueInfo orders = store.queues().create("orders");
        store.queues().create("invoices");

        assertThat(orders.id()).isPositive();
        assertThat(orders.createdAt()).isNotNull();
        assertThat(store.queues().get("orders")).isEqualTo(orders);
        assertThat(store.queues().list()).extracting(QueueInfo::name).containsExactly("invoices", "orders");
    }

    @ConformanceTest
    void duplicateCreateFailsWithQueueAlreadyExists(TestBackend backend) {
        Store store = backend.open();
        store.queues().create("orders");

        assertThatThrownBy(() -> store.queues().create("orders"))
                .isInstanceOf(QueueAlreadyExistsException.class)
                .hasMessageContaining("queue already exists: 'orders'");
        assertThat(store.queues().createIfAbsent("orders").name()).isEqualTo("orders");
    }

    @ConformanceTest
    void missingQueueFailsWithQueueNotFound(TestBackend backend) {
        Store store = backend.open();

        assertThatThrownBy(() -> store.queues().get("nope"))
                .isInstanceOf(QueueNotFoundException.class)
                .hasMessageContaining("queue not found: 'nope'");
        assertThatThrownBy(() -> store.producer("nope")).isInstanceOf(QueueNotFoundException.class);
        assertThatThrownBy(() -> store.consumer("nope")).isInstanceOf(QueueNotFoundException.class);
        assertThatThrownBy(() -> store.enqueue("nope", Map.of("a", 1))).isInstanceOf(QueueNotFoundException.class);
        assertThat(store.queues().find("nope")).isEmpty();
    }

    @ConformanceTest
    void invalidQueueNamesAreRefusedWithTheRule(TestBackend backend) {
        Store store = backend.open();

        for (String bad : List.of("", "nul\u0000here", "line\nbreak", "lone\ud800", "x".repeat(256))) {
            assertThatThrownBy(() -> store.queues().create(bad))
                    .as("name '%s'", bad)
                    .isInstanceOf(InvalidNameException.class)
                    .hasMessageContaining("queue name");
        }
        assertThat(store.queues().list()).isEmpty();
        assertThat(store.queues().create("Orders_v2.eu-west").name()).isEqualTo("Orders_v2.eu-west");
    }

    @ConformanceTest
    void deleteIsRefusedWhileMessagesOrWorkersReferenceTheQueue(TestBackend backend) {
        Store store = backend.open();
        store.queues().create("orders");
        store.enqueue("orders", Map.of("n", 1));

        assertThatThrownBy(() -> store.queues().delete("orders"))
                .isInstanceOf(QueueInUseException.class)
                .hasMessageContaining("queue 'orders' cannot be deleted")
                .hasMessageContaining("1 unprocessed message");

        Consumer consumer = store.consumer("orders");
        assertThatThrownBy(() -> store.queues().delete("orders"))
                .hasMessageContaining("1 active worker");

        List<Message> leased = consumer.dequeue(1);
        consumer.archive(leased.get(0));
        consumer.close();
        assertThatThrownBy(() -> store.queues().delete("orders"))
                .hasMessageContaining("1 archived message")
                .hasMessageContaining("1 stopped worker");

        assertThat(store.queues().purge("orders")).isEqualTo(1);
        store.queues().delete("orders");
        assertThat(store.queues().exists("orders")).isFalse();
    }

    @ConformanceTest
    void emptyQueueDeletes(TestBackend backend) {
        Store store = backend.open();
        store.queues().create("empty");

        store.queues().delete("empty");

        assertThat(store.queues().list()).isEmpty();
        assertThatThrownBy(() -> store.queues().delete("empty")).isInstanceOf(QueueNotFoundException.class);
    }

    @ConformanceTest
    void purgeRemovesMessagesAndWorkersOfThatQueueOnly(TestBackend backend) {
        Store store = backend.open();
        store.queues().create("a");
        store.queues().create("b");
        store.enqueueBatch("a", List.of(Map.of("n", 1), Map.of("n", 2), Map.of("n", 3)));
        store.enqueue("b", Map.of("n", 1));
        Producer producer = store.producer("a");
        producer.enqueue(Map.of("n", 4));

        assertThat(store.queues().purge("a")).isEqualTo(4);

        assertThat(store.queues().metrics("a").total()).isZero();
        assertThat(store.workers().list("a")).isEmpty();
        assertThat(store.queues().metrics("b").total()).isEqualTo(1);
    }

    @ConformanceTest
    void metricsCountEveryState(TestBackend backend) throws Exception {
        Store store = backend.open(c -> c.maxReadCount(1));
        store.queues().create("orders");
        Producer producer = store.producer("orders");
        producer.enqueueBatch(List.of(Map.of("n", 1), Map.of("n", 2), Map.of("n", 3), Map.of("n", 4), Map.of("n", 5)));
        producer.enqueue(Map.of("n", 6), java.time.Duration.ofHours(1));
        Consumer consumer = store.consumer("orders");

        List<Message> leased = consumer.dequeue(3);
        consumer.archive(leased.get(0));
        // Delivered once with max_read_ct 1: released, it is dead.
        consumer.release(List.of(leased.get(1)), java.time.Duration.ZERO, "boom");

        QueueMetrics m = store.queues().metrics("orders");
        assertThat(m.total()).isEqualTo(6);
        assertThat(m.pending()).isEqualTo(2);
        assertThat(m.leased()).isEqualTo(1);
        assertThat(m.delayed()).isEqualTo(1);
        assertThat(m.archived()).isEqualTo(1);
        assertThat(m.deadLettered()).isEqualTo(1);
        assertThat(m.oldestPendingEnqueuedAt()).isNotNull();
        assertThat(m.oldestPendingAge().isNegative()).isFalse();
        assertThat(store.queues().metrics()).extracting(QueueMetrics::queue).containsExactly("orders");
    }

    @ConformanceTest
    void metricsOfAllQueuesAreEachQueuesOwnFromOneStatementByName(TestBackend backend) throws Exception {
        Store store = backend.open(c -> c.maxReadCount(1));
        store.queues().create("payments");
        store.queues().create("audit"); // no messages: zeros
        store.queues().create("orders");
        store.enqueueBatch("orders", List.of(Map.of("n", 1), Map.of("n", 2), Map.of("n", 3)));
        store.producer("orders").enqueue(Map.of("n", 4), java.time.Duration.ofHours(1));
        store.enqueueBatch("payments", List.of(Map.of("p", 1), Map.of("p", 2)));
        Consumer orders = store.consumer("orders");
        Consumer payments = store.consumer("payments");
        List<Message> leased = orders.dequeue(2);
        orders.archive(leased.get(0));
        orders.release(List.of(leased.get(1)), java.time.Duration.ZERO, "boom"); // dead at max_read_ct 1
        payments.dequeue(1);

        List<QueueMetrics> all = store.queues().metrics();

        assertThat(all).extracting(QueueMetrics::queue).containsExactly("audit", "orders", "payments");
        for (QueueMetrics m : all) {
            QueueMetrics alone = store.queues().metrics(m.queue());
            assertThat(m).usingRecursiveComparison().ignoringFields("oldestPendingAge").isEqualTo(alone);
        }
        assertThat(all.get(0).total()).isZero();
        assertThat(all.get(0).oldestPendingEnqueuedAt()).isNull();
        assertThat(all.get(1)).extracting(QueueMetrics::total, QueueMetrics::pending, QueueMetrics::delayed,
                QueueMetrics::archived, QueueMetrics::deadLettered).containsExactly(4L, 1L, 1L, 1L, 1L);
        assertThat(all.get(2)).extracting(QueueMetrics::total, QueueMetrics::pending, QueueMetrics::leased)
                .containsExactly(2L, 1L, 1L);
    }

    @ConformanceTest
    void archiveRetentionDeletesOldArchivedMessagesButKeepsDeadLetters(TestBackend backend) throws Exception {
        Store store = backend.open();
        store.queues().create("orders");
        List<Long> ids = store.enqueueBatch("orders", List.of(Map.of("n", 1), Map.of("n", 2), Map.of("n", 3), Map.of("n", 4)));
        try (Consumer consumer = store.consumer("orders")) {
            List<Message> leased = consumer.dequeue(4);
            consumer.archive(leased.subList(0, 3));
            consumer.deadLetter(leased.get(3), "poison");
        }
        try (java.sql.Connection c = backend.jdbc(); java.sql.Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE pgqrs_messages SET archived_at = " + backend.ago(java.time.Duration.ofDays(8))
                    + " WHERE id IN (" + ids.get(0) + ", " + ids.get(1) + ", " + ids.get(3) + ")");
        }

        assertThat(store.admin().deleteArchivedOlderThan(java.time.Duration.ofDays(7))).isEqualTo(2);

        QueueMetrics m = store.queues().metrics("orders");
        assertThat(m.archived()).as("the recent one").isEqualTo(1);
        assertThat(m.deadLettered()).as("dead letters wait for a person").isEqualTo(1);
        assertThat(store.admin().deleteArchivedOlderThan(java.time.Duration.ofDays(7))).isZero();
    }
}
