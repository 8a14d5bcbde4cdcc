package dev.pgqrs;

import dev.pgqrs.testing.BackendKind;
import dev.pgqrs.testing.ConformanceTest;
import dev.pgqrs.testing.TestBackend;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * {@link Queues#estimatedMetrics(int)}: exact within the limit, estimated from PostgreSQL's statistics past it,
 * exact on SQLite whatever the size.
 */
class EstimatedMetricsConformanceTest {

    @ConformanceTest
    void withinTheLimitTheyAreTheExactMetrics(TestBackend backend) throws Exception {
        Store store = backend.open(c -> c.maxReadCount(1));
        store.queues().create("orders");
        store.queues().create("audit"); // no messages: zeros
        store.enqueueBatch("orders", List.of(Map.of("n", 1), Map.of("n", 2), Map.of("n", 3), Map.of("n", 4), Map.of("n", 5)));
        store.producer("orders").enqueue(Map.of("n", 6), Duration.ofHours(1));
        Consumer consumer = store.consumer("orders");
        List<Message> leased = consumer.dequeue(3);
        consumer.archive(leased.get(0));
        consumer.release(List.of(leased.get(1)), Duration.ZERO, "boom"); // dead at max_read_ct 1
        // Another edition's dead letter: archived after max_read_ct deliveries, with no mark.
        long foreignDead = store.producer("orders").enqueue(Map.of("n", 7));
        backend.execute("UPDATE pgqrs_messages SET archived_at = " + backend.ago(Duration.ZERO)
                + ", read_ct = 3 WHERE id = " + foreignDead);

        List<QueueMetrics> exact = store.queues().metrics();
        List<QueueMetrics> estimated = store.queues().estimatedMetrics(100);

        assertThat(estimated).extracting(QueueMetrics::estimated).containsOnly(false);
        assertThat(estimated).map(EstimatedMetricsConformanceTest::counts).isEqualTo(exact.stream().map(EstimatedMetricsConformanceTest::counts).toList());
        assertThat(estimated.get(1).deadLettered()).isEqualTo(2);
        assertThat(estimated.get(1).oldestPendingAge()).isNotNull();
    }

    @ConformanceTest
    void pastTheLimitPostgresEstimatesFromItsStatisticsAndSqliteStillCounts(TestBackend backend) throws Exception {
        Store store = backend.open();
        QueueInfo big = store.queues().create("big");
        store.queues().create("small");
        enqueue(store, "big", 3000);
        enqueue(store, "small", 3);
        backend.execute("UPDATE pgqrs_messages SET archived_at = " + backend.ago(Duration.ofMinutes(1))
                + " WHERE queue_id = " + big.id() + " AND id IN (SELECT id FROM pgqrs_messages WHERE queue_id = "
                + big.id() + " ORDER BY id LIMIT 1200)");
        backend.execute("UPDATE pgqrs_messages SET dead_lettered_at = archived_at WHERE queue_id = " + big.id()
                + " AND id IN (SELECT id FROM pgqrs_messages WHERE queue_id = " + big.id() + " ORDER BY id LIMIT 300)");
        store.consumer("big").dequeue(10);
        for (int i = 0; i < 5; i++) {
            store.producer("big").enqueue(Map.of("later", i), Duration.ofHours(1));
        }
        backend.execute(backend.kind() == BackendKind.POSTGRES ? "ANALYZE pgqrs_messages" : "ANALYZE");

        List<QueueMetrics> all = store.queues().estimatedMetrics(500);

        QueueMetrics bigOne = all.get(0);
        QueueMetrics smallOne = all.get(1);
        assertThat(smallOne.estimated()).isFalse();
        assertThat(smallOne.pending()).isEqualTo(3);
        assertThat(smallOne.total()).isEqualTo(3);
        assertThat(bigOne.leased()).isEqualTo(10);
        assertThat(bigOne.delayed()).isEqualTo(5);
        if (backend.kind() == BackendKind.POSTGRES) {
            assertThat(bigOne.estimated()).isTrue();
            // ANALYZE read every row of a table this small, so the statistics hold its exact shares; the
            // estimate is off only by how the row count is scaled to the table's pages.
            assertThat((double) bigOne.total()).isCloseTo(3005, within(3005 * 0.03));
            assertThat((double) bigOne.pending()).isCloseTo(1790, within(1805 * 0.03));
            assertThat((double) bigOne.archived()).isCloseTo(900, within(1200 * 0.03));
            assertThat((double) bigOne.deadLettered()).isCloseTo(300, within(1200 * 0.03));
            assertThat(bigOne.oldestPendingEnqueuedAt()).isNotNull();
        } else {
            assertThat(bigOne.estimated()).isFalse();
            assertThat(counts(bigOne)).isEqualTo(counts(store.queues().metrics("big")));
            assertThat(bigOne.total()).isEqualTo(3005);
            assertThat(bigOne.pending()).isEqualTo(1790);
            assertThat(bigOne.archived()).isEqualTo(900);
            assertThat(bigOne.deadLettered()).isEqualTo(300);
        }
    }

    @ConformanceTest
    void aQueueTheStatisticsMissGetsWhatItsIndexesHoldBeyondTheQueuesTheyKnow(TestBackend backend) throws Exception {
        if (backend.kind() != BackendKind.POSTGRES) {
            return; // SQLite counts exactly (above)
        }
        Store store = backend.open();
        QueueInfo big = store.queues().create("big");
        QueueInfo other = store.queues().create("other");
        enqueue(store, "big", 3000);
        enqueue(store, "other", 6000);
        backend.execute("UPDATE pgqrs_messages SET archived_at = now() WHERE queue_id = " + other.id()
                + " OR id IN (SELECT id FROM pgqrs_messages WHERE queue_id = " + big.id() + " ORDER BY id LIMIT 1200)");
        // One frequent combination kept, the commonest (other, archived): on a large table, a queue holding a
        // small share of it is missing from the statistics the same way.
        backend.execute("ALTER STATISTICS pgqrs_messages_queue_state SET STATISTICS 1");
        backend.execute("VACUUM ANALYZE pgqrs_messages");

        List<QueueMetrics> all = store.queues().estimatedMetrics(500);

        QueueMetrics bigOne = all.get(0);
        assertThat(bigOne.estimated()).isTrue();
        assertThat((double) bigOne.pending()).isCloseTo(1800, within(1800 * 0.03));
        assertThat((double) bigOne.archived()).isCloseTo(1200, within(1200 * 0.05));
        assertThat((double) all.get(1).archived()).isCloseTo(6000, within(6000 * 0.03));
    }

    @ConformanceTest
    void aLimitBelowOneIsRefusedByName(TestBackend backend) {
        Store store = backend.open();
        assertThatThrownBy(() -> store.queues().estimatedMetrics(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("exactUpTo").hasMessageContaining("was 0");
        assertThat(store.queues().estimatedMetrics()).isEmpty();
    }

    /** Everything but the age, which moves with the clock between two reads. */
    private static List<Object> counts(QueueMetrics m) {
        return List.of(m.queue(), m.total(), m.pending(), m.leased(), m.delayed(), m.archived(), m.deadLettered(),
                String.valueOf(m.oldestPendingEnqueuedAt()));
    }

    private static void enqueue(Store store, String queue, int n) {
        List<Object> batch = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            batch.add(Map.of("n", i));
            if (batch.size() == 500 || i == n - 1) {
                store.enqueueBatch(queue, batch);
                batch.clear();
            }
        }
    }
}
