package dev.pgqrs.bench.drain;

import dev.pgqrs.Store;
import dev.pgqrs.bench.db.DatabaseSlot;
import dev.pgqrs.config.Backend;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * What acks piggybacked on the next fetch would buy (PostgreSQL): the floor, but each statement
 * archives the previous batch and claims the next ({@link FloorSql#POSTGRES_ACK_AND_CLAIM}), so a
 * batch costs one commit instead of two; the last batch is acked by the claim that finds the
 * queue empty. The engine has no such
 * call today; this measures whether it should. The price: a batch's ack waits for the next fetch,
 * so after a crash that batch is delivered again.
 */
public final class PiggybackFloorDrain implements DrainContender {

    @Override
    public String name() {
        return "floor-piggyback";
    }

    @Override
    public String description() {
        return "the floor with each ack folded into the next claim (one statement, one commit per batch); PostgreSQL only";
    }

    @Override
    public boolean supports(Backend backend) {
        return backend == Backend.POSTGRES;
    }

    @Override
    public PreparedDrain prepare(DatabaseSlot slot, DrainCell cell, DrainSettings settings) {
        try (Store store = PgqrsDrain.openStore(slot)) {
            PgqrsDrain.installAndPrefill(store, settings.messages());
        }
        slot.settle("pgqrs_messages");
        return new Prepared(slot, cell);
    }

    private static final class Prepared implements PreparedDrain {

        private final DatabaseSlot slot;
        private final DrainCell cell;

        Prepared(DatabaseSlot slot, DrainCell cell) {
            this.slot = slot;
            this.cell = cell;
        }

        @Override
        public void drain(DrainProbe probe) throws Exception {
            List<Connection> connections = new ArrayList<>();
            try {
                List<long[]> identities = new ArrayList<>();
                for (int i = 0; i < cell.consumers(); i++) {
                    Connection c = slot.connect();
                    connections.add(c);
                    long queueId = FloorDrain.queueId(c);
                    identities.add(new long[] {queueId, FloorDrain.registerWorker(c, queueId, "piggyback-" + slot.schema() + "-" + i)});
                }
                ConsumerThreads.run("piggyback", cell.consumers(), probe,
                        i -> consume(connections.get(i), identities.get(i)[0], identities.get(i)[1], probe));
            } finally {
                for (Connection c : connections) {
                    c.close();
                }
            }
        }

        private void consume(Connection c, long queueId, long workerId, DrainProbe probe) throws Exception {
            try (PreparedStatement step = c.prepareStatement(FloorSql.POSTGRES_ACK_AND_CLAIM)) {
                Long[] pending = new Long[0];
                while (!probe.timeUp()) {
                    try {
                        long t0 = System.nanoTime();
                        Array toAck = c.createArrayOf("bigint", pending);
                        step.setArray(1, toAck);
                        step.setLong(2, workerId);
                        step.setInt(3, FloorDrain.MAX_READ_CT);
                        step.setLong(4, queueId);
                        step.setInt(5, cell.batch());
                        step.setLong(6, DrainSettings.VISIBILITY.toMillis());
                        step.setLong(7, workerId);
                        Long[] leased;
                        try (ResultSet rs = step.executeQuery()) {
                            rs.next();
                            int acked = rs.getInt(1);
                            leased = (Long[]) rs.getArray(2).getArray();
                            for (String payload : (String[]) rs.getArray(3).getArray()) {
                                payload.length(); // the work: hand the payload on
                            }
                            probe.acked(acked);
                            if (acked != pending.length) {
                                probe.error("acked " + acked + " of " + pending.length + " claimed messages");
                            }
                        }
                        probe.dequeueLatency().recordSince(t0);
                        for (Long id : leased) {
                            probe.delivered(id);
                        }
                        pending = leased;
                        if (leased.length == 0) {
                            return;
                        }
                    } catch (SQLException | RuntimeException e) {
                        probe.error(e);
                        ConsumerThreads.backOff(probe);
                    }
                }
                // Time is up with a batch in hand: ack it with a claim of nothing (the engine's archive statement
                // is fenced on read counts, which this floor does not keep).
                if (pending.length > 0) {
                    long t1 = System.nanoTime();
                    step.setArray(1, c.createArrayOf("bigint", pending));
                    step.setLong(2, workerId);
                    step.setInt(3, FloorDrain.MAX_READ_CT);
                    step.setLong(4, queueId);
                    step.setInt(5, 0);
                    step.setLong(6, DrainSettings.VISIBILITY.toMillis());
                    step.setLong(7, workerId);
                    try (ResultSet rs = step.executeQuery()) {
                        rs.next();
                        probe.acked(rs.getInt(1));
                    }
                    probe.ackLatency().recordSince(t1);
                }
            }
        }

        @Override
        public long remaining() throws SQLException {
            return FloorDrain.remaining(slot);
        }

        @Override
        public void close() {
            // connections were closed when the consumers finished
        }
    }
}
