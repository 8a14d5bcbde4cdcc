package dev.pgqrs;

import dev.pgqrs.store.QueueSettingsRepository;
import dev.pgqrs.store.RetentionRepository;

import java.util.List;
import java.util.Optional;

/** Creating, finding, deleting and measuring queues. */
public final class Queues {

    /** How many rows of each kind {@link #estimatedMetrics()} counts exactly per queue. */
    public static final int DEFAULT_EXACT_UP_TO = 5_000;

    private final Store store;

    Queues(Store store) {
        this.store = store;
    }

    /** Creates a queue; fails with {@link QueueAlreadyExistsException} if the name is taken. */
    public QueueInfo create(String name) {
        Names.requireQueueName(name);
        return store.database().execute("create queue '" + name + "'", c -> store.queueRows().insert(c, name))
                .orElseThrow(() -> new QueueAlreadyExistsException(name));
    }

    /**
     * Creates a queue with options (a FIFO queue: {@link QueueOptions#fifoQueue()}); its settings are written in the
     * transaction that creates it. Fails with {@link QueueAlreadyExistsException} if the name is taken.
     */
    public QueueInfo create(String name, QueueOptions options) {
        Names.requireQueueName(name);
        return store.database().transaction("create queue '" + name + "'", c -> {
            Optional<QueueInfo> created = store.queueRows().insert(c, name);
            if (created.isPresent() && options.fifo()) {
                store.database().queueSettings().declareFifo(c, created.get().id());
            }
            return created;
        }).orElseThrow(() -> new QueueAlreadyExistsException(name));
    }

    /** Creates the queue unless it exists; returns it either way. */
    public QueueInfo createIfAbsent(String name) {
        Names.requireQueueName(name);
        Optional<QueueInfo> created = store.database().execute("create queue '" + name + "'",
                c -> store.queueRows().insert(c, name));
        return created.orElseGet(() -> get(name));
    }

    /** Creates the queue with options unless it exists (then its options are the ones it was created with). */
    public QueueInfo createIfAbsent(String name, QueueOptions options) {
        if (!options.fifo()) {
            return createIfAbsent(name);
        }
        try {
            return create(name, options);
        } catch (QueueAlreadyExistsException e) {
            return get(name);
        }
    }

    /** The queue of that name; fails with {@link QueueNotFoundException}. */
    public QueueInfo get(String name) {
        return find(name).orElseThrow(() -> new QueueNotFoundException(name));
    }

    public Optional<QueueInfo> find(String name) {
        Names.requireQueueName(name);
        return store.database().read("find queue '" + name + "'", c -> store.queueRows().find(c, name));
    }

    public boolean exists(String name) {
        return find(name).isPresent();
    }

    public List<QueueInfo> list() {
        return store.database().read("list queues", c -> store.queueRows().list(c));
    }

    /**
     * Deletes an empty queue. Refused with {@link QueueInUseException} while messages (archived
     * ones included), workers or workflows reference it; {@link #purge} removes messages and workers.
     */
    public void delete(String name) {
        QueueInfo q = get(name);
        store.database().transaction("delete queue '" + name + "'", c -> {
            var usage = store.queueRows().usage(c, q.id());
            if (usage.inUse()) {
                throw new QueueInUseException(name, usage.describe());
            }
            return store.queueRows().delete(c, q.id());
        });
        store.database().queueSettings().forget(q.id());
        store.queueRemoved(name);
    }

    /** Removes every message (and workflow run) of the queue and its workers; returns the messages removed. */
    public int purge(String name) {
        QueueInfo q = get(name);
        int removed = store.database().transaction("purge queue '" + name + "'", c -> store.queueRows().purge(c, q.id()));
        store.queueRemoved(name);
        return removed;
    }

    /**
     * Up to {@code limit} messages of the queue not archived yet — pending, delayed or leased — oldest first,
     * read without leasing them (what an operator looks at; consumers {@code dequeue}).
     */
    public List<Message> peek(String name, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("peek limit must be at least 1, was " + limit);
        }
        QueueInfo q = get(name);
        return store.database().read("peek at queue '" + name + "'", c -> store.messageRows().peek(c, q.id(), q.name(), limit));
    }

    public QueueMetrics metrics(String name) {
        QueueInfo q = get(name);
        int maxReadCount = store.config().maxReadCount();
        return store.database().read("metrics of queue '" + name + "'",
                c -> store.messageRows().metrics(c, q.id(), q.name(), maxReadCount));
    }

    /** Metrics of every queue, by name: one statement, one pass over the messages for all queues. */
    public List<QueueMetrics> metrics() {
        int maxReadCount = store.config().maxReadCount();
        return store.database().read("metrics of all queues", c -> store.messageRows().allMetrics(c, maxReadCount));
    }

    /** {@link #estimatedMetrics(int)} counting exactly up to {@value #DEFAULT_EXACT_UP_TO} rows of each kind. */
    public List<QueueMetrics> estimatedMetrics() {
        return estimatedMetrics(DEFAULT_EXACT_UP_TO);
    }

    /**
     * Metrics of every queue at a cost that follows {@code exactUpTo}, not the table — for dashboards and
     * scrapes over millions of rows, where {@link #metrics()} reads every row. Per queue, at most
     * {@code exactUpTo} + 1 rows of each partial index are read: live rows in visibility order, those not
     * visible yet, the archived history and the dead-letter marks. A queue within the limit gets the exact
     * counts of {@link #metrics()}; past it, {@link QueueMetrics#estimated()} is true and:
     * <ul>
     *   <li>live and archived rows come from PostgreSQL's statistics of the messages by queue and state, or,
     *       for a queue too small a share of the table to be among them, from what the partial indexes hold
     *       beyond the queues they know (kept by ANALYZE, VACUUM and autovacuum, so they lag the table by what
     *       autovacuum lets change before it runs again), never less than what was read;</li>
     *   <li>pending is the live rows less the leased, delayed and due-dead ones read; leased and delayed are
     *       counted from the rows not visible yet (at least the limit when there are more);</li>
     *   <li>the oldest pending message is the oldest among the rows read;</li>
     *   <li>past the limit of archived rows, dead letters are those marked dead-lettered; another edition's,
     *       which carry no mark, count as archived.</li>
     * </ul>
     * Without the statistics by queue (a server before PostgreSQL 14, a user who does not own the table) the
     * indexes' totals are split evenly between the queues cut short; before the table was ever vacuumed or
     * analyzed a count past the limit is the limit + 1, a lower bound. On SQLite, which keeps no such
     * statistics, every count is exact.
     *
     * @param exactUpTo how many rows of each kind a queue may have and still be counted exactly (at least 1)
     */
    public List<QueueMetrics> estimatedMetrics(int exactUpTo) {
        if (exactUpTo < 1 || exactUpTo == Integer.MAX_VALUE) {
            throw new IllegalArgumentException("estimatedMetrics' exactUpTo must be between 1 and "
                    + (Integer.MAX_VALUE - 1) + ", was " + exactUpTo);
        }
        int maxReadCount = store.config().maxReadCount();
        return store.database().read("estimated metrics of all queues",
                c -> store.messageRows().estimatedMetrics(c, maxReadCount, exactUpTo));
    }

    /**
     * Sets how long the queue keeps its archived messages, replacing the store's defaults ({@code archive_retention},
     * {@code archive_max_count}) for it; {@link Retention#FOREVER} keeps them all whatever the defaults say. Applied
     * by the maintenance leader at its next retention pass.
     */
    public void setRetention(String name, Retention retention) {
        if (retention == null) {
            throw new IllegalArgumentException("retention of queue '" + name + "' is null; use Retention.FOREVER to keep "
                    + "everything, or clearRetention to fall back to the store's defaults");
        }
        QueueInfo q = get(name);
        RetentionRepository rows = new RetentionRepository(store.database().dialect());
        store.database().execute("set retention of queue '" + name + "'",
                c -> {
                    rows.set(c, RetentionRepository.Owner.QUEUE, q.id(), retention);
                    return null;
                });
    }

    /** The queue's own retention, or empty when it follows the store's defaults. */
    public Optional<Retention> retention(String name) {
        QueueInfo q = get(name);
        RetentionRepository rows = new RetentionRepository(store.database().dialect());
        return store.database().read("read retention of queue '" + name + "'",
                c -> rows.find(c, RetentionRepository.Owner.QUEUE, q.id()));
    }

    /** Drops the queue's own retention: it follows the store's defaults again. Returns whether it had one. */
    public boolean clearRetention(String name) {
        QueueInfo q = get(name);
        RetentionRepository rows = new RetentionRepository(store.database().dialect());
        return store.database().execute("clear retention of queue '" + name + "'",
                c -> rows.clear(c, RetentionRepository.Owner.QUEUE, q.id()));
    }

    /**
     * Sets the queue's limits (replacing any): at most {@link QueueLimits#concurrency()} messages leased at once,
     * and at most {@link QueueLimits#rate()} dequeued per {@link QueueLimits#ratePeriod()}, for the consumers and
     * queue workers of every store and process, enforced by the database in the dequeue statement. This store's
     * dequeues apply a change at once. Other stores' apply it within a second (the refresh bound of their queue
     * settings) when the queue had no limits before, and at once when it had some (the limited statement reads
     * the values from the database). Refused with {@link IllegalArgumentException} for a workflow's queue, whose
     * runs are claimed without limits.
     */
    public void setLimits(String name, QueueLimits limits) {
        if (limits == null) {
            throw new IllegalArgumentException("limits of queue '" + name + "' are null; use clearLimits to remove them");
        }
        QueueInfo q = get(name);
        QueueSettingsRepository rows = new QueueSettingsRepository();
        store.database().transaction("set limits of queue '" + name + "'", c -> {
            Optional<String> workflow = rows.workflowOf(c, q.id());
            if (workflow.isPresent()) {
                throw new IllegalArgumentException("queue '" + name + "' is the queue of workflow '" + workflow.get()
                        + "': its runs are claimed without limits, so limits are refused on it");
            }
            rows.setLimits(c, q.id(), limits);
            return null;
        });
        // Read again by the next dequeue: this store applies the change at once.
        store.database().queueSettings().forget(q.id());
    }

    /** The queue's limits, or empty when it has none. */
    public Optional<QueueLimits> limits(String name) {
        QueueInfo q = get(name);
        return store.database().read("read limits of queue '" + name + "'",
                c -> new QueueSettingsRepository().readLimits(c, q.id()));
    }

    /** Removes the queue's limits: its dequeue is the statement of its other settings again. Returns whether it had any. */
    public boolean clearLimits(String name) {
        QueueInfo q = get(name);
        boolean had = store.database().execute("clear limits of queue '" + name + "'",
                c -> new QueueSettingsRepository().clearLimits(c, q.id()));
        store.database().queueSettings().forget(q.id());
        return had;
    }
}
