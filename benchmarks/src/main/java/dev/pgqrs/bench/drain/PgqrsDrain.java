package dev.pgqrs.bench.drain;

import dev.pgqrs.Consumer;
import dev.pgqrs.EnqueueOptions;
import dev.pgqrs.Message;
import dev.pgqrs.Pgqrs;
import dev.pgqrs.Producer;
import dev.pgqrs.QueueLimits;
import dev.pgqrs.QueueOptions;
import dev.pgqrs.Store;
import dev.pgqrs.bench.db.DatabaseSlot;
import dev.pgqrs.config.Backend;
import dev.pgqrs.config.PgqrsConfig;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * pgqrs itself, through its public API with default settings: each consumer loops
 * {@code dequeue(batch)} then {@code archive(ids)} until a dequeue comes back empty.
 */
public final class PgqrsDrain implements DrainContender {

    static final String QUEUE = "bench";
    static final int PREFILL_CHUNK = 1_000;
    // How long a consumer whose dequeue came back empty while messages remain waits before it looks again.
    private static final long STARVED_PAUSE_NANOS = 200_000;

    /**
     * The plain queue, and the same drain with a flow-control feature on: on every message of the backlog (a priority,
     * a dedup key, an ordering key of 1, 10 or 1,000 keys on a FIFO queue), or on the queue (a concurrency limit
     * above what the consumers can hold, a rate limit far above the drain rate: what enforcing a limit costs when
     * it does not bind).
     */
    public enum Feature {
        NONE("pgqrs", "", null, QueueOptions.defaults(), null),
        PRIORITY("pgqrs-priority", ", every message with a priority (seq % 10)", seq -> EnqueueOptions.withPriority(seq % 10),
                QueueOptions.defaults(), null),
        DEDUP("pgqrs-dedup", ", every message with a dedup key", seq -> EnqueueOptions.withDedupKey("order-" + seq),
                QueueOptions.defaults(), null),
        FIFO_1("pgqrs-fifo-1", ", a FIFO queue, every message with the same ordering key (one in flight at a time)",
                seq -> EnqueueOptions.withOrderingKey("key-0"), QueueOptions.fifoQueue(), null),
        FIFO_10("pgqrs-fifo-10", ", a FIFO queue, every message with one of 10 ordering keys (seq % 10)",
                seq -> EnqueueOptions.withOrderingKey("key-" + seq % 10), QueueOptions.fifoQueue(), null),
        FIFO_1000("pgqrs-fifo-1000", ", a FIFO queue, every message with one of 1,000 ordering keys (seq % 1000)",
                seq -> EnqueueOptions.withOrderingKey("key-" + seq % 1000), QueueOptions.fifoQueue(), null),
        LIMIT("pgqrs-limit", ", the queue with a concurrency limit of max(64, consumers × batch), which never binds",
                null, QueueOptions.defaults(), cell -> QueueLimits.concurrency(Math.max(64, cell.consumers() * cell.batch()))),
        RATE("pgqrs-rate", ", the queue with a rate limit of 10,000,000 per second, far above the drain rate",
                null, QueueOptions.defaults(), cell -> QueueLimits.rate(10_000_000, Duration.ofSeconds(1)));

        final String contender;
        final String described;
        final IntFunction<EnqueueOptions> options;
        final QueueOptions queue;
        final Function<DrainCell, QueueLimits> limits;

        Feature(String contender, String described, IntFunction<EnqueueOptions> options, QueueOptions queue,
                Function<DrainCell, QueueLimits> limits) {
            this.contender = contender;
            this.described = described;
            this.options = options;
            this.queue = queue;
            this.limits = limits;
        }

        /**
         * Whether a dequeue may come back empty while messages remain: a FIFO queue's keys are all in flight, or
         * (were it to bind) a limit is reached. The drain's consumers then look again instead of ending.
         */
        boolean mayStarve() {
            return queue.fifo() || limits != null;
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
        store.queues().create(QUEUE, feature.queue);
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
            if (feature.limits != null) {
                store.queues().setLimits(QUEUE, feature.limits.apply(cell));
            }
        }
        slot.settle("pgqrs_messages");
        return new Prepared(openStore(slot), cell, feature);
    }

    private static final class Prepared implements PreparedDrain {

        private final Store store;
        private final DrainCell cell;
        private final Feature feature;

        Prepared(Store store, DrainCell cell, Feature feature) {
            this.store = store;
            this.cell = cell;
            this.feature = feature;
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
                        if (!feature.mayStarve() || probe.allAcked()) {
                            return;
                        }
                        // Another consumer holds what is left (a FIFO key's head): look again shortly.
                        LockSupport.parkNanos(STARVED_PAUSE_NANOS);
                        continue;
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
