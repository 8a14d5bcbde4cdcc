package dev.pgqrs.bench.drain;

import dev.pgqrs.Store;
import dev.pgqrs.bench.db.DatabaseSlot;
import dev.pgqrs.bench.db.WriterTurns;
import dev.pgqrs.config.Backend;
import dev.pgqrs.config.PgqrsConfig;
import dev.pgqrs.store.Deliveries;
import dev.pgqrs.store.Lease;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The floor: the engine's claim and ack SQL ({@link FloorSql}) run by hand — one dedicated JDBC
 * connection per consumer, statements prepared once, no pool, no worker lifecycle, no mapping
 * beyond reading id and payload. What pgqrs costs above this is the library's own cost.
 *
 * <p>On SQLite the floor's consumers take one in-process lock around each write, as the engine
 * does: SQLite admits one writer at a time, and without the lock contending connections would
 * sleep in SQLite's busy handler, which would measure that handler rather than the SQL.
 */
public final class FloorDrain implements DrainContender {

    /** The engine's default max_read_ct, bound as the engine binds it. */
    static final int MAX_READ_CT = PgqrsConfig.builder().build().maxReadCount();

    @Override
    public String name() {
        return "floor";
    }

    @Override
    public String description() {
        return "hand-written JDBC loop running the engine's own claim and ack SQL; one connection per consumer, no library";
    }

    @Override
    public boolean supports(Backend backend) {
        return true;
    }

    @Override
    public PreparedDrain prepare(DatabaseSlot slot, DrainCell cell, DrainSettings settings) throws SQLException {
        try (Store store = PgqrsDrain.openStore(slot)) {
            PgqrsDrain.installAndPrefill(store, settings.messages());
        }
        slot.settle("pgqrs_messages");
        return new Prepared(slot, cell);
    }

    /** Reads the queue id and registers one worker row per consumer, as plain SQL. */
    static long queueId(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id FROM pgqrs_queues WHERE queue_name = '" + PgqrsDrain.QUEUE + "'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static long registerWorker(Connection c, long queueId, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO pgqrs_workers (name, queue_id, status) VALUES (?, ?, 'polling') RETURNING id")) {
            ps.setString(1, name);
            ps.setLong(2, queueId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static final class Prepared implements PreparedDrain {

        private final DatabaseSlot slot;
        private final DrainCell cell;
        private final WriterTurns writerTurns;

        Prepared(DatabaseSlot slot, DrainCell cell) {
            this.slot = slot;
            this.writerTurns = WriterTurns.forBackend(slot.backend());
            this.cell = cell;
        }

        @Override
        public void drain(DrainProbe probe) throws Exception {
            List<FloorConsumer> consumers = new ArrayList<>();
            try {
                for (int i = 0; i < cell.consumers(); i++) {
                    consumers.add(new FloorConsumer(slot, "floor-" + slot.schema() + "-" + i));
                }
                ConsumerThreads.run("floor", cell.consumers(), probe, i -> consumers.get(i).consume(probe));
            } finally {
                for (FloorConsumer c : consumers) {
                    c.close();
                }
            }
        }

        private final class FloorConsumer implements AutoCloseable {

            private final Backend backend;
            private final Connection connection;
            private final PreparedStatement claim;
            private final PreparedStatement ack;
            private final long queueId;
            private final long workerId;

            FloorConsumer(DatabaseSlot slot, String name) throws SQLException {
                this.backend = slot.backend();
                this.connection = slot.connect();
                this.queueId = queueId(connection);
                this.workerId = registerWorker(connection, queueId, name);
                this.claim = connection.prepareStatement(FloorSql.claim(backend));
                this.ack = connection.prepareStatement(FloorSql.ack(backend));
            }

            void consume(DrainProbe probe) throws InterruptedException {
                int batch = cell.batch();
                List<Lease> ids = new ArrayList<>(batch);
                while (!probe.timeUp()) {
                    try {
                        ids.clear();
                        long t0 = System.nanoTime();
                        claim(batch, ids, probe);
                        probe.dequeueLatency().recordSince(t0);
                        if (ids.isEmpty()) {
                            return;
                        }
                        long t1 = System.nanoTime();
                        int acked = ack(ids);
                        probe.ackLatency().recordSince(t1);
                        probe.acked(acked);
                        if (acked != ids.size()) {
                            probe.error("acked " + acked + " of " + ids.size() + " claimed messages");
                        }
                    } catch (SQLException | RuntimeException e) {
                        probe.error(e);
                        ConsumerThreads.backOff(probe);
                    }
                }
            }

            private void claim(int batch, List<Lease> ids, DrainProbe probe) throws SQLException {
                writerTurns.take();
                try {
                    claim.setInt(1, MAX_READ_CT);
                    claim.setLong(2, queueId);
                    claim.setInt(3, batch);
                    claim.setLong(4, DrainSettings.VISIBILITY.toMillis());
                    claim.setLong(5, workerId);
                    try (ResultSet rs = claim.executeQuery()) {
                        while (rs.next()) {
                            if (rs.getObject(10) != null) {
                                continue; // dead-lettered by this claim, not leased (never happens here)
                            }
                            long id = rs.getLong(1);
                            rs.getString(2); // the work: hand the payload on
                            probe.delivered(id);
                            ids.add(new Lease(id, rs.getInt(5)));
                        }
                    }
                } finally {
                    writerTurns.giveBack();
                }
            }

            private int ack(List<Lease> ids) throws SQLException {
                writerTurns.take();
                try {
                    // The engine's acknowledgement is fenced on the delivery: ids with their read counts.
                    FloorSql.dialect(backend).bindDeliveries(connection, ack, 1, Deliveries.of(ids));
                    ack.setLong(3, workerId);
                    int n = 0;
                    try (ResultSet rs = ack.executeQuery()) {
                        while (rs.next()) {
                            n++;
                        }
                    }
                    return n;
                } finally {
                    writerTurns.giveBack();
                }
            }


            @Override
            public void close() throws SQLException {
                connection.close();
            }
        }

        @Override
        public long remaining() throws SQLException {
            return FloorDrain.remaining(slot);
        }

        @Override
        public void close() {
            // every connection was closed when its consumer finished
        }
    }

    static long remaining(DatabaseSlot slot) throws SQLException {
        try (Connection c = slot.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM pgqrs_messages WHERE archived_at IS NULL")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
