package dev.pgqrs;

import dev.pgqrs.testing.ConformanceTest;
import dev.pgqrs.testing.TestBackend;
import dev.pgqrs.workflow.RunInfo;
import dev.pgqrs.workflow.WorkflowInfo;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What an operator reaches for: reclaim, release, delete and purge workers, health, lookups — on every backend. */
class OperatorApiConformanceTest {

    @ConformanceTest
    void reclaimStopsTheStaleWorkersOfOneQueueOnlyAndReleasesWhatTheyHeld(TestBackend backend) {
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

        assertThat(store.admin().reclaim("orders", Duration.ofMinutes(5))).isEqualTo(new ReapResult(1, 2));
        assertThat(store.workers().get(orders.workerId()).orElseThrow().status()).isEqualTo(WorkerStatus.STOPPED);
        assertThat(store.workers().get(billing.workerId()).orElseThrow().status()).as("another queue's").isNotEqualTo(WorkerStatus.STOPPED);
        assertThat(store.queues().metrics("orders").pending()).isEqualTo(2);
        assertThat(store.queues().metrics("billing").leased()).isEqualTo(1);
        assertThat(store.admin().reclaim("orders", Duration.ofMinutes(5))).isEqualTo(ReapResult.NONE);
    }

    @ConformanceTest
    void releasingAWorkersMessagesMakesThemVisibleAgainKeepingTheirDeliveryCount(TestBackend backend) {
        Store store = backend.open();
        store.queues().create("orders");
        store.enqueueBatch("orders", List.of(Map.of("n", 1), Map.of("n", 2)));
        Consumer consumer = store.consumer("orders");
        consumer.dequeue(2);

        assertThat(store.workers().releaseMessages(consumer.workerId())).isEqualTo(2);
        try (Consumer other = store.consumer("orders")) {
            List<Message> again = other.dequeue(10);
            assertThat(again).hasSize(2).allSatisfy(m -> assertThat(m.readCount()).isEqualTo(2));
            other.archive(again);
        }
    }

    @ConformanceTest
    void aWorkerNamedByMessagesCannotBeDeletedButPurgingOldStoppedWorkersDetachesAndDeletesThem(TestBackend backend) {
        Store store = backend.open();
        store.queues().create("orders");
        Producer producer = store.producer("orders");
        producer.enqueue(Map.of("n", 1));
        Consumer consumer = store.consumer("orders");
        consumer.archive(consumer.dequeue(1));
        long producerId = producer.workerId();
        long consumerId = consumer.workerId();
        producer.close();
        consumer.close();

        assertThatThrownBy(() -> store.workers().delete(producerId)).isInstanceOf(PgqrsException.class)
                .hasMessageContaining("named by 1 message(s)");
        assertThat(store.workers().purgeStopped(Duration.ofHours(1))).as("stopped just now").isZero();
        backend.execute("UPDATE pgqrs_workers SET shutdown_at = " + backend.ago(Duration.ofDays(2)));

        assertThat(store.workers().purgeStopped(Duration.ofDays(1))).isEqualTo(2);
        assertThat(store.workers().get(producerId)).isEmpty();
        assertThat(store.workers().get(consumerId)).isEmpty();
        QueueMetrics m = store.queues().metrics("orders");
        assertThat(m.archived()).as("the history stays").isEqualTo(1);
        assertThat(store.admin().verify().problems()).isEmpty();
    }

    @ConformanceTest
    void workersAreListedPerQueueWithTheirHeartbeatAgeAndHealth(TestBackend backend) {
        Store store = backend.open(c -> c.maintenance(false).heartbeatInterval(Duration.ofHours(1)).staleWorkerTimeout(Duration.ofHours(3)));
        store.queues().create("orders");
        store.queues().create("billing");
        Consumer fresh = store.consumer("orders");
        Consumer old = store.consumer("orders");
        store.consumer("billing");
        backend.execute("UPDATE pgqrs_workers SET heartbeat_at = " + backend.ago(Duration.ofMinutes(10)) + " WHERE id = " + old.workerId());

        List<WorkerInfo> workers = store.workers().list("orders");
        assertThat(workers).extracting(WorkerInfo::id).containsExactly(fresh.workerId(), old.workerId());
        WorkerInfo stale = workers.get(1);
        assertThat(stale.heartbeatAge()).isBetween(Duration.ofMinutes(9), Duration.ofMinutes(11));
        assertThat(workers.get(0).heartbeatAge()).isLessThan(Duration.ofMinutes(1));
        assertThat(store.workers().isHealthy(fresh.workerId(), Duration.ofMinutes(1))).isTrue();
        assertThat(store.workers().isHealthy(old.workerId(), Duration.ofMinutes(1))).isFalse();
        assertThat(store.workers().isHealthy(999_999, Duration.ofMinutes(1))).isFalse();
    }

    @ConformanceTest
    void dequeueOneLeasesTheNextMessageOrNothing(TestBackend backend) {
        Store store = backend.open();
        store.queues().create("orders");
        long id = store.enqueue("orders", Map.of("n", 1));
        try (Consumer consumer = store.consumer("orders")) {
            Message m = consumer.dequeueOne().orElseThrow();
            assertThat(m.id()).isEqualTo(id);
            assertThat(consumer.dequeueOne()).isEmpty();
            consumer.archive(m);
        }
    }

    @ConformanceTest
    void workflowsAreListedAndARunIsFoundByItsMessage(TestBackend backend) {
        Store store = backend.open();
        store.workflows().register("fulfil");
        store.workflows().register("refund");
        var run = store.workflows().trigger("fulfil", Map.of("order", 7));

        assertThat(store.workflows().list()).extracting(WorkflowInfo::name).containsExactly("fulfil", "refund");
        assertThat(store.workflows().list()).allSatisfy(w -> assertThat(w.queue()).isEqualTo(w.name()));
        RunInfo info = store.workflows().get(run.id());
        assertThat(store.workflows().findByMessage(info.messageId())).get().extracting(RunInfo::id).isEqualTo(run.id());
        assertThat(store.workflows().findByMessage(999_999)).isEmpty();
    }
}
