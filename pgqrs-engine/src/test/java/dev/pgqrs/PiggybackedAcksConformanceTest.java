package dev.pgqrs;

import dev.pgqrs.testing.ConformanceTest;
import dev.pgqrs.testing.TestBackend;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The queue worker with piggybacked acknowledgements: a batch's successes are archived by the thread's next fetch,
 * and sent at once when no fetch follows — the queue is empty (the empty fetch acknowledges), the worker is
 * suspended or stops. Leases are a minute long, so nothing here is settled by a lease running out.
 */
class PiggybackedAcksConformanceTest {

    private static final Duration LEASE = Duration.ofSeconds(60);
    private static final Duration SOON = Duration.ofSeconds(20);

    private static List<Map<String, Integer>> payloads(int n) {
        return IntStream.range(0, n).mapToObj(i -> Map.of("n", i)).toList();
    }

    private static QueueWorkerOptions piggybacked(int batch) {
        return QueueWorkerOptions.defaults().batchSize(batch).visibilityTimeout(LEASE).piggybackAcks(true);
    }

    @ConformanceTest
    void everyBatchIsArchivedAndAnIdleQueueHoldsNoLease(TestBackend backend) {
        Store store = backend.open();
        store.queues().create("orders");
        store.enqueueBatch("orders", payloads(23));
        Set<Long> handled = ConcurrentHashMap.newKeySet();
        QueueWorker worker = store.worker("orders", d -> handled.add(d.message().id()), piggybacked(5));

        // The last batch's acknowledgement rides on the fetch that finds the queue empty.
        await().atMost(SOON).until(() -> store.queues().metrics("orders").archived() == 23);
        assertThat(store.queues().metrics("orders").leased()).isZero();
        assertThat(handled).hasSize(23);
        assertThat(worker.inFlight()).isZero();
        assertThat(worker.close(Duration.ofSeconds(30))).isTrue();
    }

    @ConformanceTest
    void inDeleteModeTheNextFetchDeletesTheBatch(TestBackend backend) {
        Store store = backend.open();
        store.queues().create("orders");
        store.enqueueBatch("orders", payloads(7));
        Set<Long> handled = ConcurrentHashMap.newKeySet();
        QueueWorker worker = store.worker("orders", d -> handled.add(d.message().id()),
                piggybacked(3).ackMode(AckMode.DELETE));

        await().atMost(SOON).until(() -> store.queues().metrics("orders").total() == 0);
        assertThat(handled).hasSize(7);
        assertThat(store.queues().metrics("orders").archived()).isZero();
        worker.close();
    }

    @ConformanceTest
    void aSuspendedWorkerSendsThePendingAcknowledgementsAtOnce(TestBackend backend) throws Exception {
        Store store = backend.open();
        store.queues().create("orders");
        store.enqueueBatch("orders", payloads(3));
        AtomicReference<QueueWorker> self = new AtomicReference<>();
        CountDownLatch suspended = new CountDownLatch(1);
        QueueWorker worker = store.worker("orders", d -> {
            if (d.batchIndex() == d.batchSize() - 1) {
                // Suspended while its batch is handled: no fetch follows to carry the acknowledgements.
                Thread t = new Thread(() -> {
                    self.get().suspend();
                    suspended.countDown();
                });
                t.start();
                assertThat(suspended.await(30, TimeUnit.SECONDS)).isTrue();
            }
        }, piggybacked(10));
        self.set(worker);

        await().atMost(SOON).until(() -> store.queues().metrics("orders").archived() == 3);
        assertThat(worker.isSuspended()).isTrue();
        assertThat(store.queues().metrics("orders").leased()).isZero();
        worker.close();
    }

    @ConformanceTest
    void aStoppingWorkerSendsThePendingAcknowledgementsBeforeItEnds(TestBackend backend) {
        Store store = backend.open();
        store.queues().create("orders");
        store.enqueueBatch("orders", payloads(4));
        AtomicReference<QueueWorker> self = new AtomicReference<>();
        CountDownLatch last = new CountDownLatch(1);
        QueueWorker worker = store.worker("orders", d -> {
            if (d.batchIndex() == d.batchSize() - 1) {
                self.get().stopFetching(); // the batch ends, and no fetch follows
                last.countDown();
            }
        }, piggybacked(10));
        self.set(worker);
        await().atMost(SOON).until(() -> last.getCount() == 0);

        assertThat(worker.close(Duration.ofSeconds(30))).isTrue();

        // Handled, so archived — not given back by the close (which releases what a worker still holds).
        assertThat(store.queues().metrics("orders").archived()).isEqualTo(4);
        assertThat(store.queues().metrics("orders").pending()).isZero();
    }

    @ConformanceTest
    void aFailedMessageIsRetriedAndItsBatchNeighboursArchived(TestBackend backend) {
        Store store = backend.open();
        store.queues().create("orders");
        List<Long> ids = store.enqueueBatch("orders", payloads(5));
        List<Integer> attempts = new java.util.concurrent.CopyOnWriteArrayList<>();
        QueueWorker worker = store.worker("orders", d -> {
            if (d.message().id() == ids.get(2)) {
                attempts.add(d.attempt());
                if (d.attempt() == 1) {
                    throw new IllegalStateException("first attempt fails");
                }
            }
        }, piggybacked(5).retryPolicy(RetryPolicy.fixed(3, Duration.ofMillis(10))));

        await().atMost(SOON).until(() -> store.queues().metrics("orders").archived() == 5);
        assertThat(attempts).containsExactly(1, 2);
        assertThat(store.deadLetters().list("orders", 10)).isEmpty();
        worker.close();
    }

    @ConformanceTest
    void theDefaultPiggybacksSmallBatchesAndASingleThread(TestBackend backend) {
        QueueWorkerOptions defaults = QueueWorkerOptions.defaults();
        assertThat(defaults.piggybacksAcks()).as("batches of 10, one thread").isTrue();
        assertThat(defaults.threads(4).batchSize(10).piggybacksAcks()).isTrue();
        assertThat(defaults.threads(1).batchSize(50).piggybacksAcks()).isFalse();
        assertThat(defaults.threads(4).batchSize(50).piggybacksAcks()).isFalse();
        assertThat(defaults.threads(4).batchSize(50).piggybackAcks(true).piggybacksAcks()).isTrue();
        assertThat(defaults.piggybackAcks(false).piggybacksAcks()).isFalse();
    }
}
