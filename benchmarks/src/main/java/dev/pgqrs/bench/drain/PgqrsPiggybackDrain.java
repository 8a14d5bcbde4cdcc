package dev.pgqrs.bench.drain;

import dev.pgqrs.Consumer;
import dev.pgqrs.Message;
import dev.pgqrs.NextBatch;
import dev.pgqrs.Store;
import dev.pgqrs.bench.db.DatabaseSlot;
import dev.pgqrs.config.Backend;

import java.util.ArrayList;
import java.util.List;

/**
 * pgqrs with piggybacked acknowledgements, through the public API: each consumer loops
 * {@code archiveAndDequeue(previous, batch)}, which archives the batch it handled and leases the next in one
 * commit (one statement on PostgreSQL, one write transaction on SQLite), until a call leases nothing — that
 * call acknowledged the last batch. The engine's counterpart of {@link PiggybackFloorDrain}.
 */
public final class PgqrsPiggybackDrain implements DrainContender {

    @Override
    public String name() {
        return "pgqrs-piggyback";
    }

    @Override
    public String description() {
        return "pgqrs engine API: consumer.archiveAndDequeue(previous, batch), the previous batch's ack and the next "
                + "fetch in one commit (one statement on PostgreSQL, one transaction on SQLite)";
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
        return new Prepared(PgqrsDrain.openStore(slot), cell);
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
                consumers.add(store.consumer(PgqrsDrain.QUEUE));
            }
            try {
                ConsumerThreads.run("pgqrs-piggyback", cell.consumers(), probe, i -> consume(consumers.get(i), probe));
            } finally {
                consumers.forEach(Consumer::close);
            }
        }

        private void consume(Consumer consumer, DrainProbe probe) throws InterruptedException {
            List<Message> pending = List.of();
            while (!probe.timeUp()) {
                try {
                    long t0 = System.nanoTime();
                    NextBatch next = consumer.archiveAndDequeue(pending, cell.batch(), DrainSettings.VISIBILITY);
                    probe.dequeueLatency().recordSince(t0);
                    probe.acked(next.acknowledged().size());
                    if (!next.notAcknowledged().isEmpty()) {
                        probe.error("archived " + next.acknowledged().size() + " of " + pending.size() + " leased messages");
                    }
                    pending = next.messages();
                    if (pending.isEmpty()) {
                        return;
                    }
                    for (Message m : pending) {
                        m.payloadJson(); // the work: hand the payload on
                        probe.delivered(m.id());
                    }
                } catch (RuntimeException e) {
                    probe.error(e);
                    ConsumerThreads.backOff(probe);
                }
            }
            // Time is up with a batch in hand: acknowledge it on its own.
            if (!pending.isEmpty()) {
                long t1 = System.nanoTime();
                List<Message> archived = consumer.archive(pending);
                probe.ackLatency().recordSince(t1);
                probe.acked(archived.size());
            }
        }

        @Override
        public long remaining() {
            var metrics = store.queues().metrics(PgqrsDrain.QUEUE);
            return metrics.pending() + metrics.leased();
        }

        @Override
        public void close() {
            store.close();
        }
    }
}
