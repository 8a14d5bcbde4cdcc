package dev.pgqrs.bench.drain;

import dev.pgqrs.bench.db.DatabaseSlot;
import dev.pgqrs.bench.db.WriterTurns;
import dev.pgqrs.config.Backend;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * An independent floor: the smallest queue with a visibility timeout one would write by hand, on a table of its own
 * — a claim that leases the oldest visible rows ({@code FOR UPDATE SKIP LOCKED} on PostgreSQL) and an ack that
 * archives them by id, nothing else: no workers, no fencing on the delivery, no dead letters, no priorities. It shares
 * no statement text with the engine, so pgqrs ÷ this floor states what pgqrs's SQL and library cost together, where
 * pgqrs ÷ {@code floor} (the engine's own statements) states the library's cost alone.
 */
public final class MinimalFloorDrain implements DrainContender {

    private static final String POSTGRES_TABLE = """
            CREATE TABLE floor_queue (
                id          bigserial PRIMARY KEY,
                payload     jsonb NOT NULL,
                vt          timestamptz NOT NULL DEFAULT now(),
                read_ct     integer NOT NULL DEFAULT 0,
                archived_at timestamptz
            )""";

    private static final String SQLITE_TABLE = """
            CREATE TABLE floor_queue (
                id          INTEGER PRIMARY KEY AUTOINCREMENT,
                payload     TEXT NOT NULL,
                vt          TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
                read_ct     INTEGER NOT NULL DEFAULT 0,
                archived_at TEXT
            )""";

    private static final String READY_INDEX = "CREATE INDEX floor_queue_ready_idx ON floor_queue (vt, id) WHERE archived_at IS NULL";

    private static final String POSTGRES_CLAIM = """
            UPDATE floor_queue SET vt = now() + ? * interval '1 millisecond', read_ct = read_ct + 1
            WHERE id IN (SELECT id FROM floor_queue
                         WHERE archived_at IS NULL AND vt <= now()
                         ORDER BY vt, id LIMIT ?
                         FOR UPDATE SKIP LOCKED)
            RETURNING id, payload::text""";

    private static final String SQLITE_CLAIM = """
            UPDATE floor_queue SET vt = strftime('%Y-%m-%d %H:%M:%f', 'now', printf('%+.3f seconds', ?1 / 1000.0)),
                                   read_ct = read_ct + 1
            WHERE id IN (SELECT id FROM floor_queue
                         WHERE archived_at IS NULL AND vt <= strftime('%Y-%m-%d %H:%M:%f', 'now')
                         ORDER BY vt, id LIMIT ?2)
            RETURNING id, payload""";

    private static final String POSTGRES_ACK = "UPDATE floor_queue SET archived_at = now() WHERE id = ANY(?)";

    private static final String SQLITE_ACK = """
            UPDATE floor_queue SET archived_at = strftime('%Y-%m-%d %H:%M:%f', 'now')
            WHERE id IN (SELECT value FROM json_each(?))""";

    @Override
    public String name() {
        return "floor-minimal";
    }

    @Override
    public String description() {
        return "an independent hand-written queue on its own table: claim the oldest visible rows with a lease "
                + "(SKIP LOCKED on PostgreSQL), archive them by id; no statement shared with the engine";
    }

    @Override
    public boolean supports(Backend backend) {
        return true;
    }

    @Override
    public PreparedDrain prepare(DatabaseSlot slot, DrainCell cell, DrainSettings settings) throws SQLException {
        try (Connection c = slot.connect()) {
            try (Statement s = c.createStatement()) {
                s.execute(slot.backend() == Backend.POSTGRES ? POSTGRES_TABLE : SQLITE_TABLE);
                s.execute(READY_INDEX);
            }
            Payloads.insertInto(c, slot.backend(), "floor_queue", settings.messages());
        }
        slot.settle("floor_queue");
        return new Prepared(slot, cell);
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
            List<Consumer> consumers = new ArrayList<>();
            try {
                for (int i = 0; i < cell.consumers(); i++) {
                    consumers.add(new Consumer(slot.connect(), slot.backend()));
                }
                ConsumerThreads.run("floor-minimal", cell.consumers(), probe, i -> consumers.get(i).consume(probe));
            } finally {
                for (Consumer c : consumers) {
                    c.close();
                }
            }
        }

        private final class Consumer implements AutoCloseable {

            private final Connection connection;
            private final Backend backend;
            private final PreparedStatement claim;
            private final PreparedStatement ack;

            Consumer(Connection connection, Backend backend) throws SQLException {
                this.connection = connection;
                this.backend = backend;
                this.claim = connection.prepareStatement(backend == Backend.POSTGRES ? POSTGRES_CLAIM : SQLITE_CLAIM);
                this.ack = connection.prepareStatement(backend == Backend.POSTGRES ? POSTGRES_ACK : SQLITE_ACK);
            }

            void consume(DrainProbe probe) throws InterruptedException {
                List<Long> ids = new ArrayList<>(cell.batch());
                while (!probe.timeUp()) {
                    try {
                        ids.clear();
                        long t0 = System.nanoTime();
                        claim(ids, probe);
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

            private void claim(List<Long> ids, DrainProbe probe) throws SQLException {
                writerTurns.take();
                try {
                    claim.setLong(1, DrainSettings.VISIBILITY.toMillis());
                    claim.setInt(2, cell.batch());
                    try (ResultSet rs = claim.executeQuery()) {
                        while (rs.next()) {
                            long id = rs.getLong(1);
                            rs.getString(2); // the work: hand the payload on
                            probe.delivered(id);
                            ids.add(id);
                        }
                    }
                } finally {
                    writerTurns.giveBack();
                }
            }

            private int ack(List<Long> ids) throws SQLException {
                writerTurns.take();
                try {
                    if (backend == Backend.POSTGRES) {
                        Array array = connection.createArrayOf("bigint", ids.toArray());
                        ack.setArray(1, array);
                    } else {
                        ack.setString(1, ids.toString());
                    }
                    return ack.executeUpdate();
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
            try (Connection c = slot.connect(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT count(*) FROM floor_queue WHERE archived_at IS NULL")) {
                rs.next();
                return rs.getLong(1);
            }
        }

        @Override
        public void close() {
            // every connection was closed when its consumer finished
        }
    }
}
