package dev.pgqrs.camel;

import dev.pgqrs.Store;
import dev.pgqrs.internal.StoreInternals;
import dev.pgqrs.testing.ConformanceTest;
import org.apache.camel.builder.RouteBuilder;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A pgqrs consumer route wakes on NOTIFY: messages enqueued by another process (here, another
 * store, whose in-process signals cannot reach the route) arrive far sooner than the poll
 * interval. PostgreSQL only.
 */
@PostgresOnly("SQLite has no notifications: its consumers are woken in-process and otherwise poll")
class NotifyWakeUpRouteTest extends PgqrsCamelTestSupport {

    private static final long POLL_MILLIS = 3000;

    @ConformanceTest
    void aConsumerRouteWakesOnNotifyLongBeforeItsPollInterval() throws Exception {
        // A short debounce window: each enqueue below notifies at once, or at most a millisecond later.
        Store otherProcess = backend.open(b -> b.notifyDebounce(Duration.ofMillis(1)));
        otherProcess.queues().create("events");
        LinkedBlockingQueue<Long> arrivals = new LinkedBlockingQueue<>();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("pgqrs:events?delay=" + POLL_MILLIS + "&idleDelayFactor=1").process(e -> arrivals.add(System.nanoTime()));
            }
        });
        await().atMost(10, TimeUnit.SECONDS).until(() -> StoreInternals.of(store).notifications().listening());

        List<Long> latencies = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            long sentAt = System.nanoTime();
            otherProcess.enqueue("events", Map.of("n", i));
            Long arrived = arrivals.poll(2 * POLL_MILLIS, TimeUnit.MILLISECONDS);
            assertThat(arrived).as("message %d arrived", i).isNotNull();
            latencies.add((arrived - sentAt) / 1_000_000);
        }
        Collections.sort(latencies);
        System.out.printf("route wake-up latency ms with NOTIFY (poll interval %d ms): min %d, median %d, max %d%n",
                POLL_MILLIS, latencies.get(0), latencies.get(latencies.size() / 2), latencies.get(latencies.size() - 1));
        assertThat(latencies.get(latencies.size() - 1)).isLessThan(POLL_MILLIS / 4);
    }

    @ConformanceTest
    void inPollingOnlyModeNothingIsNotifiedAndTheRouteStillGetsMessagesByPolling() throws Exception {
        Store otherProcess = backend.open(b -> b.notifications(false));
        otherProcess.queues().create("quiet");
        PgqrsComponent pgqrs = context.getComponent("pgqrs", PgqrsComponent.class);
        pgqrs.setSchema(backend.schema());
        pgqrs.setNotifications(false);
        LinkedBlockingQueue<Long> arrivals = new LinkedBlockingQueue<>();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                // Its own store from the DSN, like an application behind PgBouncer in transaction pooling.
                from("pgqrs:quiet?dsn=" + backend.dsn() + "&delay=300&idleDelayFactor=1").process(e -> arrivals.add(System.nanoTime()));
            }
        });
        otherProcess.enqueue("quiet", Map.of("n", 1));

        assertThat(arrivals.poll(5, TimeUnit.SECONDS)).isNotNull();
        Store routeStore = pgqrs.storeFor(backend.dsn());
        assertThat(routeStore).isNotSameAs(store);
        assertThat(StoreInternals.of(routeStore).notifications().enabled()).isFalse();
        assertThat(StoreInternals.of(otherProcess).notifications().sent()).isZero();
    }
}
