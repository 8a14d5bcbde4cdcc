package dev.pgqrs.bench.latency;

import dev.pgqrs.Store;
import dev.pgqrs.bench.db.DatabaseSlot;
import dev.pgqrs.bench.db.WriterTurns;
import dev.pgqrs.config.Backend;
import dev.pgqrs.config.PgqrsConfig;
import dev.pgqrs.signal.NotifyDebouncer;
import dev.pgqrs.store.Deliveries;
import dev.pgqrs.store.Dialect;
import dev.pgqrs.store.QueueSettings;
import dev.pgqrs.store.Lease;
import dev.pgqrs.store.postgres.PostgresDialect;
import dev.pgqrs.store.sqlite.SqliteDialect;
import org.postgresql.PGConnection;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The floor of the latency scenario: the engine's enqueue, claim and ack SQL (read from its
 * dialects) run over plain JDBC, with the simplest wake-up of each kind — a blocking queue handed
 * from producer to consumer (in-process), LISTEN on the consumer's own connection with a NOTIFY
 * on every enqueue, or a sleep of the poll interval.
 *
 * <p>A NOTIFY per enqueue collapses at high rates (every notifying commit serialises on the notification queue's
 * lock), so the LISTEN/NOTIFY floor also runs debounced ({@code floor-debounced}): the first enqueue of a window
 * carries the NOTIFY and one trailing NOTIFY follows a window in which others enqueued — the rule a careful
 * hand-written consumer would use, with the engine's default window.
 */
public final class FloorLatency implements LatencyContender {

    private static final int MAX_READ_CT = PgqrsConfig.builder().build().maxReadCount();
    private static final Duration DEBOUNCE = PgqrsConfig.builder().build().notifyDebounce();

    private final boolean debounced;

    /** The floor with a NOTIFY on every enqueue. */
    public FloorLatency() {
        this(false);
    }

    /** @param debounced LISTEN/NOTIFY only: notify once per window plus a trailing notification */
    public FloorLatency(boolean debounced) {
        this.debounced = debounced;
    }

    @Override
    public String name() {
        return debounced ? "floor-debounced" : "floor";
    }

    @Override
    public String description() {
        return debounced
                ? "the floor with a debounced NOTIFY: the first enqueue of each " + DEBOUNCE.toMillis()
                        + " ms window notifies, and one trailing NOTIFY follows a window in which others enqueued"
                : "the engine's SQL over plain JDBC; wake-ups: a blocking queue, LISTEN on the consumer's connection "
                        + "with a NOTIFY per enqueue, or a sleep";
    }

    @Override
    public boolean supports(Backend backend, WakeUp wakeUp) {
        return debounced ? wakeUp == WakeUp.NOTIFY && wakeUp.availableOn(backend) : wakeUp.availableOn(backend);
    }

    @Override
    public Session open(DatabaseSlot slot, WakeUp wakeUp, LatencySettings settings) throws SQLException {
        try (Store store = PgqrsLatency.openStore(slot, false, settings.pollInterval())) {
            store.admin().install();
            store.queues().create(PgqrsLatency.QUEUE);
        }
        return new FloorSession(slot, wakeUp, settings, debounced);
    }

    private static final class FloorSession implements Session {

        private final DatabaseSlot slot;
        private final WakeUp wakeUp;
        private final LatencySettings settings;
        private final Dialect dialect;
        private final String channel;
        private final Connection consumerConnection;
        private final long queueId;
        private final long workerId;
        private final List<Connection> producerConnections = new ArrayList<>();
        private final LinkedBlockingQueue<Boolean> wakeUps = new LinkedBlockingQueue<>();
        private final WriterTurns writerTurns;
        /** Debounced NOTIFY only: who notifies, the trailing notifications' thread and connection. */
        private final NotifyDebouncer debouncer;
        private final ScheduledExecutorService trailingThread;
        private final Connection trailingConnection;

        FloorSession(DatabaseSlot slot, WakeUp wakeUp, LatencySettings settings, boolean debounced) throws SQLException {
            this.slot = slot;
            this.writerTurns = WriterTurns.forBackend(slot.backend());
            this.wakeUp = wakeUp;
            this.settings = settings;
            this.dialect = slot.backend() == Backend.POSTGRES ? new PostgresDialect() : new SqliteDialect();
            this.channel = "bench_floor_" + (slot.schema() == null ? "sqlite" : slot.schema());
            this.consumerConnection = slot.connect();
            this.queueId = queueIdOf(consumerConnection);
            this.workerId = registerWorker(consumerConnection, queueId);
            if (wakeUp == WakeUp.NOTIFY) {
                try (Statement s = consumerConnection.createStatement()) {
                    s.execute("LISTEN " + channel);
                }
            }
            if (debounced) {
                trailingConnection = slot.connect();
                trailingThread = Executors.newSingleThreadScheduledExecutor();
                debouncer = new NotifyDebouncer(DEBOUNCE.toNanos(), System::nanoTime, trailingThread, this::notifyTrailing);
            } else {
                trailingConnection = null;
                trailingThread = null;
                debouncer = null;
            }
        }

        private synchronized void notifyTrailing(long queue) {
            try (PreparedStatement ps = trailingConnection.prepareStatement("SELECT pg_notify(?, ?)")) {
                ps.setString(1, channel);
                ps.setString(2, Long.toString(queue));
                ps.execute();
            } catch (SQLException e) {
                throw new IllegalStateException("trailing NOTIFY failed", e);
            }
        }

        private static long queueIdOf(Connection c) throws SQLException {
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT id FROM pgqrs_queues WHERE queue_name = '" + PgqrsLatency.QUEUE + "'")) {
                rs.next();
                return rs.getLong(1);
            }
        }

        private static long registerWorker(Connection c, long queueId) throws SQLException {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO pgqrs_workers (name, queue_id, status) VALUES (?, ?, 'polling') RETURNING id")) {
                ps.setString(1, "floor-latency-" + System.nanoTime());
                ps.setLong(2, queueId);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        }

        @Override
        public List<SteadyProducer.Sender> senders(int count) throws SQLException {
            List<SteadyProducer.Sender> senders = new ArrayList<>();
            boolean notifying = wakeUp == WakeUp.NOTIFY;
            for (int i = 0; i < count; i++) {
                Connection c = slot.connect();
                producerConnections.add(c);
                PreparedStatement withNotify = notifying ? c.prepareStatement(dialect.enqueueNotifying()) : null;
                PreparedStatement plain = c.prepareStatement(dialect.enqueue());
                senders.add(scheduled -> {
                    boolean notify = notifying && (debouncer == null || debouncer.claim(queueId));
                    PreparedStatement insert = notify ? withNotify : plain;
                    insert.setLong(1, queueId);
                    insert.setString(2, Stamp.json(scheduled));
                    insert.setLong(3, 0);
                    insert.setNull(4, java.sql.Types.BIGINT);
                    insert.setNull(5, java.sql.Types.VARCHAR); // headers: the floor carries no trace context
                    if (notify) {
                        insert.setString(6, channel);
                        insert.setString(7, Long.toString(queueId));
                    }
                    writerTurns.take();
                    try (ResultSet rs = insert.executeQuery()) {
                        rs.next();
                    } finally {
                        writerTurns.giveBack();
                    }
                    if (wakeUp == WakeUp.IN_PROCESS) {
                        wakeUps.offer(Boolean.TRUE);
                    }
                    if (notifying && !notify) {
                        debouncer.suppressedCommitted(queueId);
                    }
                });
            }
            return senders;
        }

        @Override
        public void consume(LatencyProbe probe, BooleanSupplier stop) throws Exception {
            try (PreparedStatement claim = consumerConnection.prepareStatement(dialect.dequeue(QueueSettings.PLAIN));
                 PreparedStatement ack = consumerConnection.prepareStatement(dialect.archive())) {
                List<Lease> ids = new ArrayList<>(settings.batch());
                while (true) {
                    try {
                        ids.clear();
                        claim.setInt(1, MAX_READ_CT);
                        claim.setLong(2, queueId);
                        claim.setInt(3, settings.batch());
                        claim.setLong(4, 60_000);
                        claim.setLong(5, workerId);
                        // Read before the fetch, as pgqrs's consumer does: only an empty fetch begun after
                        // the producer stopped proves the queue drained.
                        boolean producerDone = stop.getAsBoolean();
                        writerTurns.take();
                        try (ResultSet rs = claim.executeQuery()) {
                            while (rs.next()) {
                                probe.received(Stamp.read(rs.getString(2)));
                                ids.add(new Lease(rs.getLong(1), rs.getInt(5)));
                            }
                        } finally {
                            writerTurns.giveBack();
                        }
                        if (ids.isEmpty()) {
                            if (producerDone) {
                                return;
                            }
                            idle(settings.pollInterval());
                            continue;
                        }
                        writerTurns.take();
                        try {
                            dialect.bindDeliveries(consumerConnection, ack, 1, Deliveries.of(ids));
                            ack.setLong(3, workerId);
                            try (ResultSet rs = ack.executeQuery()) {
                                while (rs.next()) {
                                    rs.getLong(1);
                                }
                            }
                        } finally {
                            writerTurns.giveBack();
                        }
                    } catch (SQLException e) {
                        probe.error(e);
                        Thread.sleep(10);
                    }
                }
            }
        }

        private void idle(Duration pollInterval) throws Exception {
            long millis = pollInterval.toMillis();
            switch (wakeUp) {
                case IN_PROCESS -> {
                    if (wakeUps.poll(millis, TimeUnit.MILLISECONDS) != null) {
                        wakeUps.clear();
                    }
                }
                case NOTIFY -> consumerConnection.unwrap(PGConnection.class).getNotifications((int) millis);
                case POLLING -> Thread.sleep(millis);
            }
        }


        @Override
        public void close() throws SQLException {
            if (trailingThread != null) {
                trailingThread.shutdownNow();
                trailingConnection.close();
            }
            for (Connection c : producerConnections) {
                c.close();
            }
            consumerConnection.close();
        }
    }
}
