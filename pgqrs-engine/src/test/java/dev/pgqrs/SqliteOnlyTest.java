package dev.pgqrs;

import dev.pgqrs.config.PgqrsConfig;
import dev.pgqrs.testing.BackendKind;
import dev.pgqrs.testing.TestBackend;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Behaviour only SQLite has: in-memory databases, file paths, one writer at a time. */
class SqliteOnlyTest {

    @Test
    void anInMemoryStoreWorksEndToEnd() {
        try (Store store = Pgqrs.connect(PgqrsConfig.builder().dsn("sqlite::memory:").installOnConnect(true).build())) {
            store.queues().create("orders");
            store.enqueueBatch("orders", List.of(Map.of("n", 1), Map.of("n", 2)));
            try (Consumer consumer = store.consumer("orders")) {
                List<Message> messages = consumer.dequeue(5);
                assertThat(messages).hasSize(2);
                assertThat(consumer.archive(messages)).hasSize(2);
            }
        }
    }

    @Test
    void aTransactionOfTheStoreHeldLongerThanTheBusyTimeoutMakesItsOtherWritersWaitNotFail() throws Exception {
        try (TestBackend backend = TestBackend.create(BackendKind.SQLITE)) {
            Store store = backend.open(c -> c.sqliteBusyTimeout(Duration.ofMillis(500)).connectionTimeout(Duration.ofSeconds(60)));
            store.queues().create("orders");
            store.enqueue("orders", Map.of("n", 1));
            Consumer consumer = store.consumer("orders");
            Message leased = consumer.dequeue(1).get(0);
            java.util.concurrent.CountDownLatch inTransaction = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.CountDownLatch finish = new java.util.concurrent.CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(2);
            Future<Integer> holder = pool.submit(() -> store.inTransaction(c -> {
                int archived = consumer.archive(c, List.of(leased)).size();
                inTransaction.countDown();
                try {
                    finish.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return archived;
            }));
            assertThat(inTransaction.await(60, TimeUnit.SECONDS)).isTrue();
            Future<Long> writer = pool.submit(() -> store.enqueue("orders", Map.of("n", 2)));

            // Far longer than the busy timeout: the other writer still waits, in Java, and has not failed.
            org.awaitility.Awaitility.await().pollDelay(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(10))
                    .until(() -> true);
            assertThat(writer.isDone()).isFalse();
            finish.countDown();
            assertThat(holder.get(60, TimeUnit.SECONDS)).isEqualTo(1);
            assertThat(writer.get(60, TimeUnit.SECONDS)).isPositive();
            pool.shutdown();
            assertThat(store.queues().metrics("orders").archived()).isEqualTo(1);
        }
    }

    @Test
    void aBatchThatFailedInsideSqliteLeavesThePooledConnectionUsable() {
        try (TestBackend backend = TestBackend.create(BackendKind.SQLITE)) {
            Store store = backend.open(c -> c.maxConnections(2));
            QueueInfo queue = store.queues().create("orders");

            // Validation keeps malformed JSON away from SQLite; written past it, SQLite itself refuses it.
            assertThatThrownBy(() -> store.database().execute("enqueue a malformed batch",
                    c -> store.messageRows().insertBatch(c, queue.id(), List.of("{\"a\":"), 0, null, null, null)))
                    .isInstanceOf(StoreException.class).hasMessageContaining("malformed JSON");

            for (int i = 0; i < 10; i++) {
                assertThat(store.enqueueBatch("orders", List.of(Map.of("n", i), Map.of("n", -i)))).as("batch %d", i).hasSize(2);
            }
            assertThat(store.queues().metrics("orders").total()).isEqualTo(20);
        }
    }

    @Test
    void aFileInAMissingDirectoryIsAConfigurationError() {
        assertThatThrownBy(() -> Pgqrs.connect("sqlite:/no/such/dir/q.db")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("directory '/no/such/dir' does not exist");
    }

    @Test
    void writersFromTwoStoresOnOneFileNeverSeeDatabaseIsLocked() throws Exception {
        try (TestBackend backend = TestBackend.create(BackendKind.SQLITE)) {
            Store a = backend.open();
            Store b = backend.open(c -> c.sqliteBusyTimeout(Duration.ofSeconds(10)));
            a.queues().create("orders");
            AtomicInteger consumed = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(8);
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                Store store = t % 2 == 0 ? a : b;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < 100; i++) {
                        store.enqueue("orders", Map.of("i", i));
                    }
                    return null;
                }));
                futures.add(pool.submit(() -> {
                    try (Consumer consumer = store.consumer("orders")) {
                        for (int round = 0; round < 400 && consumed.get() < 400; round++) {
                            List<Message> got = consumer.dequeue(10);
                            consumed.addAndGet(consumer.archive(got).size());
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
            pool.shutdown();

            QueueMetrics m = a.queues().metrics("orders");
            assertThat(m.total()).isEqualTo(400);
            assertThat(m.archived() + m.pending()).isEqualTo(400);
            assertThat(m.archived()).isEqualTo(consumed.get());
        }
    }
}
