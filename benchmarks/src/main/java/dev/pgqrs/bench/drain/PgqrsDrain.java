package dev.pgqrs.bench.drain;

import dev.pgqrs.Consumer;
import dev.pgqrs.EnqueueOptions;
import dev.pgqrs.Message;
import dev.pgqrs.Pgqrs;
import dev.pgqrs.Producer;
import dev.pgqrs.Store;
import dev.pgqrs.bench.db.DatabaseSlot;
import dev.pgqrs.config.Backend;
import dev.pgqrs.config.PgqrsConfig;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * pgqrs itself, through its public API with default settings: each consumer loops
 * {@code dequeue(batch)} then {@code archive(ids)} until a dequeue comes back empty.
 */
public final class PgqrsDrain implements DrainContender {

    static final String QUEUE = "bench";
    static final int PREFILL_CHUNK = 1_000;

    /** The plain queue, and the same drain with a flow-control feature on every message of the backlog. */
    public enum Feature {
        NONE("pgqrs", "", null),
        PRIORITY("pgqrs-priority", ", every message with a priority (seq % 10)", seq -> EnqueueOptions.withPriority(seq % 10)),
        DEDUP("pgqrs-dedup", ", every message with a dedup key", seq -> EnqueueOptions.withDedupKey("order-" + seq));

        final String contender;
        final String described;
        final IntFunction<EnqueueOptions> options;

        Feature(String contender, String described, IntFunction<EnqueueOptions> options) {
            this.contender = contender;
            this.described = described;
            this.options = options;
        }
    }

    private final Feature feature;

    public PgqrsDrain() {
        this(Feature.NONE);
    }

    public PgqrsDrain(Feature feature) {
        this.feature = feature;
    }

    @Override
    public String name() {
        return feature.contender;
    }

    @Override
    public String description() {
        return "pgqrs engine API (Store/Consumer, default configuration): dequeue(batch) then archive(ids), one statement each"
                + feature.described;
    }

    @Override
    public boolean supports(Backend backend) {
        return true;
    }

    /** Opens a store on the slot with the engine's defaults (pool, heartbeat, reaper). */
    static Store openStore(DatabaseSlot slot) {
        PgqrsConfig.Builder config = PgqrsConfig.builder().dsn(slot.pgqrsDsn());
        if (slot.schema() != null) {
            config.schema(slot.schema());
        }
        return Pgqrs.connect(config.build());
    }

    /** Installs the pgqrs schema in the slot and enqueues the backlog with a producer. */
    static void installAndPrefill(Store store, int messages) {
        installAndPrefill(store, messages, Feature.NONE);
    }

    static void installAndPrefill(Store store, int messages, Feature feature) {
        store.admin().install();
        store.queues().create(QUEUE);
        try (Producer producer = store.producer(QUEUE)) {
            for (int from = 0; from < messages; from += PREFILL_CHUNK) {
                int to = Math.min(messages, from + PREFILL_CHUNK);
                if (feature.options == null) {
                    producer.enqueueBatch(Payloads.range(from, to));
                } else {
                    List<EnqueueOptions> options = new ArrayList<>(to - from);
                    for (int seq = from; seq < to; seq++) {
                        options.add(feature.options.apply(seq));
                    }
                    producer.enqueueBatch(Payloads.range(from, to), options, Duration.ZERO);
                }
            }
        }
    }

    @Override
    public PreparedDrain prepare(DatabaseSlot slot, DrainCell cell, DrainSettings settings) {
        // The prefill's connections are closed before the run, so their statistics are not counted in it.
        try (Store store = openStore(slot)) {
            installAndPrefill(store, settings.messages(), feature);
        }
        slot.settle("pgqrs_messages");
        return new Prepared(openStore(slot), cell);
    }

    private static final class Prepared implements PreparedDrain {

        private final Store store;
        private final DrainCell cell;

        Prepared(Store store, DrainCell cell) {
            this.store = store;
            this.cell = cell;
        }

        @Override
        public void drain(DrainProbe probe) throws InterruptedException {
            List<Consumer> consumers = new ArrayList<>();
            for (int i = 0; i < cell.consumers(); i++) {
                consumers.add(store.consumer(QUEUE));
            }
            try {
                ConsumerThreads.run("pgqrs", cell.consumers(), probe, i -> consume(consumers.get(i), probe));
            } finally {
                consumers.forEach(Consumer::close);
            }
        }

        private void consume(Consumer consumer, DrainProbe probe) throws InterruptedException {
            int batch = cell.batch();
            while (!probe.timeUp()) {
                try {
                    long t0 = System.nanoTime();
                    List<Message> leased = consumer.dequeue(batch, DrainSettings.VISIBILITY);
                    probe.dequeueLatency().recordSince(t0);
                    if (leased.isEmpty()) {
                        return;
                    }
                    for (Message m : leased) {
                        m.payloadJson(); // the work: hand the payload on
                        probe.delivered(m.id());
                    }
                    long t1 = System.nanoTime();
                    List<Message> archived = consumer.archive(leased);
                    probe.ackLatency().recordSince(t1);
                    probe.acked(archived.size());
                    if (archived.size() != leased.size()) {
                        probe.error("archived " + archived.size() + " of " + leased.size() + " leased messages");
                    }
                } catch (RuntimeException e) {
                    probe.error(e);
                    ConsumerThreads.backOff(probe);
                }
            }
        }

        @Override
        public long remaining() {
            var metrics = store.queues().metrics(QUEUE);
            return metrics.pending() + metrics.leased();
        }

        @Override
        public void close() {
            store.close();
        }
    }
}
