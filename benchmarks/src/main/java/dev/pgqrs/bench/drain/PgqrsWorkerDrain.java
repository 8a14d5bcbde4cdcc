package dev.pgqrs.bench.drain;

import dev.pgqrs.QueueWorker;
import dev.pgqrs.QueueWorkerOptions;
import dev.pgqrs.Store;
import dev.pgqrs.bench.db.DatabaseSlot;
import dev.pgqrs.config.Backend;

/**
 * pgqrs's queue worker: {@code store.worker(queue, handler, options)} with threads = consumers and batchSize =
 * batch, every other option at its default, the handler handing the payload on. With its default path (the
 * acknowledgements ride on the next fetch where {@link QueueWorkerOptions#piggybacksAcks()} says so), and — named
 * only — with piggybacking forced on or off, which is how the default was chosen per cell.
 */
public final class PgqrsWorkerDrain implements DrainContender {

    /** Which acknowledgement path the worker takes. */
    public enum Acks {
        DEFAULT("pgqrs-worker", "default options (acks piggybacked on the next fetch where measured faster)", null),
        PIGGYBACKED("pgqrs-worker-piggyback", "piggybackAcks(true): each batch acked by the next fetch", true),
        SEPARATE("pgqrs-worker-separate", "piggybackAcks(false): each batch acked in a statement of its own", false);

        final String contender;
        final String described;
        final Boolean piggyback;

        Acks(String contender, String described, Boolean piggyback) {
            this.contender = contender;
            this.described = described;
            this.piggyback = piggyback;
        }
    }

    private final Acks acks;

    public PgqrsWorkerDrain(Acks acks) {
        this.acks = acks;
    }

    @Override
    public String name() {
        return acks.contender;
    }

    @Override
    public String description() {
        return "pgqrs QueueWorker, threads = consumers, batchSize = batch, " + acks.described;
    }

    @Override
    public boolean supports(Backend backend) {
        return true;
    }

    @Override
    public PreparedDrain prepare(DatabaseSlot slot, DrainCell cell, DrainSettings settings) {
        try (Store store = PgqrsDrain.openStore(slot)) {
            PgqrsDrain.installAndPrefill(store, settings.messages());
        }
        slot.settle("pgqrs_messages");
        return new Prepared(PgqrsDrain.openStore(slot), cell, acks);
    }

    private static final class Prepared implements PreparedDrain {

        private final Store store;
        private final DrainCell cell;
        private final Acks acks;

        Prepared(Store store, DrainCell cell, Acks acks) {
            this.store = store;
            this.cell = cell;
            this.acks = acks;
        }

        @Override
        public void drain(DrainProbe probe) throws Exception {
            QueueWorkerOptions options = QueueWorkerOptions.defaults().threads(cell.consumers()).batchSize(cell.batch())
                    .visibilityTimeout(DrainSettings.VISIBILITY).piggybackAcks(acks.piggyback);
            probe.startClock();
            QueueWorker worker = store.worker(PgqrsDrain.QUEUE, delivery -> {
                delivery.message().payloadJson(); // the work: hand the payload on
                probe.delivered(delivery.message().id());
            }, options);
            try {
                // The worker acknowledges inside; the run is over when every message was delivered and the queue
                // holds no lease any more (the fetch that found the queue empty acknowledged the last batch).
                while (!probe.timeUp()) {
                    if (probe.delivered() >= probe.messages() && unacknowledged() == 0) {
                        break;
                    }
                    Thread.sleep(probe.delivered() >= probe.messages() ? 1 : 5);
                }
                probe.stopClock();
                probe.acked((int) (probe.messages() - unacknowledged()));
            } finally {
                worker.close();
            }
        }

        private long unacknowledged() {
            var metrics = store.queues().metrics(PgqrsDrain.QUEUE);
            return metrics.pending() + metrics.leased();
        }

        @Override
        public long remaining() {
            return unacknowledged();
        }

        @Override
        public void close() {
            store.close();
        }
    }
}
