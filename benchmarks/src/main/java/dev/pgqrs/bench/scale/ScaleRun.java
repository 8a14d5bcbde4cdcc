package dev.pgqrs.bench.scale;

import dev.pgqrs.Consumer;
import dev.pgqrs.Message;
import dev.pgqrs.Pgqrs;
import dev.pgqrs.QueueMetrics;
import dev.pgqrs.Store;
import dev.pgqrs.bench.db.DatabaseSlot;
import dev.pgqrs.bench.measure.LatencyRecorder;
import dev.pgqrs.config.Backend;
import dev.pgqrs.config.PgqrsConfig;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One run of the scale scenario on a fresh slot: the queue is filled by SQL (archived history, then pending rows,
 * in chunks of one transaction each), settled, then {@code queues().metrics()} is timed and {@code messages} are
 * drained through the public API.
 */
final class ScaleRun {

    static final String QUEUE = "scale";
    private static final int CHUNK = 100_000;
    private static final Duration VISIBILITY = Duration.ofSeconds(30);

    private static final String POSTGRES_FILL = """
            INSERT INTO pgqrs_messages (queue_id, payload, vt, enqueued_at, archived_at)
            SELECT ?, jsonb_build_object('seq', g, 'kind', 'bench.scale', 'pad', repeat('x', 200)),
                   now() - interval '1 hour', now() - interval '1 hour',
                   CASE WHEN ? THEN now() - interval '30 minutes' END
            FROM generate_series(1, ?) g""";

    private static final String SQLITE_FILL = """
            WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < ?3)
            INSERT INTO pgqrs_messages (queue_id, payload, vt, enqueued_at, archived_at)
            SELECT ?1, json_object('seq', n, 'kind', 'bench.scale', 'pad', printf('%.200c', 'x')),
                   strftime('%Y-%m-%d %H:%M:%f', 'now', '-1 hours'), strftime('%Y-%m-%d %H:%M:%f', 'now', '-1 hours'),
                   CASE WHEN ?2 THEN strftime('%Y-%m-%d %H:%M:%f', 'now', '-30 minutes') END
            FROM g""";

    private final DatabaseSlot slot;
    private final ScaleCell cell;
    private final ScaleSettings settings;

    ScaleRun(DatabaseSlot slot, ScaleCell cell, ScaleSettings settings) {
        this.slot = slot;
        this.cell = cell;
        this.settings = settings;
    }

    ScaleMeasurement run(int repeat) throws Exception {
        PgqrsConfig.Builder config = PgqrsConfig.builder().dsn(slot.pgqrsDsn()).maxConnections(settings.consumers() + 4);
        if (slot.schema() != null) {
            config.schema(slot.schema());
        }
        try (Store store = Pgqrs.connect(config.build())) {
            store.admin().install();
            store.queues().create(QUEUE);
            long t0 = System.nanoTime();
            fill(cell.history(), true);
            fill(Math.max(cell.backlog(), settings.messages()), false);
            slot.settle("pgqrs_messages");
            double prefillSeconds = (System.nanoTime() - t0) / 1e9;

            LatencyRecorder metrics = new LatencyRecorder();
            LatencyRecorder estimated = new LatencyRecorder();
            QueueMetrics exact = null;
            QueueMetrics estimate = null;
            // Interleaved, so both see the same cache and the same load.
            for (int i = 0; i < settings.metricsCalls(); i++) {
                long m0 = System.nanoTime();
                exact = store.queues().metrics(QUEUE);
                metrics.recordSince(m0);
                long e0 = System.nanoTime();
                estimate = store.queues().estimatedMetrics().get(0);
                estimated.recordSince(e0);
            }
            return drain(store, repeat, prefillSeconds, new MetricsTimings(metrics, estimated,
                    EstimateError.of(exact, estimate)));
        }
    }

    private void fill(long rows, boolean archived) throws SQLException {
        if (rows == 0) {
            return;
        }
        try (Connection c = slot.connect()) {
            long queueId = queueId(c);
            boolean postgres = slot.backend() == Backend.POSTGRES;
            try (PreparedStatement ps = c.prepareStatement(postgres ? POSTGRES_FILL : SQLITE_FILL)) {
                for (long done = 0; done < rows; done += CHUNK) {
                    ps.setLong(1, queueId);
                    ps.setBoolean(2, archived);
                    ps.setLong(3, Math.min(CHUNK, rows - done));
                    ps.executeUpdate();
                }
            }
        }
    }

    private static long queueId(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id FROM pgqrs_queues WHERE queue_name = '" + QUEUE + "'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private record MetricsTimings(LatencyRecorder exact, LatencyRecorder estimated, double estimateError) {
    }

    private ScaleMeasurement drain(Store store, int repeat, double prefillSeconds, MetricsTimings metrics)
            throws InterruptedException {
        LatencyRecorder dequeue = new LatencyRecorder();
        AtomicLong left = new AtomicLong(settings.messages());
        AtomicLong drained = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        AtomicReference<String> firstError = new AtomicReference<>();
        List<Consumer> consumers = new ArrayList<>();
        for (int i = 0; i < settings.consumers(); i++) {
            consumers.add(store.consumer(QUEUE));
        }
        List<Thread> threads = new ArrayList<>();
        long start = System.nanoTime();
        try {
            for (Consumer consumer : consumers) {
                Thread t = new Thread(() -> {
                    while (true) {
                        // Each dequeue first reserves its share of what is left, so the run drains exactly `messages`.
                        long before = left.getAndUpdate(n -> n - Math.min(settings.batch(), n));
                        int want = (int) Math.min(settings.batch(), before);
                        if (want == 0) {
                            return;
                        }
                        List<Message> leased = List.of();
                        try {
                            long d0 = System.nanoTime();
                            leased = consumer.dequeue(want, VISIBILITY);
                            dequeue.recordSince(d0);
                            left.addAndGet(want - leased.size());
                            if (leased.isEmpty()) {
                                return;
                            }
                            drained.addAndGet(consumer.archive(leased).size());
                        } catch (RuntimeException e) {
                            // not drained: what the failed call had reserved is left for another turn
                            left.addAndGet(leased.isEmpty() ? want : leased.size());
                            errors.incrementAndGet();
                            firstError.compareAndSet(null, e.getClass().getSimpleName() + ": " + e.getMessage());
                        }
                    }
                }, "scale-consumer");
                t.start();
                threads.add(t);
            }
            for (Thread t : threads) {
                t.join();
            }
        } finally {
            consumers.forEach(Consumer::close);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new ScaleMeasurement(slot.backend().name().toLowerCase(), cell.history(), cell.backlog(), repeat,
                prefillSeconds, metrics.exact().percentiles(), metrics.estimated().percentiles(), metrics.estimateError(),
                drained.get(), drained.get() / seconds, dequeue.percentiles(), errors.get(), firstError.get());
    }
}
