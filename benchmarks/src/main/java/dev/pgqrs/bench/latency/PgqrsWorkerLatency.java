package dev.pgqrs.bench.latency;

import dev.pgqrs.Producer;
import dev.pgqrs.QueueWorker;
import dev.pgqrs.QueueWorkerOptions;
import dev.pgqrs.Store;
import dev.pgqrs.bench.db.DatabaseSlot;
import dev.pgqrs.config.Backend;

import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * pgqrs as an application consumes it: {@code store.worker(queue, handler)} with one handler thread. Beside the
 * {@code pgqrs} contender (a hand-written dequeue loop idling in {@code awaitMessages}) it shows what the worker's
 * poll loop adds: after a fetch that found work it lingers for one NOTIFY debounce window with short waits, so a
 * message another process enqueues right after is fetched without waiting for its (debounced) notification.
 */
public final class PgqrsWorkerLatency implements LatencyContender {

    @Override
    public String name() {
        return "pgqrs-worker";
    }

    @Override
    public String description() {
        return "pgqrs Producer.enqueue / store.worker(queue, handler), 1 thread, batch 10: the worker's poll loop with its linger";
    }

    @Override
    public boolean supports(Backend backend, WakeUp wakeUp) {
        return wakeUp.availableOn(backend);
    }

    @Override
    public Session open(DatabaseSlot slot, WakeUp wakeUp, LatencySettings settings) {
        boolean notifications = wakeUp != WakeUp.POLLING;
        Store consumerStore = PgqrsLatency.openStore(slot, notifications, settings.pollInterval());
        consumerStore.admin().install();
        consumerStore.queues().create(PgqrsLatency.QUEUE);
        Store producerStore = wakeUp == WakeUp.IN_PROCESS ? consumerStore
                : PgqrsLatency.openStore(slot, notifications, settings.pollInterval());
        return new WorkerSession(consumerStore, producerStore, settings);
    }

    private static final class WorkerSession implements Session {

        private final Store consumerStore;
        private final Store producerStore;
        private final LatencySettings settings;
        private final Producer producer;

        WorkerSession(Store consumerStore, Store producerStore, LatencySettings settings) {
            this.consumerStore = consumerStore;
            this.producerStore = producerStore;
            this.settings = settings;
            this.producer = producerStore.producer(PgqrsLatency.QUEUE);
        }

        @Override
        public List<SteadyProducer.Sender> senders(int count) {
            return Collections.nCopies(count, scheduled -> producer.enqueue(Stamp.json(scheduled)));
        }

        @Override
        public void consume(LatencyProbe probe, BooleanSupplier stop) throws InterruptedException {
            QueueWorkerOptions options = QueueWorkerOptions.defaults().threads(1).batchSize(settings.batch())
                    .pollInterval(settings.pollInterval()).visibilityTimeout(Duration.ofSeconds(60));
            try (QueueWorker worker = consumerStore.worker(PgqrsLatency.QUEUE,
                    delivery -> probe.received(Stamp.read(delivery.message().payloadJson())), options)) {
                // The worker runs on its own threads; this one only waits until everything sent was received.
                while (!stop.getAsBoolean() || probe.receivedCount() < probe.sentCount()) {
                    Thread.sleep(5);
                }
            }
        }

        @Override
        public void close() {
            producer.close();
            if (producerStore != consumerStore) {
                producerStore.close();
            }
            consumerStore.close();
        }
    }
}
