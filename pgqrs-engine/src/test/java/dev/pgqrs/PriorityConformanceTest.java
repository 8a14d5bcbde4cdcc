package dev.pgqrs;

import dev.pgqrs.testing.ConformanceTest;
import dev.pgqrs.testing.TestBackend;
import dev.pgqrs.workflow.RunHandle;
import dev.pgqrs.workflow.RunStatus;
import dev.pgqrs.workflow.Workflows;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Priorities: among visible messages, higher priorities are delivered first — on every backend. */
class PriorityConformanceTest {

    @ConformanceTest
    void higherPrioritiesAreDeliveredFirstThenEnqueueOrder(TestBackend backend) {
        Store store = backend.open();
        store.queues().create("orders");
        Producer producer = store.producer("orders");
        producer.enqueue(Map.of("n", "plain-1"));
        producer.enqueue(Map.of("n", "p5-1"), EnqueueOptions.withPriority(5));
        producer.enqueue(Map.of("n", "p1"), EnqueueOptions.withPriority(1));
        producer.enqueue(Map.of("n", "p0"), EnqueueOptions.withPriority(0));
        producer.enqueue(Map.of("n", "p5-2"), EnqueueOptions.withPriority(5));
        producer.enqueue(Map.of("n", "p9"), EnqueueOptions.withPriority(9));

        try (Consumer consumer = store.consumer("orders")) {
            List<String> oneByOne = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                List<Message> m = consumer.dequeue(1);
                oneByOne.add(m.get(0).payload().get("n").asText());
                consumer.archive(m);
            }
            assertThat(oneByOne).containsExactly("p9", "p5-1", "p5-2");

            // A batch mixes the tiers: the prioritized ones first, then the plain ones, each in delivery order.
            List<Message> rest = consumer.dequeue(10);
            assertThat(rest).extracting(m -> m.payload().get("n").asText()).containsExactly("p1", "plain-1", "p0");
            assertThat(rest).extracting(Message::priority).containsExactly(1, 0, 0);
            consumer.archive(rest);
        }
    }

    @ConformanceTest
    void aBatchLimitIsFilledFromThePlainTierWhenThePrioritizedOneRunsOut(TestBackend backend) {
        Store store = backend.open();
        store.queues().create("orders");
        Producer producer = store.producer("orders");
        List<Map<String, Integer>> payloads = new ArrayList<>();
        List<EnqueueOptions> options = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            payloads.add(Map.of("n", i));
            options.add(EnqueueOptions.withPriority(i % 2 == 0 ? 0 : i));
        }
        producer.enqueueBatch(payloads, options, Duration.ZERO);

        try (Consumer consumer = store.consumer("orders")) {
            List<Message> first = consumer.dequeue(7);
            assertThat(first).extracting(m -> m.payload().get("n").asInt()).containsExactly(9, 7, 5, 3, 1, 0, 2);
            List<Message> second = consumer.dequeue(7);
            assertThat(second).extracting(m -> m.payload().get("n").asInt()).containsExactly(4, 6, 8);
            consumer.archive(first);
            consumer.archive(second);
        }
    }

    @ConformanceTest
    void aPriorityDoesNotMakeADelayedOrLeasedMessageVisible(TestBackend backend) {
        Store store = backend.open();
        store.queues().create("orders");
        Producer producer = store.producer("orders");
        producer.enqueue(Map.of("n", "later"), EnqueueOptions.withPriority(10).delay(Duration.ofHours(1)));
        producer.enqueue(Map.of("n", "leased"), EnqueueOptions.withPriority(10));
        producer.enqueue(Map.of("n", "plain"));

        try (Consumer consumer = store.consumer("orders")) {
            List<Message> leased = consumer.dequeue(1);
            assertThat(leased.get(0).payload().get("n").asText()).isEqualTo("leased");
            List<Message> next = consumer.dequeue(5);
            assertThat(next).extracting(m -> m.payload().get("n").asText()).containsExactly("plain");
            consumer.archive(leased);
            consumer.archive(next);
        }
    }

    @ConformanceTest
    void workflowRunsTakeAPriorityToo(TestBackend backend) {
        Store store = backend.open();
        Workflows workflows = store.workflows();
        workflows.register("report");
        RunHandle<?> low = workflows.trigger("report", Map.of("n", "low"));
        RunHandle<?> high = workflows.trigger("report", Map.of("n", "high"), EnqueueOptions.withPriority(3));

        try (Consumer consumer = store.consumer("report")) {
            List<Message> first = consumer.dequeue(1);
            assertThat(first.get(0).payload().get("input").get("n").asText()).isEqualTo("high");
            assertThat(first.get(0).priority()).isEqualTo(3);
            consumer.release(first.get(0));
        }
        assertThat(low.status()).isEqualTo(RunStatus.QUEUED);
        assertThat(high.status()).isEqualTo(RunStatus.QUEUED);
    }

    @ConformanceTest
    void anotherStoreHonoursANewPriorityWithinTheRefreshBound(TestBackend backend) {
        Store producing = backend.open();
        Store consuming = backend.open();
        producing.queues().create("orders");
        Producer producer = producing.producer("orders");
        producer.enqueue(Map.of("n", "plain-0"));
        try (Consumer consumer = consuming.consumer("orders")) {
            // The consuming store reads the queue's settings now: plain.
            consumer.archive(consumer.dequeue(1));
            producer.enqueue(Map.of("n", "urgent"), EnqueueOptions.withPriority(7));
            // Each round, a plain message older than every other due one: the plain statement takes it first; the
            // prioritized one takes "urgent" first, which it does once this store has read the queue's new mark.
            Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).until(() -> {
                producer.enqueue(Map.of("n", "plain"));
                backend.execute("UPDATE pgqrs_messages SET vt = " + backend.ago(Duration.ofHours(1))
                        + " WHERE priority IS NULL AND archived_at IS NULL");
                List<Message> got = consumer.dequeue(1);
                consumer.archive(got);
                return got.get(0).payload().get("n").asText().equals("urgent");
            });
        }
    }

    @ConformanceTest
    void theFirstPriorityMarksTheQueueOnceAndOnlyThatQueue(TestBackend backend) throws Exception {
        Store store = backend.open();
        QueueInfo orders = store.queues().create("orders");
        store.queues().create("plain");
        store.producer("plain").enqueue(Map.of("n", 1));
        store.producer("plain").enqueue(Map.of("n", 2), EnqueueOptions.withDedupKey("k"));
        Producer producer = store.producer("orders");
        for (int i = 0; i < 5; i++) {
            producer.enqueue(Map.of("n", i), EnqueueOptions.withPriority(1 + i));
        }
        try (Connection c = backend.jdbc(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT queue_id, prioritized, updated_at FROM pgqrs_queue_settings")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getLong(1)).isEqualTo(orders.id());
            assertThat(rs.getBoolean(2)).isTrue();
            assertThat(rs.next()).as("one row: the plain queue has none").isFalse();
        }
        // A queue deleted with its settings: a queue created later under the name starts plain.
        store.queues().purge("orders");
        store.queues().delete("orders");
        try (Connection c = backend.jdbc(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM pgqrs_queue_settings")) {
            rs.next();
            assertThat(rs.getLong(1)).isZero();
        }
    }

    @ConformanceTest
    void aBatchWithAPriorityMarksTheQueueBeforeItsMessagesAreDequeuedElsewhere(TestBackend backend) {
        Store producing = backend.open();
        producing.queues().create("orders");
        Producer producer = producing.producer("orders");
        producer.enqueue(Map.of("n", "old"));
        backend.execute("UPDATE pgqrs_messages SET vt = " + backend.ago(Duration.ofHours(1)));
        producer.enqueueBatch(List.of(Map.of("n", "a"), Map.of("n", "b")),
                List.of(EnqueueOptions.defaults(), EnqueueOptions.withPriority(4)), Duration.ZERO);
        // A store that reads the queue's settings after the batch committed dequeues by priority at once.
        Store consuming = backend.open();
        try (Consumer consumer = consuming.consumer("orders")) {
            List<Message> got = consumer.dequeue(3);
            assertThat(got).extracting(m -> m.payload().get("n").asText()).containsExactly("b", "old", "a");
            consumer.archive(got);
        }
    }

    @Test
    void aNegativePriorityIsRefused() {
        assertThatThrownBy(() -> EnqueueOptions.withPriority(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("priority must be 0 or more (higher is delivered first), was -1");
    }
}
