package dev.pgqrs.store;

import dev.pgqrs.Enqueued;
import dev.pgqrs.Message;
import dev.pgqrs.PayloadCodec;
import dev.pgqrs.QueueMetrics;
import dev.pgqrs.internal.MessageTracing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Optional;

/**
 * Message statements, written once for every backend: the SQL comes from the {@link Dialect},
 * the binding order is the one the dialect documents. Each method is one statement, one round trip.
 */
public final class MessageRepository {

    // Messages whose queue or worker row is gone: what admin().verify() reports, written once for both backends.
    private static final String ORPHANS = """
            SELECT (SELECT count(*) FROM pgqrs_messages m
                     WHERE NOT EXISTS (SELECT 1 FROM pgqrs_queues q WHERE q.id = m.queue_id)),
                   (SELECT count(*) FROM pgqrs_messages m
                     WHERE m.producer_worker_id IS NOT NULL
                       AND NOT EXISTS (SELECT 1 FROM pgqrs_workers w WHERE w.id = m.producer_worker_id)),
                   (SELECT count(*) FROM pgqrs_messages m
                     WHERE m.consumer_worker_id IS NOT NULL
                       AND NOT EXISTS (SELECT 1 FROM pgqrs_workers w WHERE w.id = m.consumer_worker_id))""";

    /** Counts of messages that reference a queue, a producer or a consumer that does not exist. */
    public record Orphans(long withoutQueue, long withoutProducer, long withoutConsumer) {
    }

    private final Dialect dialect;
    private final PayloadCodec codec;
    private final QueueSettingsCache queueSettings;

    /**
     * For messages only the engine reads (workflow runs, maintenance): mapped with the default codec. It neither
     * dequeues nor enqueues with options (which need the store's {@link QueueSettingsCache}).
     */
    public MessageRepository(Dialect dialect) {
        this(dialect, PayloadCodec.defaults(), null);
    }

    public MessageRepository(Dialect dialect, PayloadCodec codec, QueueSettingsCache queueSettings) {
        this.dialect = dialect;
        this.codec = codec;
        this.queueSettings = queueSettings;
    }

    // A message with a priority is inserted only into a queue marked prioritized (the mark comes first), so every
    // store that reads the queue's settings after the message exists dequeues it by its priority.
    private void requirePrioritized(Connection c, long queueId, Integer priority) throws SQLException {
        if (priority != null) {
            settings().requirePrioritized(c, queueId);
        }
    }

    // FIFO is declared when a queue is created (QueueOptions.fifoQueue()), so the cache always knows it.
    private void requireFifo(Connection c, long queueId, String orderingKey) throws SQLException {
        if (!settings().of(c, queueId).fifo()) {
            throw new IllegalArgumentException("ordering key '" + orderingKey + "' given for a queue that is not FIFO:"
                    + " ordering keys need a queue created with QueueOptions.fifoQueue()");
        }
    }

    private QueueSettingsCache settings() {
        if (queueSettings == null) {
            throw new IllegalStateException("this message repository has no queue settings: use the store's");
        }
        return queueSettings;
    }

    /** Binds a payload parameter of an enqueue: one JSON document, or a batch's documents as one parameter. */
    @FunctionalInterface
    public interface PayloadParameter {
        void bind(PreparedStatement ps, int index) throws SQLException;
    }

    /**
     * The one binder of an enqueue's parameters, for every statement that starts with one: a single or batch
     * enqueue (on the store's connection or a caller's; a dead-letter copy is a single enqueue), and the
     * workflow trigger built around {@link Dialect#enqueue()}. Binds, in the order the dialect documents, queue
     * id, payload, delay ms, producer (nullable) and headers, and returns the index of the next parameter.
     *
     * <p>The headers are the trace context of the span current on the calling thread, the thread the statement
     * runs on ({@link MessageTracing}): so every kind of enqueue carries it, and none without a span or without
     * OpenTelemetry stores anything (NULL).
     */
    public static int bindEnqueue(PreparedStatement ps, long queueId, PayloadParameter payload, long delayMillis,
                                  Long producerId) throws SQLException {
        ps.setLong(1, queueId);
        payload.bind(ps, 2);
        ps.setLong(3, delayMillis);
        Jdbc.setNullableLong(ps, 4, producerId);
        ps.setString(5, MessageTracing.get().currentHeaders());
        return 6;
    }

    /** {@link #bindEnqueue(PreparedStatement, long, PayloadParameter, long, Long)} with one JSON document. */
    public static int bindEnqueue(PreparedStatement ps, long queueId, String json, long delayMillis, Long producerId)
            throws SQLException {
        return bindEnqueue(ps, queueId, (statement, index) -> statement.setString(index, json), delayMillis, producerId);
    }

    /** The notification a notifying enqueue ends with, from {@code index} on: channel, payload. None without a channel. */
    public static void bindNotice(PreparedStatement ps, int index, String channel, String payload) throws SQLException {
        if (channel != null) {
            ps.setString(index, channel);
            ps.setString(index + 1, payload);
        }
    }

    /**
     * Inserts a message; with a {@code channel}, the same statement notifies it with {@code payload}
     * (delivered when the transaction commits).
     */
    public long insert(Connection c, long queueId, String json, long delayMillis, Long producerId, String channel,
                       String payload) throws SQLException {
        return Jdbc.queryLong(c, channel == null ? dialect.enqueue() : dialect.enqueueNotifying(),
                ps -> bindNotice(ps, bindEnqueue(ps, queueId, json, delayMillis, producerId), channel, payload));
    }

    /** Inserts a batch in one statement (notifying {@code channel} once if given); returns ids in payload order. */
    public List<Long> insertBatch(Connection c, long queueId, List<String> jsons, long delayMillis, Long producerId,
                                  String channel, String payload) throws SQLException {
        String sql = channel == null ? dialect.enqueueBatch() : dialect.enqueueBatchNotifying();
        List<Long> ids = Jdbc.query(c, sql, ps -> {
            int next = bindEnqueue(ps, queueId, (statement, index) -> dialect.bindJsonDocuments(c, statement, index, jsons),
                    delayMillis, producerId);
            bindNotice(ps, next, channel, payload);
        }, rs -> rs.getLong(1));
        // Ids are assigned in insertion order, which follows the batch order; RETURNING's row order is not promised.
        ids.sort(Comparator.naturalOrder());
        return ids;
    }

    /**
     * Inserts a message with options (a deduplication key and a priority, each nullable), notifying as
     * {@link #insert} does. With a key that a message of the queue holds, nothing is inserted and that
     * message's id is returned as a duplicate. One statement, and a second one only for a duplicate (to read the
     * holder's id: on PostgreSQL a holder committed while the insert waited is not in the insert's snapshot).
     */
    public Enqueued insertWithOptions(Connection c, long queueId, String json, long delayMillis, Long producerId,
                                      String dedupKey, Integer priority, String orderingKey, String channel,
                                      String payload) throws SQLException {
        String sql = channel == null ? dialect.enqueueWithOptions() : dialect.enqueueWithOptionsNotifying();
        if (orderingKey != null) {
            requireFifo(c, queueId, orderingKey);
        }
        requirePrioritized(c, queueId, priority);
        for (int attempt = 1; ; attempt++) {
            Optional<Long> inserted = Jdbc.queryOne(c, sql, ps -> {
                int next = bindEnqueue(ps, queueId, json, delayMillis, producerId);
                ps.setString(next, dedupKey);
                Jdbc.setNullableInt(ps, next + 1, priority);
                ps.setString(next + 2, orderingKey);
                bindNotice(ps, next + 3, channel, payload);
            }, rs -> rs.getLong(1));
            if (inserted.isPresent()) {
                return new Enqueued(inserted.get(), false);
            }
            Map<String, Long> holders = holdersOf(c, queueId, List.of(dedupKey));
            if (holders.containsKey(dedupKey)) {
                return new Enqueued(holders.get(dedupKey), true);
            }
            requireAttemptsLeft(attempt, dedupKey);
        }
    }

    /**
     * Inserts a batch with options in one statement (notifying {@code channel} once if given); returns, in payload
     * order, each message's id, or that of the message holding its key (a key repeated in the batch is inserted
     * once: the later ones are duplicates of the first).
     */
    public List<Enqueued> insertBatchWithOptions(Connection c, long queueId, List<String> jsons, long delayMillis,
                                                 Long producerId, List<String> dedupKeys, List<Integer> priorities,
                                                 List<String> orderingKeys, String channel, String payload)
            throws SQLException {
        String sql = channel == null ? dialect.enqueueBatchWithOptions() : dialect.enqueueBatchWithOptionsNotifying();
        for (String orderingKey : orderingKeys) {
            if (orderingKey != null) {
                requireFifo(c, queueId, orderingKey);
                break;
            }
        }
        for (Integer priority : priorities) {
            if (priority != null) {
                requirePrioritized(c, queueId, priority);
                break;
            }
        }
        Enqueued[] result = new Enqueued[jsons.size()];
        List<Integer> pending = new ArrayList<>(jsons.size());
        for (int i = 0; i < jsons.size(); i++) {
            pending.add(i);
        }
        for (int attempt = 1; ; attempt++) {
            List<String> batchJson = new ArrayList<>(pending.size());
            List<String> batchKeys = new ArrayList<>(pending.size());
            List<Integer> batchPriorities = new ArrayList<>(pending.size());
            List<String> batchOrderingKeys = new ArrayList<>(pending.size());
            for (int i : pending) {
                batchJson.add(jsons.get(i));
                batchKeys.add(dedupKeys.get(i));
                batchPriorities.add(priorities.get(i));
                batchOrderingKeys.add(orderingKeys.get(i));
            }
            List<long[]> unkeyed = new ArrayList<>();
            Map<String, Long> insertedKeys = new HashMap<>();
            Jdbc.query(c, sql, ps -> {
                int next = bindEnqueue(ps, queueId,
                        (statement, index) -> dialect.bindJsonDocuments(c, statement, index, batchJson), delayMillis, producerId);
                dialect.bindEnqueueOptions(c, ps, next, batchKeys, batchPriorities, batchOrderingKeys);
                bindNotice(ps, next + 3, channel, payload);
            }, rs -> {
                String key = rs.getString(2);
                if (key == null) {
                    unkeyed.add(new long[] {rs.getLong(1)});
                } else {
                    insertedKeys.put(key, rs.getLong(1));
                }
                return null;
            });
            // Ids are assigned in insertion order, which follows the batch order; RETURNING's row order is not promised.
            unkeyed.sort(Comparator.comparingLong(row -> row[0]));
            int nextUnkeyed = 0;
            Set<String> firstSeen = new HashSet<>();
            List<String> duplicateKeys = new ArrayList<>();
            for (int i : pending) {
                String key = dedupKeys.get(i);
                if (key == null) {
                    result[i] = new Enqueued(unkeyed.get(nextUnkeyed++)[0], false);
                } else if (insertedKeys.containsKey(key)) {
                    result[i] = new Enqueued(insertedKeys.get(key), !firstSeen.add(key));
                } else {
                    duplicateKeys.add(key);
                }
            }
            Map<String, Long> holders = duplicateKeys.isEmpty() ? Map.of() : holdersOf(c, queueId, duplicateKeys);
            List<Integer> stillPending = new ArrayList<>();
            for (int i : pending) {
                if (result[i] == null) {
                    Long holder = holders.get(dedupKeys.get(i));
                    if (holder != null) {
                        result[i] = new Enqueued(holder, true);
                    } else {
                        stillPending.add(i);
                    }
                }
            }
            if (stillPending.isEmpty()) {
                return List.of(result);
            }
            requireAttemptsLeft(attempt, dedupKeys.get(stillPending.get(0)));
            pending = stillPending;
        }
    }

    // A key's holder can go between the insert that met it and the read of its id (deleted by its consumer, or
    // its window passed): then the insert is tried again. Only a key that keeps vanishing fails the enqueue.
    private static void requireAttemptsLeft(int attempt, String dedupKey) throws SQLException {
        if (attempt >= 5) {
            throw new SQLException("the message holding dedup key '" + dedupKey + "' was removed each time it was met ("
                    + attempt + " attempts): retry the enqueue");
        }
    }

    // Keys are compared as they are bound: a list of strings as one parameter, read with the dialect's list test.
    private static final String HOLDERS = "SELECT id, dedup_key FROM pgqrs_messages WHERE queue_id = ? AND dedup_key ";

    /** The ids of the messages of a queue holding each of the keys (absent: no message holds it). */
    private Map<String, Long> holdersOf(Connection c, long queueId, List<String> keys) throws SQLException {
        Map<String, Long> holders = new HashMap<>();
        Jdbc.query(c, HOLDERS + dialect.inIds(), ps -> {
            ps.setLong(1, queueId);
            dialect.bindTexts(c, ps, 2, keys);
        }, rs -> holders.put(rs.getString(2), rs.getLong(1)));
        return holders;
    }

    /** Clears the deduplication keys of up to {@code limit} messages archived more than {@code windowMillis} ago. */
    public int expireDedupKeys(Connection c, long windowMillis, int limit) throws SQLException {
        return Jdbc.update(c, dialect.expireDedupKeys(), ps -> {
            ps.setLong(1, windowMillis);
            ps.setInt(2, limit);
        });
    }

    /**
     * Leases up to {@code limit} messages. Messages that had already been delivered
     * {@code maxReadCount} times are dead-lettered by the same statement and not returned.
     */
    public List<Message> dequeue(Connection c, long queueId, String queueName, int limit, int maxReadCount,
                                 long visibilityMillis, long workerId) throws SQLException {
        return dequeue(c, queueId, queueName, limit, maxReadCount, visibilityMillis, workerId, dead -> { });
    }

    /** As {@link #dequeue(Connection, long, String, int, int, long, long)}, telling how many the statement dead-lettered. */
    public List<Message> dequeue(Connection c, long queueId, String queueName, int limit, int maxReadCount,
                                 long visibilityMillis, long workerId, java.util.function.IntConsumer deadLettered)
            throws SQLException {
        QueueSettings queue = settings().of(c, queueId);
        List<Message> rows = queue.limited()
                ? inOneTransaction(c, () -> limitedDequeue(c, queue, queueId, queueName, limit, maxReadCount,
                        visibilityMillis, workerId))
                : Jdbc.query(c, dialect.dequeue(queue),
                        ps -> bindDequeue(ps, 1, maxReadCount, queueId, limit, visibilityMillis, workerId),
                        rs -> map(rs, queueName));
        return leasedOf(rows, deadLettered);
    }

    // A dequeue's parameters, from `index` on, in the order the dialect documents.
    private static void bindDequeue(PreparedStatement ps, int index, int maxReadCount, long queueId, int limit,
                                    long visibilityMillis, long workerId) throws SQLException {
        ps.setInt(index, maxReadCount);
        ps.setLong(index + 1, queueId);
        ps.setInt(index + 2, limit);
        ps.setLong(index + 3, visibilityMillis);
        ps.setLong(index + 4, workerId);
    }

    // The rows a dequeue returned, less those it dead-lettered, in delivery order.
    private static List<Message> leasedOf(List<Message> rows, java.util.function.IntConsumer deadLettered) {
        List<Message> leased = new ArrayList<>(rows.size());
        for (Message m : rows) {
            if (!m.isDeadLettered()) {
                leased.add(m);
            }
        }
        deadLettered.accept(rows.size() - leased.size());
        // In delivery order: higher priorities first, then by id (the enqueue order of messages that are due).
        leased.sort(Comparator.comparingInt(Message::priority).reversed().thenComparingLong(Message::id));
        return leased;
    }

    /** What an acknowledging dequeue did: the held deliveries it acknowledged, and the messages it leased. */
    public record AcknowledgedDequeue(List<Lease> acknowledged, List<Message> leased) {
    }

    /**
     * Acknowledges (archives, or with {@code delete} deletes) the deliveries the worker still holds and leases up
     * to {@code limit} messages, as {@link #archive} and {@link #dequeue} do, in one commit: one statement where
     * the dialect composes them for the queue's settings ({@link Dialect#acknowledgeAndDequeue}), else both in
     * one transaction on {@code c} (within the caller's, if {@code c} has one open).
     */
    public AcknowledgedDequeue acknowledgeAndDequeue(Connection c, boolean delete, Deliveries held, long queueId,
                                                     String queueName, int limit, int maxReadCount,
                                                     long visibilityMillis, long workerId,
                                                     java.util.function.IntConsumer deadLettered) throws SQLException {
        String acknowledge = delete ? dialect.delete() : dialect.archive();
        String sql = dialect.acknowledgeAndDequeue(acknowledge, settings().of(c, queueId));
        if (sql == null) {
            return inOneTransaction(c, () -> new AcknowledgedDequeue(settle(c, acknowledge, held, workerId),
                    dequeue(c, queueId, queueName, limit, maxReadCount, visibilityMillis, workerId, deadLettered)));
        }
        List<Lease> acknowledged = new ArrayList<>(held.size());
        List<Message> rows = new ArrayList<>(limit);
        boolean[] first = {true};
        Jdbc.query(c, sql, ps -> {
            dialect.bindDeliveries(c, ps, 1, held);
            ps.setLong(3, workerId);
            bindDequeue(ps, 4, maxReadCount, queueId, limit, visibilityMillis, workerId);
        }, rs -> {
            if (first[0]) {
                readAcknowledged(rs, acknowledged); // the same lists on every row
                first[0] = false;
            }
            rs.getLong(1);
            if (!rs.wasNull()) {
                rows.add(map(rs, queueName));
            }
            return null;
        });
        return new AcknowledgedDequeue(acknowledged, leasedOf(rows, deadLettered));
    }

    private static void readAcknowledged(ResultSet rs, List<Lease> into) throws SQLException {
        java.sql.Array ids = rs.getArray("acked_ids");
        if (ids == null) {
            return; // array_agg of nothing
        }
        Object[] idValues = (Object[]) ids.getArray();
        Object[] readCounts = (Object[]) rs.getArray("acked_read_cts").getArray();
        for (int i = 0; i < idValues.length; i++) {
            into.add(new Lease(((Number) idValues[i]).longValue(), ((Number) readCounts[i]).intValue()));
        }
    }

    @FunctionalInterface
    private interface Step<T> {
        T run() throws SQLException;
    }

    // Two statements, one commit: in the caller's transaction if it has one open, else in one of their own.
    private static <T> T inOneTransaction(Connection c, Step<T> work) throws SQLException {
        if (!c.getAutoCommit()) {
            return work.run();
        }
        c.setAutoCommit(false);
        try {
            T result = work.run();
            c.commit();
            return result;
        } catch (SQLException | RuntimeException | Error e) {
            try {
                c.rollback();
            } catch (SQLException rollbackFailure) {
                e.addSuppressed(rollbackFailure);
            }
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    /**
     * A limited queue's dequeue, inside one transaction (the caller's, or one of its own: see
     * {@link #inOneTransaction}), in which the dialect locks the queue's settings row where it must, the dequeue
     * takes what the limits leave, and the dialect counts the leases in the rate window where the dequeue could not.
     */
    private List<Message> limitedDequeue(Connection c, QueueSettings queue, long queueId, String queueName, int limit,
                                         int maxReadCount, long visibilityMillis, long workerId) throws SQLException {
        String lock = dialect.lockQueueLimits();
        if (lock != null) {
            Jdbc.queryOne(c, lock, ps -> ps.setLong(1, queueId), rs -> null);
        }
        String count = dialect.countRateWindow();
        long[] clock = {Long.MIN_VALUE};
        List<Message> rows = Jdbc.query(c, dialect.dequeue(queue),
                ps -> bindDequeue(ps, 1, maxReadCount, queueId, limit, visibilityMillis, workerId), rs -> {
                    if (count != null) {
                        clock[0] = rs.getLong(rs.getMetaData().getColumnCount());
                    }
                    return map(rs, queueName);
                });
        long leased = rows.stream().filter(m -> !m.isDeadLettered()).count();
        if (count != null && leased > 0) {
            Jdbc.update(c, count, ps -> {
                ps.setLong(1, queueId);
                ps.setLong(2, clock[0]);
                ps.setLong(3, leased);
            });
        }
        return rows;
    }

    /** Archives the deliveries the worker still holds; returns those it archived. */
    public List<Lease> archive(Connection c, Deliveries held, long workerId) throws SQLException {
        return settle(c, dialect.archive(), held, workerId);
    }

    public List<Lease> delete(Connection c, Deliveries held, long workerId) throws SQLException {
        return settle(c, dialect.delete(), held, workerId);
    }

    private List<Lease> settle(Connection c, String sql, Deliveries held, long workerId) throws SQLException {
        return Jdbc.query(c, sql, ps -> {
            dialect.bindDeliveries(c, ps, 1, held);
            ps.setLong(3, workerId);
        }, Deliveries::settled);
    }

    /** pgqrs's extend: each held lease grows by {@code millis} from its end (from now, if it has passed). */
    public List<Lease> extend(Connection c, Deliveries held, long workerId, long millis) throws SQLException {
        return lengthen(c, dialect.extend(), held, workerId, millis);
    }

    /** A lease keeper's renewal: each held lease ends {@code millis} from now. */
    public List<Lease> renew(Connection c, Deliveries held, long workerId, long millis) throws SQLException {
        return lengthen(c, dialect.renew(), held, workerId, millis);
    }

    private List<Lease> lengthen(Connection c, String sql, Deliveries held, long workerId, long millis) throws SQLException {
        return Jdbc.query(c, sql, ps -> {
            ps.setLong(1, millis);
            dialect.bindDeliveries(c, ps, 2, held);
            ps.setLong(4, workerId);
        }, Deliveries::settled);
    }

    /** Gives held deliveries back, visible after {@code delayMillis}, read_ct kept; returns those released. */
    public List<Lease> release(Connection c, Deliveries held, long workerId, long delayMillis, String error)
            throws SQLException {
        return Jdbc.query(c, dialect.release(), ps -> {
            ps.setLong(1, delayMillis);
            ps.setString(2, error);
            dialect.bindDeliveries(c, ps, 3, held);
            ps.setLong(5, workerId);
        }, Deliveries::settled);
    }

    public List<Lease> deadLetter(Connection c, Deliveries held, long workerId, String reason) throws SQLException {
        return Jdbc.query(c, dialect.deadLetter(), ps -> {
            ps.setString(1, reason);
            dialect.bindDeliveries(c, ps, 2, held);
            ps.setLong(4, workerId);
        }, Deliveries::settled);
    }

    public List<Message> listDeadLetters(Connection c, long queueId, String queueName, int maxReadCount, int limit)
            throws SQLException {
        return Jdbc.query(c, dialect.listDeadLetters(), ps -> {
            ps.setLong(1, queueId);
            ps.setInt(2, maxReadCount);
            ps.setInt(3, limit);
        }, rs -> map(rs, queueName));
    }

    public List<Long> replay(Connection c, long queueId, int maxReadCount, Collection<Long> ids) throws SQLException {
        return Jdbc.query(c, dialect.replayDeadLetters(), ps -> {
            ps.setLong(1, queueId);
            ps.setInt(2, maxReadCount);
            dialect.bindIds(c, ps, 3, ids);
        }, rs -> rs.getLong(1));
    }

    /** Deletes dead letters of the queue (not those carrying a workflow run); returns the ids deleted. */
    public List<Long> deleteDeadLetters(Connection c, long queueId, int maxReadCount, Collection<Long> ids) throws SQLException {
        return Jdbc.query(c, dialect.deleteDeadLetters(), ps -> {
            ps.setLong(1, queueId);
            ps.setInt(2, maxReadCount);
            dialect.bindIds(c, ps, 3, ids);
        }, rs -> rs.getLong(1));
    }

    /** Replays every dead letter of the queue; returns their ids. */
    public List<Long> replayAll(Connection c, long queueId, int maxReadCount) throws SQLException {
        return Jdbc.query(c, dialect.replayAllDeadLetters(), ps -> {
            ps.setLong(1, queueId);
            ps.setInt(2, maxReadCount);
        }, rs -> rs.getLong(1));
    }

    public Orphans orphans(Connection c) throws SQLException {
        return Jdbc.queryOne(c, ORPHANS, StatementBinder.NONE,
                rs -> new Orphans(rs.getLong(1), rs.getLong(2), rs.getLong(3))).orElseThrow();
    }

    public long countHeld(Connection c, long workerId) throws SQLException {
        return Jdbc.queryLong(c, dialect.countHeldLeases(), ps -> ps.setLong(1, workerId));
    }

    /** The queue of each of the messages that exist, by message id. */
    public Map<Long, Long> queueIdsOf(Connection c, Collection<Long> ids) throws SQLException {
        Map<Long, Long> out = new java.util.LinkedHashMap<>();
        Jdbc.query(c, "SELECT id, queue_id FROM pgqrs_messages WHERE id " + dialect.inIds() + " ORDER BY id",
                ps -> dialect.bindIds(c, ps, 1, ids), rs -> out.put(rs.getLong(1), rs.getLong(2)));
        return out;
    }

    /** Up to {@code limit} unarchived messages of a queue (pending, delayed or leased), oldest first, read without leasing them. */
    public List<Message> peek(Connection c, long queueId, String queueName, int limit) throws SQLException {
        return Jdbc.query(c, "SELECT " + dialect.messageColumns() + " FROM pgqrs_messages m"
                + " WHERE m.queue_id = ? AND m.archived_at IS NULL ORDER BY m.id LIMIT ?", ps -> {
                    ps.setLong(1, queueId);
                    ps.setInt(2, limit);
                }, rs -> map(rs, queueName));
    }

    public Optional<Message> find(Connection c, long id, String queueName) throws SQLException {
        return Jdbc.queryOne(c, "SELECT " + dialect.messageColumns() + " FROM pgqrs_messages m WHERE m.id = ?",
                ps -> ps.setLong(1, id), rs -> map(rs, queueName));
    }

    public QueueMetrics metrics(Connection c, long queueId, String queueName, int maxReadCount) throws SQLException {
        return Jdbc.queryOne(c, dialect.queueMetrics(), ps -> {
            ps.setInt(1, maxReadCount);
            ps.setLong(2, queueId);
        }, rs -> metricsAt(rs, queueName, 1)).orElseThrow();
    }

    /** Every queue's metrics, by name, from one statement. */
    public List<QueueMetrics> allMetrics(Connection c, int maxReadCount) throws SQLException {
        return Jdbc.query(c, dialect.allQueueMetrics(), ps -> ps.setInt(1, maxReadCount),
                rs -> metricsAt(rs, rs.getString(1), 2));
    }

    /**
     * Every queue's metrics, counting each kind of row exactly up to {@code exactUpTo} and estimating past it
     * (see {@link SampledQueueMetrics}).
     */
    public List<QueueMetrics> estimatedMetrics(Connection c, int maxReadCount, int exactUpTo) throws SQLException {
        return new SampledQueueMetrics(dialect, this).read(c, maxReadCount, exactUpTo);
    }

    /** The metrics columns starting at {@code first}: total, pending, leased, delayed, archived, dead, oldest pending. */
    private QueueMetrics metricsAt(ResultSet rs, String queueName, int first) throws SQLException {
        Instant oldest = dialect.readInstant(rs, first + 6);
        Duration age = oldest == null ? null : maxZero(Duration.between(oldest, Instant.now()));
        return new QueueMetrics(queueName, rs.getLong(first), rs.getLong(first + 1), rs.getLong(first + 2),
                rs.getLong(first + 3), rs.getLong(first + 4), rs.getLong(first + 5), oldest, age);
    }

    /** One queue's row of the meters' snapshot; {@code deadTuples} is the messages table's (the same on every row). */
    public record QueueGaugeRow(String queue, long pending, long leased, long delayed, long deadLettered,
                                Instant oldestPending, Long deadTuples) {
    }

    /** The meters' snapshot of every queue: one statement over the partial indexes (see {@link Dialect#queueGauges()}). */
    public List<QueueGaugeRow> gauges(Connection c, int maxReadCount) throws SQLException {
        return Jdbc.query(c, dialect.queueGauges(), ps -> ps.setInt(1, maxReadCount),
                rs -> new QueueGaugeRow(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5),
                        dialect.readInstant(rs, 6), Jdbc.nullableLong(rs, 7)));
    }

    static Duration maxZero(Duration d) {
        return d.isNegative() ? Duration.ZERO : d;
    }

    private Message map(ResultSet rs, String queueName) throws SQLException {
        return new Message(rs.getLong(1), queueName, rs.getString(2), dialect.readInstant(rs, 3),
                dialect.readInstant(rs, 4), rs.getInt(5), dialect.readInstant(rs, 6), Jdbc.nullableLong(rs, 7),
                Jdbc.nullableLong(rs, 8), dialect.readInstant(rs, 9), dialect.readInstant(rs, 10), rs.getString(11),
                rs.getInt(12), rs.getString(13), rs.getString(14), rs.getString(15), codec);
    }
}
