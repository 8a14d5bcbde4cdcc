package dev.pgqrs;

import dev.pgqrs.store.Dialect;
import dev.pgqrs.store.QueueSettings;
import dev.pgqrs.store.QueueSettingsCache;
import dev.pgqrs.testing.ConformanceTest;
import dev.pgqrs.testing.TestBackend;
import org.awaitility.Awaitility;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A queue's concurrency and rate limits, enforced by the database across consumers, stores and processes. */
class QueueLimitsConformanceTest {

    private static void fill(Store store, String queue, int n) {
        Producer producer = store.producer(queue);
        for (int i = 0; i < n; i += 100) {
            List<Map<String, Integer>> batch = new ArrayList<>();
            for (int j = i; j < Math.min(n, i + 100); j++) {
                batch.add(Map.of("n", j));
            }
            producer.enqueueBatch(batch);
        }
    }

    /** The queue's leases as the database counts them now: unarchived, held, visibility not run out. */
    private static long leasedNow(TestBackend backend, Connection c, long queueId) throws Exception {
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM pgqrs_messages WHERE queue_id = ?"
                + " AND archived_at IS NULL AND consumer_worker_id IS NOT NULL AND vt > " + backend.ago(Duration.ZERO))) {
            ps.setLong(1, queueId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    @ConformanceTest
    void aDequeueTakesWhatTheConcurrencyLimitLeavesAndNothingAtTheLimit(TestBackend backend) {
        Store store = backend.open();
        store.queues().create("orders");
        fill(store, "orders", 10);
        store.queues().setLimits("orders", QueueLimits.concurrency(3));
        assertThat(store.queues().limits("orders")).contains(QueueLimits.concurrency(3));

        // Closed giving back what the last dequeue took.
        Consumer consumer = store.consumer("orders");
        try {
            List<Message> first = consumer.dequeue(2);
            assertThat(first).hasSize(2);
            assertThat(consumer.dequeue(5)).as("least(requested, N - leased)").hasSize(1);
            assertThat(consumer.dequeue(5)).as("at the limit: nothing, not an error").isEmpty();

            consumer.archive(first.get(0));
            assertThat(consumer.dequeue(5)).as("an archive frees a lease").hasSize(1);
            consumer.release(List.of(first.get(1)), Duration.ofHours(1), "later");
            assertThat(consumer.dequeue(5)).as("a release frees a lease").hasSize(1);
            backend.expireLeases();
            assertThat(consumer.dequeue(5)).as("a lease whose visibility ran out no longer counts").hasSize(3);
        } finally {
            consumer.close(ShutdownMode.RELEASE_HELD);
        }
    }

    /** 8 consumers on two stores drain a queue limited to 3 leases while a sampler reads the database's count. */
    @ConformanceTest
    void theConcurrencyLimitIsNeverExceededByConsumersOfSeveralStores(TestBackend backend) throws Exception {
        int limit = 3;
        int messages = 240;
        Store producing = backend.open();
        QueueInfo q = producing.queues().create("orders");
        fill(producing, "orders", messages);
        producing.queues().setLimits("orders", QueueLimits.concurrency(limit));
        List<Store> stores = List.of(backend.open(b -> b.maintenance(false)), backend.open(b -> b.maintenance(false)));

        AtomicInteger held = new AtomicInteger();
        AtomicInteger maxHeld = new AtomicInteger();
        AtomicInteger archived = new AtomicInteger();
        AtomicBoolean draining = new AtomicBoolean(true);
        List<Long> samples = new java.util.concurrent.CopyOnWriteArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(9);
        Future<?> sampler = pool.submit(() -> {
            try (Connection c = backend.jdbc()) {
                while (draining.get()) {
                    samples.add(leasedNow(backend, c, q.id()));
                }
            }
            return null;
        });
        List<Future<?>> consumers = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            Store store = stores.get(t % stores.size());
            consumers.add(pool.submit(() -> {
                try (Consumer consumer = store.consumer("orders")) {
                    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
                    while (archived.get() < messages && System.nanoTime() < deadline) {
                        List<Message> batch = consumer.dequeue(5, Duration.ofMinutes(5));
                        if (batch.isEmpty()) {
                            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1)); // at the limit: look again
                            continue;
                        }
                        maxHeld.accumulateAndGet(held.addAndGet(batch.size()), Math::max);
                        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2)); // the work, holding the leases
                        held.addAndGet(-batch.size());
                        assertThat(consumer.archive(batch)).hasSameSizeAs(batch);
                        archived.addAndGet(batch.size());
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : consumers) {
            f.get(4, TimeUnit.MINUTES);
        }
        draining.set(false);
        sampler.get(1, TimeUnit.MINUTES);
        pool.shutdown();

        assertThat(archived.get()).isEqualTo(messages);
        long maxSampled = samples.stream().mapToLong(Long::longValue).max().orElse(0);
        assertThat(maxHeld.get()).as("held at once, as the consumers saw it").isLessThanOrEqualTo(limit);
        assertThat(maxSampled).as("leased at once, as the database counted (%d samples)", samples.size())
                .isLessThanOrEqualTo(limit);
        assertThat(Math.max(maxHeld.get(), maxSampled)).as("the limit was reached").isEqualTo(limit);
        assertThat(producing.queues().metrics("orders").archived()).isEqualTo(messages);
    }

    /** 8 consumers on two stores drain a queue limited to 10 per 200 ms; counted per window on the database clock. */
    @ConformanceTest
    void theRateLimitIsNeverExceededInAnyWindowOfTheDatabaseClock(TestBackend backend) throws Exception {
        int rate = 10;
        long periodMillis = 200;
        int messages = 120;
        Store producing = backend.open();
        QueueInfo q = producing.queues().create("orders");
        fill(producing, "orders", messages);
        producing.queues().setLimits("orders", QueueLimits.rate(rate, Duration.ofMillis(periodMillis)));
        List<Store> stores = List.of(backend.open(b -> b.maintenance(false)), backend.open(b -> b.maintenance(false)));

        AtomicInteger archived = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<?>> consumers = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            Store store = stores.get(t % stores.size());
            consumers.add(pool.submit(() -> {
                try (Consumer consumer = store.consumer("orders")) {
                    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
                    while (archived.get() < messages && System.nanoTime() < deadline) {
                        List<Message> batch = consumer.dequeue(5, Duration.ofMinutes(5));
                        if (batch.isEmpty()) {
                            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5)); // the window is spent: look again
                            continue;
                        }
                        assertThat(consumer.archive(batch)).hasSameSizeAs(batch);
                        archived.addAndGet(batch.size());
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : consumers) {
            f.get(4, TimeUnit.MINUTES);
        }
        pool.shutdown();
        assertThat(archived.get()).isEqualTo(messages);

        // Each message was dequeued once: its dequeued_at is the clock of the statement that leased it.
        Dialect dialect = producing.database().dialect();
        Map<Long, Long> perWindow = new TreeMap<>();
        try (Connection c = backend.jdbc(); PreparedStatement ps = c.prepareStatement("SELECT "
                + dialect.epochMillis("dequeued_at") + " / ?, count(*) FROM pgqrs_messages WHERE queue_id = ?"
                + " GROUP BY 1")) {
            ps.setLong(1, periodMillis);
            ps.setLong(2, q.id());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    perWindow.put(rs.getLong(1), rs.getLong(2));
                }
            }
        }
        assertThat(perWindow.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(messages);
        assertThat(perWindow).as("dequeued per %d ms window", periodMillis)
                .allSatisfy((window, count) -> assertThat(count).isLessThanOrEqualTo(rate));
        assertThat(perWindow.values()).as("the rate was reached").contains((long) rate);
    }

    @ConformanceTest
    void aDequeueAtTheRateLimitReturnsNothingUntilTheNextWindow(TestBackend backend) {
        Store store = backend.open();
        store.queues().create("orders");
        fill(store, "orders", 10);
        // A window of an hour: the second dequeue is in the first's window whatever the machine's speed.
        store.queues().setLimits("orders", QueueLimits.rate(4, Duration.ofHours(1)));
        // Closed giving back what the last dequeue took.
        Consumer consumer = store.consumer("orders");
        try {
            List<Message> first = consumer.dequeue(3);
            assertThat(first).hasSize(3);
            consumer.archive(first);
            assertThat(consumer.dequeue(3)).as("what the window still allows").hasSize(1);
            assertThat(consumer.dequeue(3)).as("the window is spent: nothing, not an error").isEmpty();
            // The next window, as if the hour had passed.
            backend.execute("UPDATE pgqrs_queue_settings SET rate_window = rate_window - 1");
            assertThat(consumer.dequeue(3)).hasSize(3);
        } finally {
            consumer.close(ShutdownMode.RELEASE_HELD);
        }
    }

    @ConformanceTest
    void clearingTheLimitsRestoresThePlainStatement(TestBackend backend) throws Exception {
        Store store = backend.open();
        QueueInfo q = store.queues().create("orders");
        fill(store, "orders", 10);
        Dialect dialect = store.database().dialect();
        store.queues().setLimits("orders", QueueLimits.concurrency(1).withRate(100, Duration.ofSeconds(1)));
        try (Connection c = backend.jdbc()) {
            assertThat(new QueueSettingsCache().of(c, q.id())).isEqualTo(QueueSettings.LIMITED);
        }
        // Closed giving back what the last dequeue took.
        Consumer consumer = store.consumer("orders");
        try {
            assertThat(consumer.dequeue(5)).hasSize(1);

            assertThat(store.queues().clearLimits("orders")).isTrue();
            assertThat(store.queues().clearLimits("orders")).as("nothing left to clear").isFalse();
            assertThat(store.queues().limits("orders")).isEmpty();
            try (Connection c = backend.jdbc()) {
                QueueSettings settings = new QueueSettingsCache().of(c, q.id());
                assertThat(settings).isEqualTo(QueueSettings.PLAIN);
                assertThat(dialect.dequeue(settings)).isEqualTo(dialect.dequeue(QueueSettings.PLAIN))
                        .doesNotContain("pgqrs_queue_settings");
            }
            assertThat(consumer.dequeue(5)).as("seen by this store at once").hasSize(5);
        } finally {
            consumer.close(ShutdownMode.RELEASE_HELD);
        }
    }

    @ConformanceTest
    void aLimitSetThroughOneStoreIsSeenByItAtOnceAndByAnotherWithinTheRefreshBound(TestBackend backend) {
        Store setting = backend.open();
        ordersWithBacklog(setting);
        Store other = backend.open(b -> b.maintenance(false));
        try (Consumer here = setting.consumer("orders"); Consumer there = other.consumer("orders")) {
            // Both stores have read the queue's settings (plain) before the limit is set.
            here.release(here.dequeue(5), Duration.ZERO, null);
            there.release(there.dequeue(5), Duration.ZERO, null);

            setting.queues().setLimits("orders", QueueLimits.concurrency(2));
            long setAt = System.nanoTime();
            List<Message> held = here.dequeue(5);
            assertThat(held).as("this store: at once").hasSize(2);
            here.release(held, Duration.ZERO, null);

            // The other store reads the settings again once its copy is older than the refresh bound.
            Awaitility.await().atMost(Duration.ofSeconds(30))
                    .until(() -> System.nanoTime() - setAt >= QueueSettingsCache.REFRESH.toNanos());
            List<Message> taken = there.dequeue(5);
            assertThat(taken).as("another store: within the refresh bound").hasSize(2);
            there.release(taken, Duration.ZERO, null);

            // A change of a limit's value is read by the limited statement itself: every store applies it at once.
            setting.queues().setLimits("orders", QueueLimits.concurrency(1));
            List<Message> one = there.dequeue(5);
            assertThat(one).hasSize(1);
            there.release(one, Duration.ZERO, null);
        }
    }

    private static void ordersWithBacklog(Store store) {
        store.queues().create("orders");
        fill(store, "orders", 10);
    }

    @ConformanceTest
    void badLimitsAreRefusedNamingTheValueAndChangeNothing(TestBackend backend) {
        Store store = backend.open();
        store.queues().create("orders");
        store.queues().setLimits("orders", QueueLimits.concurrency(4));

        assertThatThrownBy(() -> QueueLimits.concurrency(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("concurrency limit must be at least 1, was 0");
        assertThatThrownBy(() -> QueueLimits.rate(-3, Duration.ofSeconds(1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("rate limit must be at least 1 message per period, was -3");
        assertThatThrownBy(() -> QueueLimits.rate(10, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("rate period must be a positive whole number of milliseconds, was PT0S");
        assertThatThrownBy(() -> QueueLimits.rate(10, Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("was PT-1S");
        assertThatThrownBy(() -> QueueLimits.rate(10, Duration.ofNanos(1_500_000))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("was PT0.0015S");
        assertThatThrownBy(() -> new QueueLimits(null, null, null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("use Queues.clearLimits");
        assertThatThrownBy(() -> store.queues().setLimits("orders", null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("limits of queue 'orders' are null");
        assertThatThrownBy(() -> store.queues().setLimits("missing", QueueLimits.concurrency(1)))
                .isInstanceOf(QueueNotFoundException.class);
        store.workflows().register("charge");
        assertThatThrownBy(() -> store.queues().setLimits("charge", QueueLimits.concurrency(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("queue 'charge' is the queue of workflow 'charge'");
        assertThat(store.queues().limits("charge")).isEmpty();
        assertThat(store.queues().limits("orders")).contains(QueueLimits.concurrency(4));
    }

    /** A queue worker with 4 threads and batches of 10 on a queue limited to 2 leases, sampled in the database. */
    @ConformanceTest
    void aQueueWorkerRespectsTheConcurrencyLimitWithBatchesAndThreads(TestBackend backend) throws Exception {
        int limit = 2;
        int messages = 60;
        Store store = backend.open();
        QueueInfo q = store.queues().create("orders");
        fill(store, "orders", messages);
        store.queues().setLimits("orders", QueueLimits.concurrency(limit));
        AtomicInteger running = new AtomicInteger();
        AtomicInteger maxRunning = new AtomicInteger();
        AtomicInteger handled = new AtomicInteger();
        AtomicBoolean draining = new AtomicBoolean(true);
        List<Long> samples = new java.util.concurrent.CopyOnWriteArrayList<>();
        ExecutorService sampling = Executors.newSingleThreadExecutor();
        Future<?> sampler = sampling.submit(() -> {
            try (Connection c = backend.jdbc()) {
                while (draining.get()) {
                    samples.add(leasedNow(backend, c, q.id()));
                }
            }
            return null;
        });
        QueueWorker worker = store.worker("orders", delivery -> {
            maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(3)); // the work, holding the lease
            running.decrementAndGet();
            handled.incrementAndGet();
        }, QueueWorkerOptions.defaults().threads(4).batchSize(10).pollInterval(Duration.ofMillis(20))
                .maxIdleWait(Duration.ofMillis(100)));
        try {
            Awaitility.await().atMost(Duration.ofSeconds(90))
                    .until(() -> store.queues().metrics("orders").archived() == messages);
        } finally {
            worker.close();
            draining.set(false);
            sampler.get(1, TimeUnit.MINUTES);
            sampling.shutdown();
        }
        assertThat(handled.get()).isEqualTo(messages);
        long maxSampled = samples.stream().mapToLong(Long::longValue).max().orElse(0);
        assertThat(maxRunning.get()).as("handlers running at once").isLessThanOrEqualTo(limit);
        assertThat(maxSampled).as("leased at once, as the database counted (%d samples)", samples.size())
                .isEqualTo(limit);
    }
}
