package dev.pgqrs.signal;

import dev.pgqrs.Consumer;
import dev.pgqrs.Message;
import dev.pgqrs.Store;
import dev.pgqrs.internal.StoreInternals;
import dev.pgqrs.store.postgres.PostgresIdentifiers;
import dev.pgqrs.store.postgres.PostgresNotifications;
import dev.pgqrs.testing.BackendInvocations;
import dev.pgqrs.testing.BackendKind;
import dev.pgqrs.testing.TestBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * LISTEN/NOTIFY wake-ups. PostgreSQL only: SQLite has no notifications (its consumers are woken
 * in-process and otherwise poll). The consumer runs on a second store, so the producer's
 * in-process signal cannot wake it: only a database notification or its poll can.
 */
class NotifyWakeUpTest {

    private static final Duration POLL = Duration.ofSeconds(2);

    private TestBackend backend;

    @BeforeEach
    void setUp() {
        assumeTrue(BackendInvocations.enabledBackends().contains(BackendKind.POSTGRES), "PostgreSQL is not among PGQRS_TEST_BACKENDS");
        backend = TestBackend.create(BackendKind.POSTGRES);
    }

    @AfterEach
    void tearDown() {
        if (backend != null) {
            backend.close();
        }
    }

    @Test
    void aConsumerInAnotherProcessWakesFarSoonerThanItsPollInterval() throws Exception {
        // A short debounce window: each enqueue below notifies at once, or at most a millisecond later.
        Store producerSide = backend.open(b -> b.notifyDebounce(Duration.ofMillis(1)));
        producerSide.queues().create("orders");
        Store consumerSide = backend.open();
        Consumer consumer = consumerSide.consumer("orders");

        List<Long> latencies = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            assertThat(consumer.dequeue(1)).isEmpty();
            long sentAt = System.nanoTime();
            producerSide.enqueue("orders", Map.of("n", i));
            List<Message> got = List.of();
            while (got.isEmpty() && System.nanoTime() - sentAt < POLL.multipliedBy(2).toNanos()) {
                if (!consumer.awaitMessages(POLL)) {
                    continue; // timed out: only the poll found it
                }
                got = consumer.dequeue(1);
            }
            latencies.add((System.nanoTime() - sentAt) / 1_000_000);
            assertThat(got).hasSize(1);
            consumer.archive(got.get(0));
        }
        Collections.sort(latencies);
        System.out.printf("NOTIFY wake-up latency ms (poll interval %d ms): min %d, median %d, max %d%n",
                POLL.toMillis(), latencies.get(0), latencies.get(latencies.size() / 2), latencies.get(latencies.size() - 1));
        assertThat(latencies.get(latencies.size() - 1)).isLessThan(POLL.toMillis() / 4);
        assertThat(StoreInternals.of(consumerSide).notifications().received()).isGreaterThanOrEqualTo(10);
    }

    @Test
    void aBurstOfEnqueuesSendsAboutOneNotificationPerWindowAndATrailingOne() throws Exception {
        Duration window = Duration.ofMillis(100);
        Store store = backend.open(b -> b.notifyDebounce(window));
        store.queues().create("orders");
        try (RawListener listener = new RawListener(PostgresNotifications.channelFor(backend.schema()))) {
            long start = System.nanoTime();
            for (int i = 0; i < 300; i++) {
                store.enqueue("orders", Map.of("n", i));
            }
            long burstMillis = (System.nanoTime() - start) / 1_000_000;
            List<Long> arrivals = listener.collect(Duration.ofMillis(400));
            long windows = burstMillis / window.toMillis() + 1;
            System.out.printf("burst of 300 enqueues in %d ms sent %d notifications (window %d ms)%n",
                    burstMillis, arrivals.size(), window.toMillis());
            assertThat(arrivals.size()).isBetween(2, (int) (2 * windows + 1));
            assertThat(StoreInternals.of(store).notifications().sent()).isEqualTo(arrivals.size());
        }
    }

    @Test
    void anEnqueueSuppressedByTheWindowGetsATrailingNotificationAfterIt() throws Exception {
        Duration window = Duration.ofMillis(150);
        Store store = backend.open(b -> b.notifyDebounce(window));
        store.queues().create("orders");
        try (RawListener listener = new RawListener(PostgresNotifications.channelFor(backend.schema()))) {
            long start = System.nanoTime();
            store.enqueue("orders", Map.of("n", 1));
            store.enqueue("orders", Map.of("n", 2));
            List<Long> arrivals = listener.collect(Duration.ofMillis(500));
            assertThat(arrivals).hasSize(2);
            long trailingAfter = (arrivals.get(1) - start) / 1_000_000;
            // The trailing one comes at the end of the window, not a poll interval later.
            assertThat(trailingAfter).isBetween(window.toMillis() - 20, window.toMillis() + 250);
        }
    }

    @Test
    void anEnqueueInTheCallersTransactionNotifiesOnCommitOnly() throws Exception {
        Store store = backend.open();
        store.queues().create("orders");
        try (RawListener listener = new RawListener(PostgresNotifications.channelFor(backend.schema()));
             Connection tx = store.dataSource().getConnection()) {
            tx.setAutoCommit(false);
            store.enqueue(tx, "orders", Map.of("n", 1));
            assertThat(listener.collectUntilMarker()).as("before commit").isEmpty();
            tx.rollback();
            assertThat(listener.collectUntilMarker()).as("rolled back").isEmpty();

            store.enqueue(tx, "orders", Map.of("n", 2));
            store.enqueue(tx, "orders", Map.of("n", 3));
            tx.commit();
            // Two enqueues, one transaction: PostgreSQL folds the identical notifications into one.
            assertThat(listener.collectUntilMarker()).hasSize(1);
            tx.setAutoCommit(true);
        }
        assertThat(store.queues().metrics("orders").pending()).isEqualTo(2);
    }

    @Test
    void pollingOnlyModeSendsNoNotificationsAndConsumersStillGetMessagesByPolling() throws Exception {
        Store producerSide = backend.open(b -> b.notifications(false));
        producerSide.queues().create("orders");
        Store consumerSide = backend.open(b -> b.notifications(false));
        Consumer consumer = consumerSide.consumer("orders");
        try (RawListener listener = new RawListener(PostgresNotifications.channelFor(backend.schema()))) {
            assertThat(consumer.dequeue(1)).isEmpty();
            producerSide.enqueue("orders", Map.of("n", 1));
            assertThat(listener.collectUntilMarker()).as("notifications of the enqueue").isEmpty();
            assertThat(consumer.awaitMessages(Duration.ZERO)).as("nothing woke the other store").isFalse();
            assertThat(consumer.dequeue(1)).hasSize(1);
        }
        assertThat(StoreInternals.of(producerSide).notifications().enabled()).isFalse();
    }

    @Test
    void theListenerReconnectsAfterItsConnectionIsKilledAndWakeUpsResume() throws Exception {
        Store producerSide = backend.open();
        producerSide.queues().create("orders");
        Store consumerSide = backend.open();
        Consumer consumer = consumerSide.consumer("orders");
        String listen = "LISTEN " + PostgresIdentifiers.quote(PostgresNotifications.channelFor(backend.schema()));
        long killed = listenerPid(listen);
        assertThat(killed).as("listener connection").isPositive();

        dev.pgqrs.testing.PostgresServer.get().execute("SELECT pg_terminate_backend(" + killed + ")");
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
            long pid = listenerPid(listen);
            return pid > 0 && pid != killed;
        });

        assertThat(consumer.dequeue(1)).isEmpty();
        long sentAt = System.nanoTime();
        producerSide.enqueue("orders", Map.of("n", 1));
        assertThat(consumer.awaitMessages(POLL)).as("woken by NOTIFY on the new connection").isTrue();
        assertThat((System.nanoTime() - sentAt) / 1_000_000).isLessThan(POLL.toMillis() / 4);
        assertThat(consumer.dequeue(1)).hasSize(1);
    }

    private static long listenerPid(String listenStatement) throws Exception {
        try (Connection c = dev.pgqrs.testing.PostgresServer.get().connect();
             var ps = c.prepareStatement("SELECT pid FROM pg_stat_activity WHERE query = ? AND pid <> pg_backend_pid()")) {
            ps.setString(1, listenStatement);
            try (var rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : -1;
            }
        }
    }

    /** A plain JDBC connection in LISTEN, to count what the database actually delivers. */
    private static final class RawListener implements AutoCloseable {
        private final String channel;
        private final Connection connection;

        RawListener(String channel) throws Exception {
            this.channel = channel;
            connection = dev.pgqrs.testing.PostgresServer.get().connect();
            try (Statement s = connection.createStatement()) {
                s.execute("LISTEN " + channel);
            }
        }

        /**
         * The notifications delivered before a marker this sends now, on a connection of its own. PostgreSQL
         * delivers notifications in the order their transactions committed, so whatever was notified before this
         * call is among them: nothing is left to a time in which nothing should arrive.
         */
        List<PGNotification> collectUntilMarker() throws Exception {
            String marker = "marker-" + System.nanoTime();
            try (Connection c = dev.pgqrs.testing.PostgresServer.get().connect();
                 var ps = c.prepareStatement("SELECT pg_notify(?, ?)")) {
                ps.setString(1, channel);
                ps.setString(2, marker);
                ps.execute();
            }
            List<PGNotification> before = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            PGConnection pg = connection.unwrap(PGConnection.class);
            while (System.nanoTime() < deadline) {
                PGNotification[] batch = pg.getNotifications(100);
                for (PGNotification n : batch == null ? new PGNotification[0] : batch) {
                    if (n.getParameter().equals(marker)) {
                        return before;
                    }
                    before.add(n);
                }
            }
            throw new AssertionError("the marker notification never arrived; " + before.size() + " arrived before it");
        }

        /** Arrival times (nanoTime) of the notifications delivered within {@code within}. */
        List<Long> collect(Duration within) throws Exception {
            List<Long> arrivals = new ArrayList<>();
            long end = System.nanoTime() + within.toNanos();
            PGConnection pg = connection.unwrap(PGConnection.class);
            while (System.nanoTime() < end) {
                int wait = (int) Math.max(1, (end - System.nanoTime()) / 1_000_000);
                PGNotification[] batch = pg.getNotifications(wait);
                if (batch != null) {
                    for (PGNotification ignored : batch) {
                        arrivals.add(System.nanoTime());
                    }
                }
            }
            return arrivals;
        }

        @Override
        public void close() throws Exception {
            connection.close();
        }
    }
}
