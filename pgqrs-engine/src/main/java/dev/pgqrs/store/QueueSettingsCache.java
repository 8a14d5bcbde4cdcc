package dev.pgqrs.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * What one store knows of its queues' settings, read from the database at most once per {@link #REFRESH} per
 * queue: the dequeue asks it which statement to run, so the plain path costs no extra round trip.
 *
 * <p>A change made through this store is seen by it at once; one made by another store (another process) is
 * seen within the refresh bound. For priorities that is the whole consequence: a consumer that has not seen the
 * mark yet runs the plain statement, which takes every due message (prioritized ones included) in visibility
 * order, so nothing waits longer than it would on a plain queue, and priorities are honoured from the next
 * refresh on. FIFO is declared when a queue is created and never changes, so a store never runs a FIFO queue's
 * dequeue without its ordering rule. Limits: only whether a queue has any is cached (it chooses the limited
 * statement); their values are read by that statement from the row, so a store that runs it applies a change of
 * values at once, and one that still runs the plain statement applies new limits within the refresh bound.
 */
public final class QueueSettingsCache {

    /** How long a queue's settings read from the database are trusted before they are read again. */
    public static final Duration REFRESH = Duration.ofSeconds(1);

    /** Settings and when they were read; {@code confirmed}: read from the database, not only written by this store. */
    private record Entry(QueueSettings settings, long readAtNanos, boolean confirmed) {
    }

    private final QueueSettingsRepository rows = new QueueSettingsRepository();
    private final ConcurrentHashMap<Long, Entry> entries = new ConcurrentHashMap<>();
    private final long refreshNanos;
    private final LongSupplier nanoTime;

    public QueueSettingsCache() {
        this(REFRESH, System::nanoTime);
    }

    QueueSettingsCache(Duration refresh, LongSupplier nanoTime) {
        this.refreshNanos = refresh.toNanos();
        this.nanoTime = nanoTime;
    }

    /** The queue's settings, read on {@code c} when what this store knows is older than the refresh bound. */
    public QueueSettings of(Connection c, long queueId) throws SQLException {
        Entry entry = entries.get(queueId);
        long now = nanoTime.getAsLong();
        if (entry != null && now - entry.readAtNanos() < refreshNanos) {
            return entry.settings();
        }
        return reload(c, queueId, now);
    }

    /**
     * Marks the queue prioritized, on {@code c} (in the enqueue's transaction when it has one), before a message
     * with a priority is inserted. Once per queue: a store that has read the mark back, or wrote it within the
     * refresh bound, writes nothing.
     */
    public void requirePrioritized(Connection c, long queueId) throws SQLException {
        Entry entry = entries.get(queueId);
        long now = nanoTime.getAsLong();
        if (entry != null && entry.settings().prioritized()
                && (entry.confirmed() || now - entry.readAtNanos() < refreshNanos)) {
            return;
        }
        // A mark of this store's that is older than the bound and not read back may have been rolled back.
        if (reload(c, queueId, now).prioritized()) {
            return;
        }
        QueueSettings known = entries.get(queueId).settings();
        rows.markPrioritized(c, queueId);
        entries.put(queueId, new Entry(known.withPrioritized(), now, false));
    }

    /**
     * Declares a queue FIFO, on {@code c}, in the transaction that creates it. FIFO is never enforced late: a
     * store can only know the queue's id after the queue exists, and then reads its settings with it.
     */
    public void declareFifo(Connection c, long queueId) throws SQLException {
        rows.insertFifo(c, queueId);
    }

    /** Forgets a queue (deleted): a queue created later under its name has another id, this just frees memory. */
    public void forget(long queueId) {
        entries.remove(queueId);
    }

    private QueueSettings reload(Connection c, long queueId, long now) throws SQLException {
        QueueSettings settings = rows.read(c, queueId);
        entries.put(queueId, new Entry(settings, now, true));
        return settings;
    }
}
