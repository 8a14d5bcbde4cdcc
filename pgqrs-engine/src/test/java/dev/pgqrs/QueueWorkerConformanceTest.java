package dev.pgqrs;

import dev.pgqrs.checkpoint.Checkpoint;
import dev.pgqrs.testing.ConformanceTest;
import dev.pgqrs.testing.TestBackend;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The engine's queue worker: handlers, batches, leases, retries, dead letters, shutdown — on every backend. */
class QueueWorkerConformanceTest {

    private static final Duration LONG = Duration.ofSeconds(60);

    private static List<Map<String, Integer>> payloads(int from, int n) {
        return IntStream.range(from, from + n).mapToObj(i -> Map.of("n", i)).toList();
    }

    /** A retry policy whose back-off is long enough that a test sees the wait, and backdates it instead. */
    private static RetryPolicy slowRetries(int attempts) {
        return RetryPolicy.fixed(attempts, Duration.ofMinutes(10));
    }

    @ConformanceTest
    void everyMessageIsHandledOnceByConcurrentThreadsAndArchived(TestBackend backend) {
        Store store = backend.open();
        store.queues().create("orders");
        for (int i = 0; i < 600; i += 100) {
            store.enqueueBatch("orders", payloads(i, 100));
        }
        Set<Integer> seen = ConcurrentHashMap.newKeySet();
        AtomicInteger duplicates = new AtomicInteger();
        Set<String> threads = ConcurrentHashMap.newKeySet();
        QueueWorker worker = store.worker("orders", d -> {
            threads.add(Thread.currentThread().getName());
            if (!seen.add(d.message().payload().get("n").asInt())) {
                duplicates.incrementAndGet();
            }
        }, QueueWorkerOptions.defaults().threads(4).batchSize(25));

        await().atMost(LONG).until(() -> store.queues().metrics("orders").archived() == 600);
        assertThat(worker.close(Duration.ofSeconds(30))).isTrue();
        assertThat(duplicates).hasValue(0);
        assertThat(seen).hasSize(600);
        assertThat(threads).hasSizeGreaterThan(1);
        assertThat(store.queues().metrics("orders").leased()).isZero();
    }

    @ConformanceTest
    void aSlowHandlersLeaseIsKeptAliveAndNobodyElseGetsItsMessage(TestBackend backend) throws Exception {
        Store store = backend.open();
        store.queues().create("orders");
        long id = store.enqueue("orders", Map.of("n", 1));
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        QueueWorker worker = store.worker("orders", d -> {
            started.countDown();
            finish.await(); // longer than several leases
        }, QueueWorkerOptions.defaults().visibilityTimeout(Duration.ofMillis(600)));
        assertThat(started.await(60, TimeUnit.SECONDS)).isTrue();
        String firstVisibleAt = visibleAt(backend, id);

        // The lease is extended (its end moves) again and again, and another consumer finds nothing.
        await().atMost(LONG).until(() -> !visibleAt(backend, id).equals(firstVisibleAt));
        String extended = visibleAt(backend, id);
        await().atMost(LONG).until(() -> !visibleAt(backend, id).equals(extended));
        try (Consumer other = store.consumer("orders")) {
            assertThat(other.dequeue(1)).isEmpty();
        }
        finish.countDown();
        await().atMost(LONG).until(() -> store.queues().metrics("orders").archived() == 1);
        worker.close();
        assertThat(readCount(backend, id)).as("delivered once").isEqualTo(1);
    }

    @ConformanceTest
    void aFailedAttemptIsRetriedAfterThePolicysBackOffWithItsError(TestBackend backend) {
        Store store = backend.open();
        store.queues().create("orders");
        long id = store.enqueue("orders", Map.of("n", 1));
        List<Integer> attempts = new ArrayList<>();
        QueueWorker worker = store.worker("orders", d -> {
            synchronized (attempts) {
                attempts.add(d.attempt());
            }
            if (d.attempt() == 1) {
                throw new IllegalStateException("billing timed out");
            }
        }, QueueWorkerOptions.defaults().retryPolicy(slowRetries(3)));

        await().atMost(LONG).until(() -> lastError(backend, id) != null);
        assertThat(lastError(backend, id)).isEqualTo("java.lang.IllegalStateException: billing timed out");
        assertThat(store.queues().metrics("orders").delayed()).as("waiting out its back-off").isEqualTo(1);
        backend.makeAllDue();
        store.signals().signal(store.queues().get("orders").id());

        await().atMost(LONG).until(() -> store.queues().metrics("orders").archived() == 1);
        worker.close();
        synchronized (attempts) {
            assertThat(attempts).containsExactly(1, 2);
        }
    }

    @ConformanceTest
    void whenTheAttemptsAreUsedUpTheMessageIsDeadLetteredInPlace(TestBackend backend) {
        Store store = backend.open();
        store.queues().create("orders");
        long id = store.enqueue("orders", Map.of("n", 1));
        QueueWorker worker = store.worker("orders", d -> {
            throw new IllegalArgumentException("unknown sku, attempt " + d.attempt());
        }, QueueWorkerOptions.defaults().retryPolicy(RetryPolicy.fixed(2, Duration.ZERO)));

        await().atMost(LONG).until(() -> store.queues().metrics("orders").deadLettered() == 1);
        worker.close();
        Message dead = store.deadLetters().list("orders", 10).get(0);
        assertThat(dead.id()).isEqualTo(id);
        assertThat(dead.readCount()).isEqualTo(2);
        assertThat(dead.lastError()).contains("unknown sku, attempt 2");
    }

    @ConformanceTest
    void aPermanentFailureIsDeadLetteredAtOnceAndRetryLaterWaitsAsAsked(TestBackend backend) {
        Store store = backend.open();
        store.queues().create("orders");
        long poison = store.enqueue("orders", Map.of("kind", "poison"));
        long limited = store.enqueue("orders", Map.of("kind", "limited"));
        QueueWorker worker = store.worker("orders", d -> {
            if (d.message().payload().get("kind").asText().equals("poison")) {
                throw new PermanentFailureException("order refused");
            }
            if (d.attempt() == 1) {
                throw new RetryLaterException("rate limited", Duration.ofHours(2));
            }
        }, QueueWorkerOptions.defaults().retryPolicy(RetryPolicy.fixed(5, Duration.ZERO)));

        await().atMost(LONG).until(() -> store.queues().metrics("orders").deadLettered() == 1
                && store.queues().metrics("orders").delayed() == 1);
        worker.close();
        assertThat(store.deadLetters().list("orders", 10)).extracting(Message::id).containsExactly(poison);
        assertThat(readCount(backend, poison)).as("no retries").isEqualTo(1);
        assertThat(secondsUntilVisible(backend, limited)).as("two hours").isBetween(7_000L, 7_300L);
    }

    @ConformanceTest
    void moreAttemptsThanTheStoresMaxReadCountAreHonoured(TestBackend backend) {
        Store store = backend.open(c -> c.maxReadCount(2));
        store.queues().create("orders");
        long id = store.enqueue("orders", Map.of("n", 1));
        AtomicInteger calls = new AtomicInteger();
        QueueWorker worker = store.worker("orders", d -> {
            calls.incrementAndGet();
            throw new IllegalStateException("down");
        }, QueueWorkerOptions.defaults().retryPolicy(RetryPolicy.fixed(4, Duration.ZERO)));

        await().atMost(LONG).until(() -> store.queues().metrics("orders").deadLettered() == 1);
        worker.close();
        assertThat(calls).hasValue(4);
        assertThat(readCount(backend, id)).isEqualTo(4);
    }

    @ConformanceTest
    void aMessageMovedToTheDeadLetterQueueCarriesItsContextAndLeavesTheOriginalSettled(TestBackend backend) {
        Store store = backend.open();
        store.queues().create("orders");
        store.queues().create("orders-dlq");
        long id = store.enqueue("orders", Map.of("n", 1));
        long scalar = store.enqueue("orders", "[1,2,3]");
        QueueWorker worker = store.worker("orders", d -> {
            throw new IllegalStateException("ünknown sku " + "é".repeat(2000));
        }, QueueWorkerOptions.defaults().retryPolicy(RetryPolicy.noRetries()).deadLetterQueue("orders-dlq"));

        await().atMost(LONG).until(() -> store.queues().metrics("orders-dlq").pending() == 2);
        worker.close();
        QueueMetrics original = store.queues().metrics("orders");
        assertThat(original.archived()).isEqualTo(2);
        assertThat(original.pending() + original.leased() + original.deadLettered()).isZero();
        try (Consumer dlq = store.consumer("orders-dlq")) {
            List<Message> moved = dlq.dequeue(10);
            assertThat(moved).hasSize(2);
            Message object = moved.stream().filter(m -> m.payload().has("n")).findFirst().orElseThrow();
            var context = object.payload().get(DeliverySettler.DEAD_LETTER_KEY);
            assertThat(context.get("queue").asText()).isEqualTo("orders");
            assertThat(context.get("messageId").asLong()).isEqualTo(id);
            assertThat(context.get("attempts").asInt()).isEqualTo(1);
            assertThat(context.get("error").asText()).startsWith("java.lang.IllegalStateException: ünknown sku");
            assertThat(context.get("error").asText().getBytes(java.nio.charset.StandardCharsets.UTF_8).length)
                    .isLessThanOrEqualTo(store.config().payloadLimits().maxStringBytes());
            assertThat(context.get("failedAt").asText()).isNotBlank();
            Message wrapped = moved.stream().filter(m -> m.payload().has("payload")).findFirst().orElseThrow();
            assertThat(wrapped.payload().get("payload").toString()).isEqualTo("[1,2,3]");
            assertThat(wrapped.payload().get(DeliverySettler.DEAD_LETTER_KEY).get("messageId").asLong()).isEqualTo(scalar);
            dlq.archive(moved);
        }
    }

    @ConformanceTest
    void ackWithCommitsTheSideEffectAndTheAcknowledgementTogetherOrNeither(TestBackend backend) throws Exception {
        Store store = backend.open();
        backend.execute("CREATE TABLE shipped (order_no INTEGER PRIMARY KEY)");
        store.queues().create("orders");
        store.enqueue("orders", Map.of("n", 1));
        long stolen = store.enqueue("orders", Map.of("n", 2));
        AtomicReference<Throwable> lost = new AtomicReference<>();
        QueueWorker worker = store.worker("orders", d -> {
            int n = d.message().payload().get("n").asInt();
            if (d.message().id() == stolen) {
                // The lease runs out and another consumer takes the message over while this handler works.
                backend.expireLeases();
                try (Consumer thief = store.consumer("orders")) {
                    thief.archive(thief.dequeue(1));
                }
            }
            try {
                d.ackWith(c -> {
                    try (Statement s = c.createStatement()) {
                        s.executeUpdate("INSERT INTO shipped VALUES (" + n + ")");
                    }
                    return null;
                });
            } catch (DeliveryLostException e) {
                lost.set(e);
            }
        }, QueueWorkerOptions.defaults().batchSize(1));

        await().atMost(LONG).until(() -> store.queues().metrics("orders").archived() == 2);
        await().atMost(LONG).until(() -> lost.get() != null);
        worker.close();
        assertThat(count(backend, "SELECT count(*) FROM shipped")).as("only the acknowledged one shipped").isEqualTo(1);
        assertThat(count(backend, "SELECT count(*) FROM shipped WHERE order_no = 1")).isEqualTo(1);
        assertThat(lost.get()).hasMessageContaining("no longer held");
    }

    @ConformanceTest
    void closingGivesBackUnstartedMessagesAndWaitsForDeferredOnes(TestBackend backend) throws Exception {
        Store store = backend.open();
        store.queues().create("orders");
        store.enqueueBatch("orders", payloads(0, 5));
        CountDownLatch first = new CountDownLatch(1);
        AtomicReference<QueueWorker> running = new AtomicReference<>();
        AtomicReference<Delivery> deferred = new AtomicReference<>();
        QueueWorker worker = store.worker("orders", d -> {
            if (deferred.compareAndSet(null, d)) {
                d.defer();
                first.countDown();
                // Hold the thread until close() has begun, so the rest of the batch is never started.
                await().atMost(LONG).until(() -> running.get() != null && !running.get().isRunning());
            }
        }, QueueWorkerOptions.defaults().batchSize(5));
        running.set(worker);
        assertThat(first.await(60, TimeUnit.SECONDS)).isTrue();

        Thread lateAck = new Thread(() -> {
            await().atMost(LONG).until(() -> !worker.isRunning());
            deferred.get().ack();
        });
        lateAck.start();
        assertThat(worker.close(LONG)).as("every delivery settled within the timeout").isTrue();
        lateAck.join();

        QueueMetrics m = store.queues().metrics("orders");
        assertThat(m.archived()).as("the deferred one, acknowledged late").isEqualTo(1);
        assertThat(m.pending()).as("the four never started, given back").isEqualTo(4);
        assertThat(m.leased()).isZero();
    }

    @ConformanceTest
    void aSuspendedWorkerTakesNoNewMessagesUntilResumed(TestBackend backend) {
        Store store = backend.open();
        store.queues().create("orders");
        AtomicInteger handled = new AtomicInteger();
        QueueWorker worker = store.worker("orders", d -> handled.incrementAndGet());
        worker.suspend();
        store.enqueueBatch("orders", payloads(0, 3));
        assertThat(store.workers().get(worker.workerId())).get()
                .satisfies(w -> assertThat(w.status()).isEqualTo(WorkerStatus.SUSPENDED));
        // Given every chance: a wake-up for the queue and a poll interval pass, and nothing is taken.
        store.signals().signal(store.queues().get("orders").id());
        assertThat(store.queues().metrics("orders").pending()).isEqualTo(3);
        worker.resume();
        await().atMost(LONG).until(() -> handled.get() == 3);
        worker.close();
    }

    @ConformanceTest
    void aWorkerDeclaredDeadGoesOnUnderANewRow(TestBackend backend) {
        Store store = backend.open(c -> c.heartbeatInterval(Duration.ofMillis(100)).maintenance(false));
        store.queues().create("orders");
        AtomicInteger handled = new AtomicInteger();
        QueueWorker worker = store.worker("orders", d -> handled.incrementAndGet());
        long first = worker.workerId();
        backend.execute("UPDATE pgqrs_workers SET status = 'stopped' WHERE id = " + first);

        await().atMost(LONG).until(() -> {
            store.enqueue("orders", Map.of("n", 1));
            return worker.workerId() != first;
        });
        int before = handled.get();
        store.enqueue("orders", Map.of("n", 2));
        await().atMost(LONG).until(() -> handled.get() > before);
        worker.close();
    }

    @ConformanceTest
    void checkpointsOfADeliveryAreForgottenWithItsAcknowledgement(TestBackend backend) {
        Store store = backend.open();
        store.queues().create("orders");
        long id = store.enqueue("orders", Map.of("n", 1));
        QueueWorker worker = store.worker("orders", d -> {
            store.checkpoints().record(new Checkpoint("order-1", d.message().id(), "reserve", "null", null, null));
            d.usesCheckpoints("order-1");
        });
        await().atMost(LONG).until(() -> store.queues().metrics("orders").archived() == 1);
        worker.close();
        assertThat(store.checkpoints().find("order-1", "reserve")).isEmpty();
        assertThat(readCount(backend, id)).isEqualTo(1);
    }

    @ConformanceTest
    void manyStoresRacingWithExpiringLeasesArchiveEveryMessageExactlyOnce(TestBackend backend) {
        int total = 5_000;
        Store seed = backend.open();
        seed.queues().create("orders");
        for (int i = 0; i < total; i += 500) {
            seed.enqueueBatch("orders", payloads(i, 500));
        }
        Set<Integer> handled = ConcurrentHashMap.newKeySet();
        AtomicInteger redelivered = new AtomicInteger();
        List<QueueWorker> workers = new ArrayList<>();
        for (int s = 0; s < 3; s++) {
            Store store = backend.open();
            workers.add(store.worker("orders", d -> {
                int n = d.message().payload().get("n").asInt();
                if (!handled.add(n)) {
                    redelivered.incrementAndGet();
                }
                if (n % 500 == 7 && d.attempt() == 1) {
                    // This handler outlives its lease: another worker gets the message meanwhile.
                    backend.execute("UPDATE pgqrs_messages SET vt = " + backend.ago(Duration.ofSeconds(1))
                            + " WHERE id = " + d.message().id());
                    await().atMost(LONG).until(() -> readCount(backend, d.message().id()) > 1);
                }
            }, QueueWorkerOptions.defaults().threads(2).batchSize(20)));
        }

        await().atMost(Duration.ofMinutes(3)).until(() -> seed.queues().metrics("orders").archived() == total);
        workers.forEach(QueueWorker::close);
        assertThat(handled).hasSize(total);
        assertThat(count(backend, "SELECT count(*) FROM pgqrs_messages WHERE archived_at IS NULL")).isZero();
        assertThat(count(backend, "SELECT count(*) FROM pgqrs_messages WHERE read_ct > 1")).as("leases lost in the race")
                .isGreaterThanOrEqualTo(10);
        System.out.printf("workers racing [%s]: %d messages, %d redelivered after a lost lease, each archived once%n",
                backend, total, redelivered.get());
    }

    private static String visibleAt(TestBackend backend, long id) {
        try (Connection c = backend.jdbc(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT vt FROM pgqrs_messages WHERE id = " + id)) {
            rs.next();
            return rs.getString(1);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static int readCount(TestBackend backend, long id) {
        return (int) count(backend, "SELECT read_ct FROM pgqrs_messages WHERE id = " + id);
    }

    private static String lastError(TestBackend backend, long id) {
        try (Connection c = backend.jdbc(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT last_error FROM pgqrs_messages WHERE id = " + id)) {
            rs.next();
            return rs.getString(1);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static long secondsUntilVisible(TestBackend backend, long id) {
        String sql = backend.kind() == dev.pgqrs.testing.BackendKind.POSTGRES
                ? "SELECT extract(epoch FROM vt - now())::bigint FROM pgqrs_messages WHERE id = " + id
                : "SELECT CAST((julianday(vt) - julianday('now')) * 86400 AS INTEGER) FROM pgqrs_messages WHERE id = " + id;
        return count(backend, sql);
    }

    static long count(TestBackend backend, String sql) {
        try (Connection c = backend.jdbc(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (Exception e) {
            throw new IllegalStateException(sql, e);
        }
    }
}
