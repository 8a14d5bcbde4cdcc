package dev.pgqrs;

import dev.pgqrs.testing.BackendKind;
import dev.pgqrs.testing.ConformanceTest;
import dev.pgqrs.testing.TestBackend;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Piggybacked acknowledgements: {@code archiveAndDequeue} / {@code deleteAndDequeue} settle the previous batch and
 * lease the next in one commit, fenced on the delivery as {@code archive} is, for every dequeue variant — on every
 * backend.
 */
class AcknowledgingDequeueConformanceTest {

    private static List<Map<String, Integer>> payloads(int n) {
        return IntStream.range(0, n).mapToObj(i -> Map.of("n", i)).toList();
    }

    private static List<Long> ids(List<Message> messages) {
        return messages.stream().map(Message::id).toList();
    }

    @ConformanceTest
    void thePreviousBatchIsArchivedAndTheNextLeasedInOneCommit(TestBackend backend) throws Exception {
        Store store = backend.open();
        store.queues().create("orders");
        List<Long> enqueued = store.enqueueBatch("orders", payloads(6));
        Consumer consumer = store.consumer("orders");
        List<Message> first = consumer.dequeue(3, Duration.ofSeconds(30));

        NextBatch next = consumer.archiveAndDequeue(first, 3, Duration.ofSeconds(30));

        assertThat(next.acknowledged()).containsExactlyElementsOf(first);
        assertThat(next.notAcknowledged()).isEmpty();
        assertThat(ids(next.messages())).containsExactlyElementsOf(enqueued.subList(3, 6));
        for (Message m : next.messages()) {
            assertThat(m.readCount()).isEqualTo(1);
            assertThat(m.consumerWorkerId()).isEqualTo(consumer.workerId());
            assertThat(m.visibleAt()).isAfter(m.dequeuedAt().plusSeconds(25));
        }
        QueueMetrics metrics = store.queues().metrics("orders");
        assertThat(metrics.archived()).isEqualTo(3);
        assertThat(metrics.leased()).isEqualTo(3);
        if (backend.kind() == BackendKind.POSTGRES) {
            // Every row the call changed carries the one transaction that changed them: a single commit.
            assertThat(transactionsThatWrote(backend, enqueued)).isEqualTo(1);
        }
    }

    @ConformanceTest
    void onALimitedQueueTheNextBatchCountsTheLeasesTheAcknowledgementEnded(TestBackend backend) throws Exception {
        // A limited dequeue locks and counts before it takes; in one statement it would still count the
        // previous batch as leased. The next batch must take exactly the room the acknowledgement made.
        Store store = backend.open();
        store.queues().create("orders");
        store.queues().setLimits("orders", QueueLimits.concurrency(3));
        List<Long> enqueued = store.enqueueBatch("orders", payloads(8));
        Consumer consumer = store.consumer("orders");
        List<Message> first = consumer.dequeue(5, Duration.ofSeconds(30));
        assertThat(first).hasSize(3);

        NextBatch next = consumer.archiveAndDequeue(first.subList(0, 2), 5, Duration.ofSeconds(30));

        assertThat(next.acknowledged()).containsExactlyElementsOf(first.subList(0, 2));
        assertThat(ids(next.messages())).containsExactlyElementsOf(enqueued.subList(3, 5));
        QueueMetrics metrics = store.queues().metrics("orders");
        assertThat(metrics.leased()).isEqualTo(3);
        assertThat(metrics.archived()).isEqualTo(2);
    }

    @ConformanceTest
    void aCallThatFindsTheQueueEmptyStillArchivesThePreviousBatch(TestBackend backend) {
        Store store = backend.open();
        store.queues().create("orders");
        store.enqueueBatch("orders", payloads(2));
        Consumer consumer = store.consumer("orders");
        List<Message> last = consumer.dequeue(10);

        NextBatch next = consumer.archiveAndDequeue(last, 10);

        assertThat(next.isEmpty()).isTrue();
        assertThat(next.acknowledged()).containsExactlyElementsOf(last);
        assertThat(consumer.heldLeases()).isZero();
        assertThat(store.queues().metrics("orders").archived()).isEqualTo(2);
    }

    @ConformanceTest
    void withNothingToAcknowledgeItIsADequeue(TestBackend backend) {
        Store store = backend.open();
        store.queues().create("orders");
        List<Long> enqueued = store.enqueueBatch("orders", payloads(3));
        Consumer consumer = store.consumer("orders");

        NextBatch next = consumer.archiveAndDequeue(List.of(), 2);

        assertThat(ids(next.messages())).containsExactlyElementsOf(enqueued.subList(0, 2));
        assertThat(next.acknowledged()).isEmpty();
        assertThat(next.notAcknowledged()).isEmpty();
    }

    @ConformanceTest
    void aDeliveryWhoseLeaseWasTakenOverIsReportedAndLeftToItsNewHolder(TestBackend backend) {
        Store store = backend.open();
        store.queues().create("orders");
        store.enqueueBatch("orders", payloads(2));
        Consumer stale = store.consumer("orders");
        Consumer current = store.consumer("orders");
        List<Message> lost = stale.dequeue(1, Duration.ofSeconds(30));
        backend.expireLeases();
        Message taken = current.dequeue(1, Duration.ofSeconds(30)).get(0);
        assertThat(taken.id()).isEqualTo(lost.get(0).id());

        NextBatch next = stale.archiveAndDequeue(lost, 5);

        assertThat(next.acknowledged()).isEmpty();
        assertThat(next.notAcknowledged()).containsExactlyElementsOf(lost);
        assertThat(next.messages()).hasSize(1).noneMatch(m -> m.id() == taken.id());
        assertThat(store.queues().metrics("orders").archived()).isZero();
        assertThat(current.archive(taken)).as("still the new holder's").isTrue();
    }

    @ConformanceTest
    void aDeliveryItArchivesAfterItsLeaseRanOutIsNotLeasedAgain(TestBackend backend) {
        Store store = backend.open();
        store.queues().create("orders");
        store.enqueueBatch("orders", payloads(2));
        Consumer consumer = store.consumer("orders");
        List<Message> batch = consumer.dequeue(2, Duration.ofSeconds(30));
        backend.expireLeases(); // due again, but nobody took them: still this consumer's deliveries

        NextBatch next = consumer.archiveAndDequeue(batch, 10);

        assertThat(next.acknowledged()).containsExactlyElementsOf(batch);
        assertThat(next.messages()).as("the claim in the same commit").isEmpty();
        QueueMetrics metrics = store.queues().metrics("orders");
        assertThat(metrics.archived()).isEqualTo(2);
        assertThat(metrics.leased() + metrics.pending()).isZero();
    }

    @ConformanceTest
    void deleteAndDequeueRemovesThePreviousBatch(TestBackend backend) {
        Store store = backend.open();
        store.queues().create("orders");
        List<Long> enqueued = store.enqueueBatch("orders", payloads(4));
        Consumer consumer = store.consumer("orders");
        List<Message> first = consumer.dequeue(2);

        NextBatch next = consumer.deleteAndDequeue(first, 2, Duration.ofSeconds(30));

        assertThat(next.acknowledged()).containsExactlyElementsOf(first);
        assertThat(ids(next.messages())).containsExactlyElementsOf(enqueued.subList(2, 4));
        QueueMetrics metrics = store.queues().metrics("orders");
        assertThat(metrics.total()).isEqualTo(2);
        assertThat(metrics.archived()).isZero();
        assertThat(consumer.deleteAndDequeue(next.messages(), 2).acknowledged()).hasSize(2);
        assertThat(store.queues().metrics("orders").total()).isZero();
    }

    @ConformanceTest
    void aPrioritizedQueuesNextBatchComesHighestPriorityFirst(TestBackend backend) {
        Store store = backend.open();
        store.queues().create("orders");
        Producer producer = store.producer("orders");
        long plain = producer.enqueue(Map.of("n", "plain"));
        long low = producer.enqueue(Map.of("n", "p1"), EnqueueOptions.withPriority(1)).id();
        long high = producer.enqueue(Map.of("n", "p5"), EnqueueOptions.withPriority(5)).id();
        Consumer consumer = store.consumer("orders");
        List<Message> first = consumer.dequeue(1);
        assertThat(ids(first)).containsExactly(high);

        NextBatch next = consumer.archiveAndDequeue(first, 5);

        assertThat(next.acknowledged()).containsExactlyElementsOf(first);
        assertThat(ids(next.messages())).containsExactly(low, plain);
    }

    @ConformanceTest
    void aFifoKeysNextMessageIsLeasedInTheCommitThatArchivesItsHead(TestBackend backend) {
        Store store = backend.open();
        store.queues().create("orders", QueueOptions.fifoQueue());
        Producer producer = store.producer("orders");
        List<Long> keyed = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            keyed.add(producer.enqueue(Map.of("n", i), EnqueueOptions.withOrderingKey("customer-1")).id());
        }
        Consumer consumer = store.consumer("orders");
        List<Message> head = consumer.dequeue(5);
        assertThat(ids(head)).containsExactly(keyed.get(0));

        NextBatch second = consumer.archiveAndDequeue(head, 5);
        NextBatch third = consumer.archiveAndDequeue(second.messages(), 5);
        NextBatch done = consumer.archiveAndDequeue(third.messages(), 5);

        assertThat(ids(second.messages())).containsExactly(keyed.get(1));
        assertThat(ids(third.messages())).containsExactly(keyed.get(2));
        assertThat(done.isEmpty()).isTrue();
        assertThat(done.acknowledged()).containsExactlyElementsOf(third.messages());
        assertThat(store.queues().metrics("orders").archived()).isEqualTo(3);
    }

    @ConformanceTest
    void aSuspendedConsumerIsRefusedAndNothingIsArchived(TestBackend backend) {
        Store store = backend.open();
        store.queues().create("orders");
        store.enqueueBatch("orders", payloads(2));
        Consumer consumer = store.consumer("orders");
        List<Message> batch = consumer.dequeue(1);
        consumer.suspend();

        assertThatThrownBy(() -> consumer.archiveAndDequeue(batch, 1)).hasMessageContaining("is suspended");
        assertThat(store.queues().metrics("orders").archived()).isZero();
        assertThatThrownBy(() -> consumer.archiveAndDequeue(batch, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 1, was 0");
        assertThatThrownBy(() -> consumer.archiveAndDequeue(batch, 1, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("visibility timeout");
        assertThat(consumer.archive(batch)).as("settling is still allowed").hasSize(1);
    }

    /** How many transactions last wrote these rows (PostgreSQL's xmin). */
    private static long transactionsThatWrote(TestBackend backend, List<Long> ids) throws Exception {
        String list = ids.stream().map(String::valueOf).collect(Collectors.joining(","));
        try (Connection c = backend.jdbc(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(DISTINCT xmin::text) FROM pgqrs_messages WHERE id IN (" + list + ")")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
