package dev.pgqrs.bench.latency;

import dev.pgqrs.Consumer;
import dev.pgqrs.Message;
import dev.pgqrs.Pgqrs;
import dev.pgqrs.Producer;
import dev.pgqrs.ShutdownMode;
import dev.pgqrs.Store;
import dev.pgqrs.bench.db.DatabaseSlot;
import dev.pgqrs.config.Backend;
import dev.pgqrs.config.PgqrsConfig;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * pgqrs with its own wake-ups: one Store for producer and consumer (in-process signal), or two
 * Stores standing for two processes, with LISTEN/NOTIFY on or off.
 */
public final class PgqrsLatency implements LatencyContender {

    static final String QUEUE = "latency";

    @Override
    public String name() {
        return "pgqrs";
    }

    @Override
    public String description() {
        return "pgqrs Producer.enqueue / Consumer.dequeue(10) + archive, idle consumers in awaitMessages(poll interval)";
    }

    @Override
    public boolean supports(Backend backend, WakeUp wakeUp) {
        return wakeUp.availableOn(backend);
    }

    static Store openStore(DatabaseSlot slot, boolean notifications, Duration pollInterval) {
        PgqrsConfig.Builder config = PgqrsConfig.builder().dsn(slot.pgqrsDsn()).notifications(notifications)
                .pollInterval(pollInterval);
        if (slot.schema() != null) {
            config.schema(slot.schema());
        }
        return Pgqrs.connect(config.build());
    }

    @Override
    public Session open(DatabaseSlot slot, WakeUp wakeUp, LatencySettings settings) {
        boolean notifications = wakeUp != WakeUp.POLLING;
        Store consumerStore = openStore(slot, notifications, settings.pollInterval());
        consumerStore.admin().install();
        consumerStore.queues().create(QUEUE);
        Store producerStore = wakeUp == WakeUp.IN_PROCESS ? consumerStore
                : openStore(slot, notifications, settings.pollInterval());
        return new PgqrsSession(consumerStore, producerStore, settings);
    }

    private static final class PgqrsSession implements Session {

        private final Store consumerStore;
        private final Store producerStore;
        private final LatencySettings settings;
        private final Producer producer;
        private final Consumer consumer;

        PgqrsSession(Store consumerStore, Store producerStore, LatencySettings settings) {
            this.consumerStore = consumerStore;
            this.producerStore = producerStore;
            this.settings = settings;
            this.producer = producerStore.producer(QUEUE);
            this.consumer = consumerStore.consumer(QUEUE);
        }

        @Override
        public List<SteadyProducer.Sender> senders(int count) {
            // A Producer is thread-safe; every producer thread shares it, as an application would.
            return Collections.nCopies(count, scheduled -> producer.enqueue(Stamp.json(scheduled)));
        }

        @Override
        public void consume(LatencyProbe probe, BooleanSupplier stop) throws InterruptedException {
            while (true) {
                try {
                    // Read before the fetch: an empty fetch that began after the producer stopped proves
                    // the queue drained; one that began before may have missed the last sends.
                    boolean producerDone = stop.getAsBoolean();
                    List<Message> leased = consumer.dequeue(settings.batch(), Duration.ofSeconds(60));
                    if (leased.isEmpty()) {
                        if (producerDone) {
                            return;
                        }
                        consumer.awaitMessages(settings.pollInterval());
                        continue;
                    }
                    for (Message m : leased) {
                        probe.received(Stamp.read(m.payloadJson()));
                    }
                    consumer.archive(leased);
                } catch (RuntimeException e) {
                    probe.error(e);
                    Thread.sleep(10);
                }
            }
        }

        @Override
        public void close() {
            producer.close();
            // A run that failed may leave leases behind; give them back rather than hide the failure.
            consumer.close(ShutdownMode.RELEASE_HELD);
            if (producerStore != consumerStore) {
                producerStore.close();
            }
            consumerStore.close();
        }
    }
}
