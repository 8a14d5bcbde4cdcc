package dev.pgqrs.store;

import dev.pgqrs.config.Backend;
import dev.pgqrs.config.PgqrsConfig;
import dev.pgqrs.signal.Notifications;
import dev.pgqrs.signal.QueueSignals;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;

/**
 * Everything that differs between backends: the SQL of the hot statements and of the workflow runtime,
 * how lists and timestamps cross JDBC, how errors are classified, whether writers take turns, how the
 * schema is read, migrated and checked, and whether other processes can be woken. Everything else is
 * written once, in the repositories: apart from {@link DatabaseFactory}, which picks the dialect, no
 * class outside {@code store.postgres} and {@code store.sqlite} branches on the backend or uses their
 * classes ({@code DialectBoundaryTest} holds to that).
 *
 * <p>Each SQL accessor documents its parameters in binding order; both dialects bind the same
 * values in the same order, so the repositories never branch on the backend.
 */
public interface Dialect {

    /** Which backend this is, for reports ({@code Store.backend()}); behaviour asks the methods below instead. */
    Backend backend();

    /** Resource folder of this backend's migrations, e.g. {@code db/postgres}. */
    String migrationsFolder();

    // ---- binding and reading --------------------------------------------------------------

    /** Binds a list of ids as one parameter (an array on PostgreSQL, a JSON array on SQLite). */
    void bindIds(Connection c, PreparedStatement ps, int index, Collection<Long> ids) throws SQLException;

    /**
     * Binds deliveries (id and read_ct pairs) as two parameters, {@code index} and {@code index + 1}: the
     * settling statements' fencing token.
     */
    void bindDeliveries(Connection c, PreparedStatement ps, int index, Deliveries deliveries) throws SQLException;

    /** Binds a list of strings as one parameter. */
    void bindTexts(Connection c, PreparedStatement ps, int index, Collection<String> values) throws SQLException;

    /** Binds a list of JSON documents as one parameter, for batch inserts. */
    void bindJsonDocuments(Connection c, PreparedStatement ps, int index, Collection<String> json) throws SQLException;

    Instant readInstant(ResultSet rs, int column) throws SQLException;

    /**
     * Binds an instant as this backend stores timestamps, so that it compares (and is equal) to the stored ones:
     * a schedule's slots are keys. Millisecond precision on every backend.
     */
    void bindInstant(PreparedStatement ps, int index, Instant instant) throws SQLException;

    // ---- messages ------------------------------------------------------------------------

    /** Params: queue_id, payload JSON, delay ms, producer worker id (nullable). Returns id. */
    String enqueue();

    /** Params: queue_id, payloads (JSON documents), delay ms, producer worker id (nullable). Returns ids. */
    String enqueueBatch();

    /**
     * As {@link #enqueue()}, and the same statement sends a notification (delivered when its
     * transaction commits). Extra trailing params: channel, payload. Null where the backend has no
     * notifications.
     */
    default String enqueueNotifying() {
        return null;
    }

    /** As {@link #enqueueBatch()}, notifying once; extra trailing params: channel, payload. */
    default String enqueueBatchNotifying() {
        return null;
    }

    /**
     * An enqueue with options: as {@link #enqueue()}, with a deduplication key, a priority and an ordering key
     * (each nullable).
     * When a message of the queue already holds the key, nothing is inserted and no row is returned (the unique
     * index decides, so concurrent enqueues of one key insert one message). Params: queue_id, payload JSON,
     * delay ms, producer worker id (nullable), dedup key, priority, ordering key. Returns id, dedup_key.
     */
    String enqueueWithOptions();

    /**
     * As {@link #enqueueBatch()}, with the options of {@link #enqueueWithOptions()} per message: params queue_id,
     * payloads, delay ms, producer, then dedup keys, priorities and ordering keys bound by {@link #bindEnqueueOptions}. Returns
     * id, dedup_key of the rows inserted (a key repeated in the batch, or held by a message already, inserts once).
     */
    String enqueueBatchWithOptions();

    /** As {@link #enqueueWithOptions()}, notifying; extra trailing params: channel, payload. Null without notifications. */
    default String enqueueWithOptionsNotifying() {
        return null;
    }

    /** As {@link #enqueueBatchWithOptions()}, notifying once; extra trailing params: channel, payload. */
    default String enqueueBatchWithOptionsNotifying() {
        return null;
    }

    /**
     * Binds a batch's dedup keys, priorities and ordering keys (nullable elements, payload order) as three
     * parameters from {@code index}.
     */
    void bindEnqueueOptions(Connection c, PreparedStatement ps, int index, List<String> dedupKeys,
                            List<Integer> priorities, List<String> orderingKeys) throws SQLException;

    /**
     * Clears the deduplication keys of up to N messages archived longer ago than a window, so the keys may be
     * used again. Params: window ms, limit. Returns the update count.
     */
    String expireDedupKeys();

    /**
     * Sends a notification on its own, delivered when the transaction commits (e.g. when a workflow
     * run's message is made visible early). Params: channel, payload. Null where the backend has no
     * notifications.
     */
    default String notifyStatement() {
        return null;
    }

    /**
     * Leases up to N visible messages in one statement; rows already delivered max_read_ct times
     * are dead-lettered by the same statement instead of leased. Params: max_read_ct, queue_id,
     * limit, visibility ms, worker id. Returns {@link #messageColumns()} and, where the backend can tell in the
     * same statement, whether the delivery took over a lease that had run out (PostgreSQL: column 15).
     *
     * <p>The statement is the one the queue's settings need: for {@link QueueSettings#PLAIN} the plain dequeue
     * (every due message in visibility order, from the hot-path index, nothing else consulted); for a
     * prioritized queue, prioritized messages first. Every variant takes any due message, so a store whose
     * settings are not yet refreshed still delivers everything, only in visibility order.
     */
    String dequeue(QueueSettings settings);

    /**
     * The dequeue of {@link #dequeue(QueueSettings)} (not of a limited queue) whose candidates also meet
     * {@code candidateFilter}: SQL over the candidate row {@code m} that binds no positional parameter, so the
     * statement's parameters stay the dequeue's (PostgreSQL: read what it needs from a CTE the caller puts ahead;
     * SQLite: a numbered parameter after the dequeue's five). A filtered-out message is not leased at all, where
     * leasing and giving it back would hide it from the consumers it is for.
     */
    String dequeue(QueueSettings settings, String candidateFilter);

    /**
     * The acknowledgement of held deliveries and the dequeue of the next batch in one statement, one commit:
     * {@code acknowledge} — this dialect's {@link #archive()} or {@link #delete()} — as a prefix of
     * {@link #dequeue(QueueSettings) dequeue(settings)}, whatever variant that is. Params: the acknowledgement's
     * (deliveries, worker id), then the dequeue's. Returns the dequeue's columns followed by the acknowledged
     * deliveries as two lists, ids ({@code acked_ids}) and read counts ({@code acked_read_cts}), repeated on every
     * row; when nothing was leased, one row whose dequeue columns are all NULL carries them.
     *
     * <p>Null where one statement cannot do both for these settings: the backend has no data-modifying CTEs
     * (SQLite), or the claim must see the acknowledgement's effect, which a claim in the same statement does
     * not (a FIFO queue's next message of a key becomes eligible only once its head is archived; a limited
     * queue's dequeue counts the leases the acknowledgement ends, after the lock it takes first). The caller
     * then runs the two statements in one transaction: one commit as well, two round trips.
     */
    default String acknowledgeAndDequeue(String acknowledge, QueueSettings settings) {
        return null;
    }

    /**
     * Locks a limited queue's settings row until the transaction ends, before its dequeue (the same transaction),
     * so the limited dequeues of one queue take turns and each counts the leases of the ones before it. Params:
     * queue_id. Null where the write transaction does that already (SQLite's one writer, BEGIN IMMEDIATE).
     *
     * <p>A limited queue's dequeue ({@link #dequeue(QueueSettings)} with {@link QueueSettings#limited()}) takes
     * the same parameters and returns the same columns, at most {@code least(requested, concurrency_limit -
     * leased, rate_limit - dequeued in the current window)} rows, reading the limits from the settings row.
     */
    String lockQueueLimits();

    /**
     * Where the limited dequeue cannot count its leases in the rate window itself (SQLite: an UPDATE changes one
     * table), the statement that does, after it in the same transaction: the limited dequeue then returns the
     * database clock it read (epoch ms) as the column after {@link #messageColumns()}. Params: queue_id, that
     * clock, messages leased. Null where the limited dequeue counts them itself (PostgreSQL).
     */
    String countRateWindow();

    // Settling: each statement changes only the deliveries the worker still holds (same id, same read_ct,
    // consumer = the worker, not archived); "deliveries" are the two parameters of bindDeliveries.

    /** Params: deliveries, worker id. Returns id, read_ct. */
    String archive();

    /** Params: deliveries, worker id. Returns id, read_ct. */
    String delete();

    /** pgqrs's extend: the lease grows by the time given, from its end. Params: ms, deliveries, worker id. Returns id, read_ct. */
    String extend();

    /** A lease keeper's renewal: the lease ends the time given from now. Params: ms, deliveries, worker id. Returns id, read_ct. */
    String renew();

    /** Gives deliveries back, never dead-letters. Params: delay ms, error (nullable), deliveries, worker id. Returns id, read_ct. */
    String release();

    /** Params: reason, deliveries, worker id. Returns id, read_ct. */
    String deadLetter();

    /** Params: queue_id, max_read_ct, limit. Returns {@link #messageColumns()}. */
    String listDeadLetters();

    /** Params: queue_id, max_read_ct, ids. Returns id. */
    String replayDeadLetters();

    /** Params: queue_id, max_read_ct. Returns id. */
    String replayAllDeadLetters();

    /**
     * Deletes the given dead letters of a queue, except those that carry a workflow run (the run keeps its
     * message). Params: queue_id, max_read_ct, ids. Returns id.
     */
    String deleteDeadLetters();

    /**
     * Deletes the oldest archived messages of a queue archived in [from, before), at most N, keeping dead letters
     * and messages that carry a workflow run: one bounded batch of retention, read in archived_at order from the
     * queue's archived index. Params: queue_id, max_read_ct, from epoch ms, before epoch ms, limit. Returns the
     * archived_at (epoch ms) of each row deleted, so the next batch starts where this one ended.
     */
    String deleteArchivedBetween();

    /**
     * The archived_at (epoch ms) of the queue's (offset + 1)-th newest archived message that retention may
     * delete (dead letters and messages of workflow runs neither count nor go): what a count limit keeps
     * starts there. Params: queue_id, max_read_ct, offset. No row when the queue holds fewer.
     */
    String newestDeletableArchived();

    /** Params: worker id. Returns the number of unexpired leases it holds. */
    String countHeldLeases();

    /**
     * Params: max_read_ct, queue_id. Returns total, pending, leased, delayed, archived,
     * dead_lettered, oldest pending enqueued_at (nullable).
     */
    String queueMetrics();

    /**
     * {@link #queueMetrics()} of every queue in one statement (one pass over the messages), ordered by queue name;
     * a queue without messages counts zeros. Params: max_read_ct. Returns queue name, then the same columns.
     */
    String allQueueMetrics();

    /**
     * The meters' snapshot of every queue in one statement, reading only the partial indexes of live rows and of
     * dead letters (never the archived history). Params: max_read_ct. Returns queue name, pending (visible now),
     * leased, delayed, dead-lettered (marked, or due at the delivery limit), oldest pending enqueued_at
     * (nullable), and dead tuples of the messages table (PostgreSQL's statistics; NULL where there are none).
     */
    String queueGauges();

    /**
     * Every queue's counts from at most {@code sample + 1} rows of each of its partial indexes, ordered by queue
     * name; null where the backend cannot estimate what a sample leaves out (its estimated metrics are exact).
     * Params: max_read_ct, sample. Returns queue id, queue name; over the first live rows in visibility order:
     * seen, pending, leased, delayed, due at the delivery limit, oldest pending enqueued_at (nullable); over the
     * live rows not visible yet: seen, leased; over the archived rows: seen, dead letters; dead-letter marks seen.
     */
    String sampledQueueCounts();

    /** The planner settings {@link #sampledQueueCounts()} runs with, local to its read-only transaction. */
    String sampledCountsSettings();

    /**
     * Estimated rows of each frequent (queue, live, dead-letter mark) combination, from the backend's statistics;
     * no rows where there are none. Params: none. Returns queue id, live (not archived), marked dead-lettered, rows.
     */
    String queueStateEstimates();

    /**
     * Estimated rows of the partial indexes of live rows, of archived rows and of dead-letter marks, from the
     * backend's statistics (0 where there are none). Params: none. Returns one row of three counts.
     */
    String partialIndexRows();

    /** The column list every message query returns, in {@code MessageRow} order. */
    String messageColumns();

    // ---- workers --------------------------------------------------------------------------

    /** Params: name, queue_id (nullable). Returns id, started_at, heartbeat_at. */
    String insertWorker();

    /** Params: queue_id (nullable), name. Takes over the stopped row of that name. Returns id, started_at, heartbeat_at. */
    String reviveWorker();

    /**
     * Params: ids. Returns the id and status of those that are not stopped (the others were reaped); the status
     * is the row's, which an operator may have changed from another process (suspend, resume, shutdown).
     */
    String heartbeat();

    /** Params: target status, target status, id, allowed source statuses. Returns status. */
    String transitionWorker();


    // ---- fragments for statements written once for both backends --------------------------------

    /** The database's current time as this backend stores timestamps. */
    String now();

    /** The database's current time minus a number of milliseconds bound as one parameter. */
    String nowMinusMillis();

    /** Milliseconds from the timestamp in {@code column} to now (a whole number). */
    String millisSince(String column);

    /** "The value is one of a list bound with {@link #bindIds} as one parameter", after the value. */
    String inIds();

    /** Milliseconds since the Unix epoch of the timestamp in {@code column}, rounded down (a whole number). */
    String epochMillis(String column);

    /** The timestamp of a number of milliseconds since the Unix epoch bound as one parameter, in this backend's form. */
    String fromEpochMillis();

    // ---- workflow runtime, connections, wake-ups ----------------------------------------------

    /** The workflow runtime's statements on this backend. */
    WorkflowSql workflowSql();

    /**
     * Whether this process's writers take turns behind one lock in {@link Database}: SQLite allows one
     * writer per file, so threads queue in Java instead of meeting "database is locked".
     */
    boolean serialisesWriters();

    /**
     * Cross-process wake-ups for one store: LISTEN/NOTIFY on PostgreSQL when the configuration asks
     * for them, {@link Notifications#NONE} otherwise.
     */
    Notifications notifications(Database database, QueueSignals signals, PgqrsConfig config);

    /**
     * Whether an enqueue here can wake consumers of other processes (PostgreSQL's NOTIFY), so that consumers linger
     * after work for the debounced notifications of other processes ({@link dev.pgqrs.signal.Linger}).
     */
    default boolean notifiesOtherProcesses() {
        return false;
    }

    /**
     * Checks, before anything else runs, that the configured schema exists and that the connections
     * resolve tables in it; throws a {@code SchemaException} or {@code ConfigException} saying what to
     * do. Nothing to check where the backend has no schemas (a SQLite file).
     */
    void checkSchema(Database database, String schema);

    /** How this backend's schema is read, migrated and checked by {@code admin().verify()}. */
    SchemaDialect schema();

    /**
     * The lease that elects one maintenance process per database for {@code holder} (a name unique to this
     * store): a session advisory lock on a dedicated connection on PostgreSQL, a lease row renewed before it
     * expires ({@code ttl}) on SQLite.
     */
    LeaderLease leaderLease(Database database, String holder, Duration ttl);

    // ---- locking and errors ------------------------------------------------------------------

    /**
     * Takes a transaction-scoped lock serialising schema changes across processes, waiting at most
     * {@code wait} for it (PostgreSQL: the advisory lock pgqrs for Rust's migrator takes as well;
     * SQLite's write lock already serialises).
     */
    void lockForMigration(Connection c, Duration wait) throws SQLException;

    /** True when the error means the database is unreachable or the connection was lost. */
    boolean isConnectionFailure(SQLException e);

    /** True when the error means a pgqrs table does not exist (schema not installed). */
    boolean isMissingTable(SQLException e);

    /** True for a unique or foreign-key violation. */
    boolean isConstraintViolation(SQLException e);
}
