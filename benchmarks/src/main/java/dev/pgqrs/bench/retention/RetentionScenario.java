package dev.pgqrs.bench.retention;

import dev.pgqrs.Consumer;
import dev.pgqrs.Message;
import dev.pgqrs.Pgqrs;
import dev.pgqrs.Retention;
import dev.pgqrs.Store;
import dev.pgqrs.bench.db.BenchDatabases;
import dev.pgqrs.bench.db.DatabaseSlot;
import dev.pgqrs.config.Backend;
import dev.pgqrs.config.PgqrsConfig;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What pruning costs the hot path: consumers drain a backlog (dequeue(batch) + archive, the drain's loop) while
 * retention deletes a million archived rows of another queue, and for a baseline's length without it before and
 * after, in the same database. Retention is the engine's own pass
 * ({@code admin().applyRetention()}: the ArchiveCleaner the maintenance leader runs, with the store's batch size and
 * pause). Reported: the consumers' msg/s in each phase, their ratio, and how long pruning took.
 */
public final class RetentionScenario {

    /** One repeat's figures. */
    public record Measurement(String backend, int repeat, String order, int consumers, int batch, long archivedRows,
                              int batchSize, long batchPauseMillis, double share, double prunedSeconds, long pruned,
                              double withMsgPerSecond, double withoutMsgPerSecond, double withoutBeforeMsgPerSecond,
                              double withoutAfterMsgPerSecond, double ratio, long errors, boolean backlogRanOut) {
    }

    private static final String BACKLOG = "bench";
    private static final String ARCHIVE = "archive";

    private final BenchDatabases databases;
    private final int consumers;
    private final int batch;
    private final long archivedRows;
    private final long backlog;
    private final int batchSize;
    private final Duration batchPause;
    private final double share;
    private final Duration baseline;

    public RetentionScenario(BenchDatabases databases, int consumers, int batch, long archivedRows, long backlog,
                             int batchSize, Duration batchPause, double share, Duration baseline) {
        this.baseline = baseline;
        this.share = share;
        this.databases = databases;
        this.consumers = consumers;
        this.batch = batch;
        this.archivedRows = archivedRows;
        this.backlog = backlog;
        this.batchSize = batchSize;
        this.batchPause = batchPause;
    }

    public Measurement run(Backend backend, int repeat) throws Exception {
        try (DatabaseSlot slot = databases.newSlot(backend, "retention-" + repeat)) {
            try (Store setup = open(slot)) {
                setup.admin().install();
                setup.queues().create(BACKLOG);
                setup.queues().create(ARCHIVE);
                setup.queues().setRetention(ARCHIVE, Retention.deleteOlderThan(Duration.ofDays(1)));
                fill(slot, setup.queues().get(ARCHIVE).id(), archivedRows, true);
                fill(slot, setup.queues().get(BACKLOG).id(), backlog, false);
            }
            slot.settle("pgqrs_messages");
            try (Store store = open(slot)) {
                Drain drain = new Drain(store);
                drain.phase(Duration.ofSeconds(5), null); // warm-up
                // The drain slows as its own archived rows pile up behind it (dead index entries until vacuum), so a
                // phase that comes later is slower whatever it holds: the phase with pruning sits between two
                // without, as long as each other, and is compared with their mean, which cancels a steady drift.
                double before = drain.phase(baseline, null);
                Pruning pruning = new Pruning(store);
                double with = drain.phase(null, pruning);
                double after = drain.phase(baseline, null);
                double without = (before + after) / 2;
                return new Measurement(backend.name().toLowerCase(), repeat, "without, with, without", consumers, batch,
                        archivedRows, batchSize, batchPause.toMillis(), share, pruning.took.toMillis() / 1000.0,
                        pruning.deleted, with, without, before, after, with / without, drain.errors.get(),
                        drain.ranOut.get());
            }
        }
    }

    private Store open(DatabaseSlot slot) {
        PgqrsConfig.Builder config = PgqrsConfig.builder().dsn(slot.pgqrsDsn()).maintenance(false)
                .retentionBatchSize(batchSize).retentionBatchPause(batchPause).retentionShare(share);
        if (slot.schema() != null) {
            config.schema(slot.schema());
        }
        return Pgqrs.connect(config.build());
    }

    /** Inserts rows in bulk: archived two days ago and earlier (one per millisecond, oldest first), or pending. */
    private static void fill(DatabaseSlot slot, long queueId, long n, boolean archived) throws Exception {
        String sql;
        if (slot.backend() == Backend.POSTGRES) {
            sql = "INSERT INTO pgqrs_messages (queue_id, payload, read_ct, archived_at) SELECT " + queueId
                    + ", jsonb_build_object('n', g, 'pad', repeat('x', 200)), " + (archived ? "1" : "0") + ", "
                    + (archived ? "now() - interval '2 days' - (" + n + " - g) * interval '1 millisecond'" : "NULL")
                    + " FROM generate_series(1, " + n + ") g";
        } else {
            sql = "WITH RECURSIVE g(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM g WHERE i < " + n + ") "
                    + "INSERT INTO pgqrs_messages (queue_id, payload, read_ct, archived_at) SELECT " + queueId
                    + ", json_object('n', i, 'pad', printf('%.200c', 'x')), " + (archived ? "1" : "0") + ", "
                    + (archived ? "strftime('%Y-%m-%d %H:%M:%f', 'now', '-2 days', '-' || ((" + n + " - i) / 1000.0) || ' seconds')"
                    : "NULL") + " FROM g";
        }
        try (Connection c = slot.connect(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** The engine's retention pass over the archived million, on a thread of its own. */
    private static final class Pruning {
        private final Store store;
        private volatile Duration took = Duration.ZERO;
        private volatile long deleted;

        Pruning(Store store) {
            this.store = store;
        }

        Thread start(AtomicBoolean done) {
            Thread t = new Thread(() -> {
                long t0 = System.nanoTime();
                try {
                    deleted = store.admin().applyRetention().messages();
                } finally {
                    took = Duration.ofNanos(System.nanoTime() - t0);
                    done.set(true);
                }
            }, "retention-pass");
            t.start();
            return t;
        }
    }

    /** Consumers draining the backlog queue, phase after phase. */
    private final class Drain {
        private final Store store;
        private final AtomicLong errors = new AtomicLong();
        private final AtomicBoolean ranOut = new AtomicBoolean();

        Drain(Store store) {
            this.store = store;
        }

        /** Drains for {@code length}, or while {@code pruning} runs; returns msg/s. */
        double phase(Duration length, Pruning pruning) throws InterruptedException {
            AtomicBoolean done = new AtomicBoolean();
            AtomicLong acked = new AtomicLong();
            List<Thread> threads = new ArrayList<>();
            List<Consumer> open = new ArrayList<>();
            for (int i = 0; i < consumers; i++) {
                Consumer consumer = store.consumer(BACKLOG);
                open.add(consumer);
                Thread t = new Thread(() -> consume(consumer, done, acked), "drain-" + i);
                threads.add(t);
            }
            long t0 = System.nanoTime();
            threads.forEach(Thread::start);
            Thread pruner = null;
            if (pruning != null) {
                pruner = pruning.start(done);
            } else {
                Thread.sleep(length.toMillis());
                done.set(true);
            }
            if (pruner != null) {
                pruner.join();
            }
            long count = acked.get();
            double seconds = (System.nanoTime() - t0) / 1e9;
            for (Thread t : threads) {
                t.join();
            }
            open.forEach(Consumer::close);
            return count / seconds;
        }

        private void consume(Consumer consumer, AtomicBoolean done, AtomicLong acked) {
            while (!done.get()) {
                try {
                    List<Message> leased = consumer.dequeue(batch, Duration.ofSeconds(60));
                    if (leased.isEmpty()) {
                        ranOut.set(true);
                        return;
                    }
                    acked.addAndGet(consumer.archive(leased).size());
                } catch (RuntimeException e) {
                    errors.incrementAndGet();
                }
            }
        }
    }
}
