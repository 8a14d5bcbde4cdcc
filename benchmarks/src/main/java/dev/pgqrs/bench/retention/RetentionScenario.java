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
 * retention deletes a million archived rows of another queue of the same database, in windows: the million goes in
 * {@code slices} slices, oldest first, each pruned by the engine's own pass ({@code admin().applyRetention()}: the
 * ArchiveCleaner the maintenance leader runs, with the store's batch size, pause and share) under an age limit that
 * reaches one slice further, and each window with pruning is followed by a window as long without it, after a first
 * window without. The drain's own speed swings with vacuum (on PostgreSQL it halves and recovers every minute or
 * two as dead entries pile up at the front of the dequeue index and autovacuum clears them) and drifts as its
 * archived rows accumulate; windows that alternate every few tens of seconds meet the same swings, where one
 * long phase with pruning against phases before and after measures which of them caught a vacuum. Reported:
 * the consumers' msg/s over all windows with pruning and over all without, their ratio, each window, and how long
 * pruning took.
 */
public final class RetentionScenario {

    /** One window of the drain: with pruning (one slice) or without. */
    public record Window(boolean pruning, double seconds, long acked, long pruned) {
        public double msgPerSecond() {
            return acked / seconds;
        }
    }

    /** One repeat's figures. */
    public record Measurement(String backend, int repeat, int consumers, int batch, long archivedRows, int slices,
                              int batchSize, long batchPauseMillis, double share, double prunedSeconds, long pruned,
                              double withMsgPerSecond, double withoutMsgPerSecond, double ratio, long errors,
                              boolean backlogRanOut, List<Window> windows) {
    }

    private static final String BACKLOG = "bench";
    private static final String ARCHIVE = "archive";
    /** How long before the fill the archived rows' newest timestamp lies. */
    private static final Duration ARCHIVED_AGO = Duration.ofDays(2);

    private final BenchDatabases databases;
    private final int consumers;
    private final int batch;
    private final long archivedRows;
    private final long backlog;
    private final int batchSize;
    private final Duration batchPause;
    private final double share;
    private final Duration warmUp;
    private final Duration firstWindow;
    private final int slices;

    public RetentionScenario(BenchDatabases databases, int consumers, int batch, long archivedRows, long backlog,
                             int batchSize, Duration batchPause, double share, Duration warmUp, Duration firstWindow, int slices) {
        this.databases = databases;
        this.consumers = consumers;
        this.batch = batch;
        this.archivedRows = archivedRows;
        this.backlog = backlog;
        this.batchSize = batchSize;
        this.batchPause = batchPause;
        this.share = share;
        this.warmUp = warmUp;
        this.firstWindow = firstWindow;
        this.slices = slices;
    }

    public Measurement run(Backend backend, int repeat) throws Exception {
        try (DatabaseSlot slot = databases.newSlot(backend, "retention-" + repeat)) {
            long filledAt;
            try (Store setup = open(slot)) {
                setup.admin().install();
                setup.queues().create(BACKLOG);
                setup.queues().create(ARCHIVE);
                filledAt = System.currentTimeMillis();
                fill(slot, setup.queues().get(ARCHIVE).id(), archivedRows, true);
                fill(slot, setup.queues().get(BACKLOG).id(), backlog, false);
            }
            slot.settle("pgqrs_messages");
            try (Store store = open(slot)) {
                Drain drain = new Drain(store);
                // Not counted: a freshly settled table drains faster than it will once vacuum comes and goes.
                drain.window(warmUp, null);
                List<Window> windows = new ArrayList<>();
                windows.add(drain.window(firstWindow, null));
                for (int i = 1; i <= slices && !drain.ranOut.get(); i++) {
                    Pruning slice = new Pruning(store, ageReaching(filledAt, i));
                    Window with = drain.window(null, slice);
                    windows.add(with);
                    windows.add(drain.window(Duration.ofNanos((long) (with.seconds() * 1e9)), null));
                }
                double withSeconds = 0, withoutSeconds = 0;
                long withAcked = 0, withoutAcked = 0, pruned = 0;
                for (Window w : windows) {
                    if (w.pruning()) {
                        withSeconds += w.seconds();
                        withAcked += w.acked();
                        pruned += w.pruned();
                    } else {
                        withoutSeconds += w.seconds();
                        withoutAcked += w.acked();
                    }
                }
                double with = withAcked / withSeconds;
                double without = withoutAcked / withoutSeconds;
                return new Measurement(backend.name().toLowerCase(), repeat, consumers, batch, archivedRows, slices,
                        batchSize, batchPause.toMillis(), share, withSeconds, pruned, with, without, with / without,
                        drain.errors.get(), drain.ranOut.get(), windows);
            }
        }
    }

    /**
     * The age limit under which the first {@code slice} of {@code slices} parts of the archived rows are older than
     * allowed: row g of n was archived {@code ARCHIVED_AGO + (n - g) ms} before the fill; the last slice's limit
     * takes every one of them.
     */
    private Duration ageReaching(long filledAt, int slice) {
        if (slice == slices) {
            return Duration.ofDays(1);
        }
        long keptNewest = archivedRows - archivedRows * slice / slices;
        long sinceFill = System.currentTimeMillis() - filledAt;
        return ARCHIVED_AGO.plusMillis(keptNewest + sinceFill);
    }

    private Store open(DatabaseSlot slot) {
        PgqrsConfig.Builder config = PgqrsConfig.builder().dsn(slot.pgqrsDsn()).maintenance(false)
                .retentionBatchSize(batchSize).retentionBatchPause(batchPause).retentionShare(share);
        if (slot.schema() != null) {
            config.schema(slot.schema());
        }
        return Pgqrs.connect(config.build());
    }

    /** Inserts rows in bulk: archived ARCHIVED_AGO ago and earlier (one per millisecond, oldest first), or pending. */
    private static void fill(DatabaseSlot slot, long queueId, long n, boolean archived) throws Exception {
        String sql;
        if (slot.backend() == Backend.POSTGRES) {
            sql = "INSERT INTO pgqrs_messages (queue_id, payload, read_ct, archived_at) SELECT " + queueId
                    + ", jsonb_build_object('n', g, 'pad', repeat('x', 200)), " + (archived ? "1" : "0") + ", "
                    + (archived ? "now() - " + ARCHIVED_AGO.toMillis() + " * interval '1 millisecond' - (" + n + " - g) * interval '1 millisecond'" : "NULL")
                    + " FROM generate_series(1, " + n + ") g";
        } else {
            sql = "WITH RECURSIVE g(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM g WHERE i < " + n + ") "
                    + "INSERT INTO pgqrs_messages (queue_id, payload, read_ct, archived_at) SELECT " + queueId
                    + ", json_object('n', i, 'pad', printf('%.200c', 'x')), " + (archived ? "1" : "0") + ", "
                    + (archived ? "strftime('%Y-%m-%d %H:%M:%f', 'now', '-" + ARCHIVED_AGO.toSeconds() + " seconds', '-' || ((" + n + " - i) / 1000.0) || ' seconds')"
                    : "NULL") + " FROM g";
        }
        try (Connection c = slot.connect(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** The engine's retention pass over one slice of the archived rows, on a thread of its own. */
    private static final class Pruning {
        private final Store store;
        private final Duration maxAge;
        private volatile long deleted;

        Pruning(Store store, Duration maxAge) {
            this.store = store;
            this.maxAge = maxAge;
        }

        Thread start(AtomicBoolean done) {
            store.queues().setRetention(ARCHIVE, Retention.deleteOlderThan(maxAge));
            Thread t = new Thread(() -> {
                try {
                    deleted = store.admin().applyRetention().messages();
                } finally {
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

        /** Drains for {@code length}, or while {@code pruning} runs. */
        Window window(Duration length, Pruning pruning) throws InterruptedException {
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
            if (pruning != null) {
                pruning.start(done).join();
            } else {
                Thread.sleep(length.toMillis());
                done.set(true);
            }
            long count = acked.get();
            double seconds = (System.nanoTime() - t0) / 1e9;
            for (Thread t : threads) {
                t.join();
            }
            open.forEach(Consumer::close);
            return new Window(pruning != null, seconds, count, pruning == null ? 0 : pruning.deleted);
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
