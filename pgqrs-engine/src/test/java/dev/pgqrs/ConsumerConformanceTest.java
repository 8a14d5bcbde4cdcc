package dev.pgqrs;

import dev.pgqrs.testing.BackendKind;
import dev.pgqrs.testing.ConformanceTest;
import dev.pgqrs.testing.TestBackend;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Leasing and settling messages, owner checks, redelivery and dead letters — on every backend. */
class ConsumerConformanceTest {

    private static List<Map<String, Integer>> payloads(int n) {
        return IntStream.range(0, n).mapToObj(i -> Map.of("n", i)).toList();
    }

    private static List<Long> ids(List<Message> messages) {
        return messages.stream().map(Message::id).toList();
    }

    @ConformanceTest
    void dequeueLeasesUpToNInOrderAndRecordsTheDelivery(TestBackend backend) {
        Store store = backend.open();
        store.queues().create("orders");
        List<Long> enqueued = store.enqueueBatch("orders", payloads(5));
        Consumer consumer = store.consumer("orders");

        List<Message> first = consumer.dequeue(3, Duration.ofSeconds(30));
        List<Message> second = consumer.dequeue(10, Duration.ofSeconds(30));

        assertThat(ids(first)).containsExactlyElementsOf(enqueued.subList(0, 3));
        assertThat(ids(second)).containsExactlyElementsOf(enqueued.subList(3, 5));
        assertThat(consumer.dequeue(10)).isEmpty();
        for (Message m : first) {
            assertThat(m.readCount()).isEqualTo(1);
            assertThat(m.dequeuedAt()).isNotNull();
            assertThat(m.consumerWorkerId()).isEqualTo(consumer.workerId());
            assertThat(m.visibleAt()).isAfter(m.dequeuedAt().plusSeconds(25));
            assertThat(m.queue()).isEqualTo("orders");
        }
        assertThat(consumer.heldLeases()).isEqualTo(5);
        assertThat(consumer.status()).isEqualTo(WorkerStatus.POLLING);
    }

    @ConformanceTest
    void archiveKeepsTheRowAndDeleteRemovesIt(TestBackend backend) {
        Store store = backend.open();
        store.queues().create("orders");
        store.enqueueBatch("orders", payloads(4));
        Consumer consumer = store.consumer("orders");
        List<Message> leased = consumer.dequeue(4);

        assertThat(consumer.archive(leased.get(0))).isTrue();
        assertThat(consumer.archive(List.of(leased.get(1), leased.get(2))))
                .containsExactlyInAnyOrder(leased.get(1), leased.get(2));
        assertThat(consumer.delete(leased.get(3))).isTrue();

        QueueMetrics m = store.queues().metrics("orders");
        assertThat(m.archived()).isEqualTo(3);
        assertThat(m.total()).isEqualTo(3);
        assertThat(consumer.archive(leased.get(0))).as("archiving twice").isFalse();
        assertThat(consumer.delete(leased.get(3))).as("deleting twice").isFalse();
        assertThat(consumer.heldLeases()).isZero();
    }

    @ConformanceTest
    void anExpiredLeaseIsDeliveredAgainWithAHigherReadCount(TestBackend backend) throws Exception {
        Store store = backend.open();
        store.queues().create("orders");
        long id = store.enqueue("orders", Map.of("n", 1));
        Consumer first = store.consumer("orders");
        Consumer second = store.consumer("orders");

        assertThat(first.dequeue(1, Duration.ofSeconds(30))).extracting(Message::id).containsExactly(id);
        assertThat(second.dequeue(1)).as("still leased").isEmpty();
        backend.expireLeases();

        List<Message> again = second.dequeue(1, Duration.ofSeconds(30));
        assertThat(again).extracting(Message::id).containsExactly(id);
        assertThat(again.get(0).readCount()).isEqualTo(2);
        assertThat(again.get(0).consumerWorkerId()).isEqualTo(second.workerId());
    }

    @ConformanceTest
    void aConsumerWhoseLeaseWasTakenOverCanNoLongerSettleIt(TestBackend backend) throws Exception {
        Store store = backend.open();
        store.queues().create("orders");
        long id = store.enqueue("orders", Map.of("n", 1));
        Consumer stale = store.consumer("orders");
        Consumer current = store.consumer("orders");
        Message lost = stale.dequeue(1, Duration.ofSeconds(30)).get(0);
        backend.expireLeases();
        Message taken = current.dequeue(1, Duration.ofSeconds(30)).get(0);
        assertThat(taken.id()).isEqualTo(id);

        assertThat(stale.archive(lost)).isFalse();
        assertThat(stale.delete(lost)).isFalse();
        assertThat(stale.extend(lost, Duration.ofMinutes(5))).isFalse();
        assertThat(stale.release(lost)).isFalse();
        assertThat(stale.deadLetter(lost, "not mine")).isFalse();
        assertThat(stale.archive(List.of(lost))).isEmpty();

        assertThat(current.archive(taken)).isTrue();
        assertThat(store.queues().metrics("orders").archived()).isEqualTo(1);
    }

    @ConformanceTest
    void aSettleIsFencedOnTheDeliveryEvenWithinOneConsumer(TestBackend backend) {
        // Threads of one consumer share its worker row: after a lease runs out and a sibling leases the
        // message again, the first delivery must not settle or extend the second one.
        Store store = backend.open();
        store.queues().create("orders");
        long id = store.enqueue("orders", Map.of("n", 1));
        Consumer consumer = store.consumer("orders");
        Message first = consumer.dequeue(1).get(0);
        backend.expireLeases();
        Message second = consumer.dequeue(1).get(0);
        assertThat(second.id()).isEqualTo(id);
        assertThat(second.readCount()).isEqualTo(2);

        assertThat(consumer.extend(first, Duration.ofMinutes(5))).as("the first delivery's extend").isFalse();
        assertThat(consumer.archive(first)).as("the first delivery's archive").isFalse();
        assertThat(consumer.release(first)).isFalse();
        assertThat(consumer.deadLetter(first, "stale")).isFalse();
        assertThat(store.queues().metrics("orders").leased()).as("still held by the second delivery").isEqualTo(1);
        assertThat(consumer.extend(second, Duration.ofMinutes(5))).isTrue();
        assertThat(consumer.archive(List.of(first, second))).containsExactly(second);
    }

    @ConformanceTest
    void batchSettleReturnsOnlyTheIdsTheCallerOwned(TestBackend backend) {
        Store store = backend.open();
        store.queues().create("orders");
        store.enqueueBatch("orders", payloads(4));
        Consumer a = store.consumer("orders");
        Consumer b = store.consumer("orders");
        List<Message> mine = a.dequeue(2);
        List<Message> theirs = b.dequeue(2);

        List<Message> all = new ArrayList<>(mine);
        all.addAll(theirs);

        assertThat(a.archive(all)).containsExactlyInAnyOrderElementsOf(mine);
        assertThat(b.delete(all)).containsExactlyInAnyOrderElementsOf(theirs);
    }

    @ConformanceTest
    void extendKeepsAMessageLeasedPastItsFirstTimeout(TestBackend backend) throws Exception {
        Store store = backend.open();
        store.queues().create("orders");
        long id = store.enqueue("orders", Map.of("n", 1));
        Consumer owner = store.consumer("orders");
        Consumer other = store.consumer("orders");
        Message held = owner.dequeue(1, Duration.ofSeconds(1)).get(0);
        // The first lease ran out already (backdated), and the extension starts from now.
        backend.execute("UPDATE pgqrs_messages SET vt = " + backend.ago(Duration.ofSeconds(5)) + " WHERE id = " + id);

        assertThat(owner.extend(held, Duration.ofSeconds(30))).isTrue();
        assertThat(other.dequeue(1)).isEmpty();
        assertThat(owner.archive(held)).isTrue();
    }

    @ConformanceTest
    void releaseMakesAMessageVisibleNowOrAfterADelayKeepingTheError(TestBackend backend) throws Exception {
        Store store = backend.open();
        store.queues().create("orders");
        List<Long> ids = store.enqueueBatch("orders", payloads(2));
        Consumer consumer = store.consumer("orders");
        List<Message> leased = consumer.dequeue(2);

        assertThat(consumer.release(leased.get(0))).isTrue();
        List<Message> later = consumer.release(List.of(leased.get(1)), Duration.ofMinutes(10), "timeout calling billing");
        assertThat(later).extracting(Message::id).containsExactly(ids.get(1));

        assertThat(consumer.dequeue(10)).extracting(Message::id).containsExactly(ids.get(0));
        assertThat(consumer.dequeue(10)).as("its back-off has not passed").isEmpty();
        backend.execute("UPDATE pgqrs_messages SET vt = " + backend.ago(Duration.ofSeconds(1)) + " WHERE id = " + ids.get(1));
        List<Message> retried = consumer.dequeue(10);
        assertThat(retried).extracting(Message::id).containsExactly(ids.get(1));
        assertThat(retried.get(0).readCount()).isEqualTo(2);
        assertThat(retried.get(0).lastError()).isEqualTo("timeout calling billing");
    }

    @ConformanceTest
    void twoConsumersRacingNeverLeaseTheSameMessage(TestBackend backend) throws Exception {
        Store store = backend.open();
        store.queues().create("orders");
        int total = 600;
        for (int i = 0; i < total; i += 100) {
            store.enqueueBatch("orders", payloads(100));
        }
        Set<Long> seen = ConcurrentHashMap.newKeySet();
        List<Long> duplicates = Collections.synchronizedList(new ArrayList<>());
        int threads = 4;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Consumer consumer = store.consumer("orders");
            int batch = 1 + t * 3;
            futures.add(pool.submit(() -> {
                start.await();
                while (true) {
                    List<Message> leased = consumer.dequeue(batch, Duration.ofSeconds(60));
                    if (leased.isEmpty()) {
                        return null;
                    }
                    for (Message m : leased) {
                        if (!seen.add(m.id())) {
                            duplicates.add(m.id());
                        }
                    }
                    assertThat(consumer.archive(leased)).hasSameSizeAs(leased);
                }
            }));
        }
        start.countDown();
        for (Future<?> f : futures) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();

        assertThat(duplicates).isEmpty();
        assertThat(seen).hasSize(total);
        assertThat(store.queues().metrics("orders").archived()).isEqualTo(total);
    }

    @ConformanceTest
    void aMessageDeliveredMaxReadCountTimesIsDeadLetteredAndCanBeReplayed(TestBackend backend) throws Exception {
        Store store = backend.open(c -> c.maxReadCount(3));
        store.queues().create("orders");
        long id = store.enqueue("orders", Map.of("n", 1));
        Consumer consumer = store.consumer("orders");

        // Three deliveries, each lease left to expire.
        for (int delivery = 1; delivery <= 3; delivery++) {
            List<Message> leased = consumer.dequeue(1, Duration.ofSeconds(30));
            assertThat(leased).as("delivery %d", delivery).extracting(Message::readCount).containsExactly(delivery);
            backend.expireLeases();
        }
        assertThat(store.deadLetters().list("orders", 10)).as("dead before any dequeue marks it")
                .extracting(Message::id).containsExactly(id);
        assertThat(consumer.dequeue(1)).as("fourth delivery refused").isEmpty();

        List<Message> dead = store.deadLetters().list("orders", 10);
        assertThat(dead).singleElement().satisfies(m -> {
            assertThat(m.isDeadLettered()).isTrue();
            assertThat(m.readCount()).isEqualTo(3);
        });
        QueueMetrics metrics = store.queues().metrics("orders");
        assertThat(metrics.deadLettered()).isEqualTo(1);
        assertThat(metrics.pending()).isZero();
        assertThat(metrics.archived()).isZero();

        assertThat(store.deadLetters().replay("orders", id)).isTrue();
        List<Message> replayed = consumer.dequeue(1);
        assertThat(replayed).extracting(Message::id).containsExactly(id);
        assertThat(replayed.get(0).readCount()).isEqualTo(1);
        assertThat(store.deadLetters().list("orders", 10)).isEmpty();
    }

    @ConformanceTest
    void aMessageReleasedAtTheLimitIsDeadLetteredByTheNextDequeueThatMeetsIt(TestBackend backend) {
        Store store = backend.open(c -> c.maxReadCount(2));
        store.queues().create("orders");
        long id = store.enqueue("orders", Map.of("n", 1));
        Consumer consumer = store.consumer("orders");

        List<Message> first = consumer.dequeue(1);
        assertThat(consumer.release(first, Duration.ZERO, "first failure")).extracting(Message::id).containsExactly(id);
        List<Message> second = consumer.dequeue(1);
        // A release never dead-letters (as in pgqrs): the message is given back with its delivery count.
        assertThat(consumer.release(second, Duration.ZERO, "second failure")).extracting(Message::id).containsExactly(id);
        assertThat(store.deadLetters().list("orders", 10)).as("delivered max_read_ct times and due: dead").singleElement()
                .satisfies(m -> assertThat(m.lastError()).isEqualTo("second failure"));

        assertThat(consumer.dequeue(1)).as("the next dequeue dead-letters it instead of delivering it").isEmpty();
        assertThat(store.queues().metrics("orders").deadLettered()).isEqualTo(1);
        assertThat(consumer.heldLeases()).isZero();
    }

    @ConformanceTest
    void aConsumerCanDeadLetterExplicitlyAndReplayAllBringsEverythingBack(TestBackend backend) {
        Store store = backend.open();
        store.queues().create("orders");
        List<Long> ids = store.enqueueBatch("orders", payloads(3));
        Consumer consumer = store.consumer("orders");
        List<Message> leased = consumer.dequeue(3);

        assertThat(consumer.deadLetter(leased.subList(0, 2), "poison: unknown sku")).hasSize(2);
        consumer.archive(leased.get(2));

        assertThat(store.deadLetters().list("orders", 10)).extracting(Message::lastError)
                .containsOnly("poison: unknown sku");
        assertThat(store.deadLetters().replayAll("orders")).isEqualTo(2);
        assertThat(store.queues().metrics("orders").pending()).isEqualTo(2);
        assertThat(store.deadLetters().replay("orders", ids.get(2))).as("archived, not dead").isFalse();
    }

    @ConformanceTest
    void deletingDeadLettersRemovesThemAndLeavesEveryOtherMessageAlone(TestBackend backend) {
        Store store = backend.open();
        store.queues().create("orders");
        store.queues().create("returns");
        List<Long> ids = store.enqueueBatch("orders", payloads(4));
        long otherQueue = store.enqueue("returns", Map.of("n", 9));
        Consumer consumer = store.consumer("orders");
        List<Message> leased = consumer.dequeue(3);
        consumer.deadLetter(leased.subList(0, 2), "poison: unknown sku");
        consumer.archive(leased.get(2));
        Consumer returns = store.consumer("returns");
        returns.deadLetter(returns.dequeue(1), "poison");

        // two dead letters, an archived message, a pending one, another queue's dead letter, an id that is none
        List<Long> asked = List.of(ids.get(0), ids.get(1), ids.get(2), ids.get(3), otherQueue, 999_999L);
        assertThat(store.deadLetters().delete("orders", asked)).containsExactlyInAnyOrder(ids.get(0), ids.get(1));

        assertThat(store.deadLetters().list("orders", 10)).isEmpty();
        QueueMetrics m = store.queues().metrics("orders");
        assertThat(m.total()).as("the dead letters' rows are gone").isEqualTo(2);
        assertThat(m.archived()).isEqualTo(1);
        assertThat(m.pending()).isEqualTo(1);
        assertThat(store.deadLetters().list("returns", 10)).extracting(Message::id).containsExactly(otherQueue);
        assertThat(store.deadLetters().delete("orders", List.of(ids.get(0)))).as("deleted once").isEmpty();
        assertThatThrownBy(() -> store.deadLetters().delete("nowhere", List.of(1L))).isInstanceOf(QueueNotFoundException.class);
    }

    @ConformanceTest
    void aConsumerHoldingLeasesCannotShutDownUntilItReleasesThem(TestBackend backend) {
        Store store = backend.open();
        store.queues().create("orders");
        store.enqueueBatch("orders", payloads(2));
        Consumer consumer = store.consumer("orders");
        consumer.dequeue(2);

        assertThatThrownBy(consumer::close).isInstanceOf(WorkerBusyException.class)
                .hasMessageContaining("still holds 2 leased message(s)");
        assertThat(consumer.status()).isEqualTo(WorkerStatus.POLLING);

        consumer.close(ShutdownMode.RELEASE_HELD);
        assertThat(consumer.status()).isEqualTo(WorkerStatus.STOPPED);
        assertThat(store.queues().metrics("orders").pending()).isEqualTo(2);
        assertThatThrownBy(() -> consumer.dequeue(1)).isInstanceOf(WorkerStoppedException.class);
    }

    @ConformanceTest
    void suspendedAndInterruptedConsumersTakeNoNewMessages(TestBackend backend) {
        Store store = backend.open();
        store.queues().create("orders");
        store.enqueueBatch("orders", payloads(2));
        Consumer consumer = store.consumer("orders");

        consumer.suspend();
        assertThatThrownBy(() -> consumer.dequeue(1)).hasMessageContaining("is suspended");
        consumer.resume();
        List<Message> leased = consumer.dequeue(1);
        consumer.interrupt();
        assertThatThrownBy(() -> consumer.dequeue(1)).hasMessageContaining("is interrupted");
        assertThat(consumer.archive(leased.get(0))).as("an interrupted consumer still settles").isTrue();
        assertThatThrownBy(consumer::resume).isInstanceOf(IllegalWorkerTransitionException.class)
                .hasMessageContaining("cannot go from interrupted to ready");
        consumer.close();
        assertThat(store.workers().get(consumer.workerId())).get()
                .satisfies(w -> assertThat(w.status()).isEqualTo(WorkerStatus.STOPPED));
    }

    @ConformanceTest
    void awaitMessagesWakesOnAnEnqueueInThisProcess(TestBackend backend) throws Exception {
        Store store = backend.open();
        store.queues().create("orders");
        Consumer consumer = store.consumer("orders");
        // The listener's first LISTEN wakes every waiter once (anything sent before it is lost): let it pass first.
        await().atMost(Duration.ofSeconds(30))
                .until(() -> backend.kind() != BackendKind.POSTGRES || store.notifications().listening());
        assertThat(consumer.dequeue(1)).isEmpty();

        ExecutorService producer = Executors.newSingleThreadExecutor();
        CountDownLatch waiting = new CountDownLatch(1);
        producer.submit(() -> {
            waiting.await();
            return store.enqueue("orders", Map.of("n", 1));
        });
        waiting.countDown();
        // Woken by the enqueue, long before the 60 s wait would time out.
        boolean woken = consumer.awaitMessages(Duration.ofSeconds(60));
        producer.shutdown();

        assertThat(woken).isTrue();
        assertThat(consumer.dequeue(1)).hasSize(1);
        // An enqueue between an empty dequeue and the wait is not lost.
        assertThat(consumer.dequeue(1)).isEmpty();
        store.enqueue("orders", Map.of("n", 2));
        assertThat(consumer.awaitMessages(Duration.ofSeconds(10))).isTrue();
        assertThat(consumer.awaitMessages(Duration.ofMillis(50))).as("no new signal").isTrue();
        consumer.dequeue(1);
        assertThat(consumer.awaitMessages(Duration.ofMillis(50))).as("nothing since the last dequeue").isFalse();
        consumer.close(ShutdownMode.RELEASE_HELD);
    }

    @ConformanceTest
    void aWaitingConsumerWakesWhenARetryOrDelayedMessageComesDue(TestBackend backend) throws Exception {
        Store store = backend.open();
        store.queues().create("orders");
        long id = store.enqueue("orders", Map.of("n", 1));
        Consumer consumer = store.consumer("orders");
        consumer.release(consumer.dequeue(1), Duration.ofMillis(300), "try later");
        assertThat(consumer.dequeue(1)).isEmpty();

        long start = System.nanoTime();
        assertThat(consumer.awaitMessages(Duration.ofSeconds(20))).isTrue();
        assertThat(consumer.dequeue(1)).extracting(Message::id).containsExactly(id);
        long retryWaitMillis = (System.nanoTime() - start) / 1_000_000;

        store.enqueue("orders", Map.of("n", 2), Duration.ofMillis(300));
        assertThat(consumer.dequeue(1)).isEmpty();
        start = System.nanoTime();
        assertThat(consumer.awaitMessages(Duration.ofSeconds(20))).isTrue();
        assertThat(consumer.dequeue(1)).hasSize(1);
        long delayedWaitMillis = (System.nanoTime() - start) / 1_000_000;

        // Woken when due, not at the end of the 20 s wait.
        assertThat(retryWaitMillis).isLessThan(5_000);
        assertThat(delayedWaitMillis).isLessThan(5_000);
        consumer.close(ShutdownMode.RELEASE_HELD);
    }

    @ConformanceTest
    void consumersOfOneQueueNeverSeeAnotherQueuesMessages(TestBackend backend) {
        Store store = backend.open();
        store.queues().create("a");
        store.queues().create("b");
        store.enqueueBatch("a", payloads(3));
        List<Long> bIds = store.enqueueBatch("b", payloads(2));

        Consumer consumer = store.consumer("b");
        Set<Long> got = new HashSet<>(ids(consumer.dequeue(10)));
        assertThat(got).containsExactlyInAnyOrderElementsOf(bIds);
    }
}
