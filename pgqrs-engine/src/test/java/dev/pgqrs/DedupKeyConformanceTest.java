package dev.pgqrs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgqrs.internal.StoreInternals;
import dev.pgqrs.maintenance.DedupKeyExpiry;
import dev.pgqrs.testing.ConformanceTest;
import dev.pgqrs.testing.TestBackend;
import dev.pgqrs.workflow.RunHandle;
import dev.pgqrs.workflow.Workflow;
import dev.pgqrs.workflow.Workflows;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Deduplication keys on enqueue and run keys on workflow triggers — on every backend, across stores. */
class DedupKeyConformanceTest {

    @ConformanceTest
    void anEnqueueWithAHeldKeyInsertsNothingAndNamesTheFirstMessage(TestBackend backend) {
        Store store = backend.open();
        store.queues().create("orders");
        Producer producer = store.producer("orders");

        Enqueued first = producer.enqueue(Map.of("order", 1), EnqueueOptions.withDedupKey("order-1"));
        Enqueued pending = producer.enqueue(Map.of("order", "again"), EnqueueOptions.withDedupKey("order-1"));
        assertThat(first.duplicate()).isFalse();
        assertThat(pending).isEqualTo(new Enqueued(first.id(), true));

        try (Consumer consumer = store.consumer("orders")) {
            List<Message> leased = consumer.dequeue(10);
            assertThat(leased).extracting(Message::id).containsExactly(first.id());
            assertThat(leased.get(0).dedupKey()).isEqualTo("order-1");
            assertThat(leased.get(0).payload().get("order").asInt()).isEqualTo(1);
            // Leased: still held.
            assertThat(producer.enqueue(Map.of("order", 1), EnqueueOptions.withDedupKey("order-1")))
                    .isEqualTo(new Enqueued(first.id(), true));
            consumer.archive(leased);
        }
        // Archived, within the window: still held.
        assertThat(producer.enqueue(Map.of("order", 1), EnqueueOptions.withDedupKey("order-1")))
                .isEqualTo(new Enqueued(first.id(), true));
        // Another key, or another queue, is another message.
        store.queues().create("invoices");
        assertThat(producer.enqueue(Map.of("order", 2), EnqueueOptions.withDedupKey("order-2")).duplicate()).isFalse();
        assertThat(store.producer("invoices").enqueue(Map.of("order", 1), EnqueueOptions.withDedupKey("order-1")).duplicate())
                .isFalse();
        assertThat(store.queues().metrics("orders").total()).isEqualTo(2);
    }

    @ConformanceTest
    void aBatchInsertsEachKeyOnceAndAnswersInPayloadOrder(TestBackend backend) {
        Store store = backend.open();
        store.queues().create("orders");
        Producer producer = store.producer("orders");
        long held = producer.enqueue(Map.of("n", "held"), EnqueueOptions.withDedupKey("held")).id();

        List<Enqueued> result = producer.enqueueBatch(
                List.of(Map.of("n", 0), Map.of("n", 1), Map.of("n", 2), Map.of("n", 3), Map.of("n", 4), Map.of("n", 5)),
                List.of(EnqueueOptions.withDedupKey("a"), EnqueueOptions.defaults(), EnqueueOptions.withDedupKey("a"),
                        EnqueueOptions.withDedupKey("held"), EnqueueOptions.withDedupKey("b"), EnqueueOptions.defaults()),
                Duration.ZERO);

        assertThat(result).extracting(Enqueued::duplicate).containsExactly(false, false, true, true, false, false);
        assertThat(result.get(2).id()).isEqualTo(result.get(0).id());
        assertThat(result.get(3).id()).isEqualTo(held);
        List<Long> inserted = List.of(result.get(0).id(), result.get(1).id(), result.get(4).id(), result.get(5).id());
        assertThat(inserted).isSorted().doesNotHaveDuplicates();
        try (Consumer consumer = store.consumer("orders")) {
            List<Message> all = consumer.dequeue(10);
            assertThat(all).extracting(m -> m.payload().get("n").asText()).containsExactly("held", "0", "1", "4", "5");
            assertThat(all).extracting(Message::dedupKey).containsExactly("held", "a", null, "b", null);
            consumer.archive(all);
        }
    }

    @ConformanceTest
    void anArchivedKeyIsFreeAgainOnceItsWindowHasPassed(TestBackend backend) {
        Store store = backend.open(b -> b.dedupWindow(Duration.ofHours(1)));
        store.queues().create("orders");
        Producer producer = store.producer("orders");
        long archived = producer.enqueue(Map.of("n", 1), EnqueueOptions.withDedupKey("done")).id();
        long old = producer.enqueue(Map.of("n", 2), EnqueueOptions.withDedupKey("pending")).id();
        try (Consumer consumer = store.consumer("orders")) {
            consumer.archive(consumer.dequeue(1));
        }
        DedupKeyExpiry expiry = new DedupKeyExpiry(StoreInternals.of(store).database(), Duration.ofHours(1));

        assertThat(expiry.expireOnce()).isZero();
        assertThat(producer.enqueue(Map.of("n", 3), EnqueueOptions.withDedupKey("done")).duplicate()).isTrue();

        // Archived two hours ago: out of the window. A pending message keeps its key whatever its age.
        backend.execute("UPDATE pgqrs_messages SET archived_at = " + backend.ago(Duration.ofHours(2))
                + " WHERE archived_at IS NOT NULL");
        backend.execute("UPDATE pgqrs_messages SET enqueued_at = " + backend.ago(Duration.ofHours(2)));
        assertThat(expiry.expireOnce()).isEqualTo(1);

        Enqueued again = producer.enqueue(Map.of("n", 4), EnqueueOptions.withDedupKey("done"));
        assertThat(again.duplicate()).isFalse();
        assertThat(again.id()).isNotEqualTo(archived);
        assertThat(producer.enqueue(Map.of("n", 5), EnqueueOptions.withDedupKey("pending")))
                .isEqualTo(new Enqueued(old, true));
    }

    @ConformanceTest
    void concurrentEnqueuesOfOneKeyFromSeveralStoresInsertOneMessage(TestBackend backend) throws Exception {
        Store first = backend.open();
        first.queues().create("orders");
        List<Store> stores = List.of(first, backend.open(), backend.open(), backend.open());
        int keys = 25;
        int threadsPerStore = 2;
        ExecutorService pool = Executors.newFixedThreadPool(stores.size() * threadsPerStore);
        CountDownLatch start = new CountDownLatch(1);
        Map<String, Set<Long>> idsByKey = new ConcurrentHashMap<>();
        Map<String, Set<Boolean>> fresh = new ConcurrentHashMap<>();
        List<Future<?>> done = new ArrayList<>();
        try {
            for (Store store : stores) {
                Producer producer = store.producer("orders");
                for (int t = 0; t < threadsPerStore; t++) {
                    done.add(pool.submit(() -> {
                        start.await();
                        for (int k = 0; k < keys; k++) {
                            String key = "key-" + k;
                            Enqueued e = producer.enqueue(Map.of("k", k), EnqueueOptions.withDedupKey(key));
                            idsByKey.computeIfAbsent(key, x -> ConcurrentHashMap.newKeySet()).add(e.id());
                            if (!e.duplicate()) {
                                fresh.computeIfAbsent(key, x -> ConcurrentHashMap.newKeySet()).add(true);
                                assertThat(fresh.get(key)).hasSize(1);
                            }
                        }
                        return null;
                    }));
                }
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get(2, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(first.queues().metrics("orders").total()).isEqualTo(keys);
        assertThat(idsByKey).hasSize(keys);
        idsByKey.values().forEach(ids -> assertThat(ids).hasSize(1));
    }

    @ConformanceTest
    void aKeyEnqueuedInATransactionThatRollsBackIsFree(TestBackend backend) {
        Store store = backend.open();
        store.queues().create("orders");
        Producer producer = store.producer("orders");
        assertThatThrownBy(() -> store.inTransaction(c -> {
            producer.enqueue(c, Map.of("n", 1), EnqueueOptions.withDedupKey("k"));
            throw new IllegalStateException("roll back");
        })).hasMessageContaining("roll back");

        assertThat(producer.enqueue(Map.of("n", 2), EnqueueOptions.withDedupKey("k")).duplicate()).isFalse();
        Enqueued inTransaction = store.inTransaction(c -> producer.enqueue(c, Map.of("n", 3), EnqueueOptions.withDedupKey("k")));
        assertThat(inTransaction.duplicate()).isTrue();
    }

    @ConformanceTest
    void badKeysAndBatchOptionsAreRefusedNamingWhatWasWrong(TestBackend backend) {
        Store store = backend.open();
        store.queues().create("orders");
        Producer producer = store.producer("orders");

        assertThatThrownBy(() -> EnqueueOptions.withDedupKey(""))
                .isInstanceOf(InvalidNameException.class).hasMessage("dedup key must not be empty");
        assertThatThrownBy(() -> EnqueueOptions.withDedupKey("a\nb"))
                .isInstanceOf(InvalidNameException.class).hasMessageContaining("invalid dedup key 'a\\u000ab'");
        assertThatThrownBy(() -> EnqueueOptions.withDedupKey("x".repeat(256)))
                .isInstanceOf(InvalidNameException.class).hasMessageContaining("256 characters, more than the limit of 255");
        assertThatThrownBy(() -> producer.enqueueBatch(List.of(Map.of("n", 1), Map.of("n", 2)),
                List.of(EnqueueOptions.defaults()), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a batch needs one EnqueueOptions per payload: 2 payload(s), 1 options");
        assertThatThrownBy(() -> producer.enqueueBatch(List.of(Map.of("n", 1)),
                List.of(EnqueueOptions.withDedupKey("k").delay(Duration.ofSeconds(1))), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("options at index 0 have a delay of PT1S: a batch has one delay");
        assertThat(store.queues().metrics("orders").total()).isZero();
    }

    @ConformanceTest
    void aSecondTriggerWithARunKeyReturnsTheExistingRun(TestBackend backend) {
        Store store = backend.open();
        Workflow<String, String> wf = Workflow.define("charge", String.class, String.class,
                (ctx, in) -> ctx.step("charge", String.class, () -> "charged " + in));
        Workflows workflows = store.workflows();
        workflows.register(wf);

        RunHandle<String> first = workflows.trigger(wf, "order-1", EnqueueOptions.withDedupKey("charge-order-1"));
        RunHandle<String> second = workflows.trigger(wf, "order-1 again", EnqueueOptions.withDedupKey("charge-order-1"));
        RunHandle<JsonNode> byName = workflows.trigger("charge", "order-1", EnqueueOptions.withDedupKey("charge-order-1"));
        RunHandle<String> other = workflows.trigger(wf, "order-2", EnqueueOptions.withDedupKey("charge-order-2"));

        assertThat(first.isDuplicate()).isFalse();
        assertThat(second.isDuplicate()).isTrue();
        assertThat(second.id()).isEqualTo(first.id());
        assertThat(byName.id()).isEqualTo(first.id());
        assertThat(other.id()).isNotEqualTo(first.id());
        workflows.startWorker(wf);
        assertThat(second.await(Duration.ofSeconds(30))).isEqualTo("charged order-1");
        // Finished, within the window: still the same run.
        assertThat(workflows.trigger(wf, "order-1", EnqueueOptions.withDedupKey("charge-order-1")).id()).isEqualTo(first.id());
        assertThat(workflows.list("charge", 10)).hasSize(2);
    }

    @ConformanceTest
    void concurrentTriggersWithOneRunKeyFromSeveralStoresStartOneRun(TestBackend backend) throws Exception {
        Store first = backend.open();
        first.workflows().register("charge");
        List<Store> stores = List.of(first, backend.open(), backend.open());
        ExecutorService pool = Executors.newFixedThreadPool(6);
        CountDownLatch start = new CountDownLatch(1);
        Set<Long> runIds = ConcurrentHashMap.newKeySet();
        List<Future<?>> done = new ArrayList<>();
        try {
            for (Store store : stores) {
                for (int t = 0; t < 2; t++) {
                    done.add(pool.submit(() -> {
                        start.await();
                        for (int k = 0; k < 10; k++) {
                            runIds.add(store.workflows().trigger("charge", Map.of("k", k),
                                    EnqueueOptions.withDedupKey("run-" + k)).id());
                        }
                        return null;
                    }));
                }
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get(2, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(runIds).hasSize(10);
        assertThat(first.workflows().list("charge", 100)).hasSize(10);
    }

    @ConformanceTest
    void aRunKeyHeldByAMessageWithoutARunIsAnError(TestBackend backend) {
        Store store = backend.open();
        store.workflows().register("charge");
        store.producer("charge").enqueue(Map.of("input", 1), EnqueueOptions.withDedupKey("k"));

        assertThatThrownBy(() -> store.workflows().trigger("charge", 1, EnqueueOptions.withDedupKey("k")))
                .isInstanceOf(PgqrsException.class)
                .hasMessageContaining("run key 'k' is held by message")
                .hasMessageContaining("which carries no run");
    }
}
