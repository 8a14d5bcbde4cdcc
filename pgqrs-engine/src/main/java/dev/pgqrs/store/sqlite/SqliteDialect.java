package dev.pgqrs.store.sqlite;

import dev.pgqrs.config.Backend;
import dev.pgqrs.config.PgqrsConfig;
import dev.pgqrs.signal.Notifications;
import dev.pgqrs.signal.QueueSignals;
import dev.pgqrs.store.Database;
import dev.pgqrs.store.Deliveries;
import dev.pgqrs.store.LeaderLease;
import dev.pgqrs.store.Dialect;
import dev.pgqrs.store.QueueSettings;
import dev.pgqrs.store.SchemaDialect;
import dev.pgqrs.store.WorkflowSql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * SQLite: writes are serialised by the database (and, in-process, by {@code Database}'s writer
 * lock), so a dequeue is a single {@code UPDATE … WHERE id IN (SELECT … LIMIT n) RETURNING}.
 * Lists travel as JSON arrays read with {@code json_each}. Timestamps are UTC text
 * {@code YYYY-MM-DD HH:MM:SS.SSS}, which sorts and compares correctly as text.
 * Parameters are numbered ({@code ?1}) so one value can be used twice.
 */
public final class SqliteDialect implements Dialect {

    private static final String COLUMNS = "id, payload, enqueued_at, vt, read_ct, dequeued_at, "
            + "producer_worker_id, consumer_worker_id, archived_at, dead_lettered_at, last_error, priority, dedup_key, "
            + "ordering_key, headers";

    private static final String ENQUEUE = """
            INSERT INTO pgqrs_messages (queue_id, payload, vt, enqueued_at, producer_worker_id, headers)
            VALUES (?1, ?2, strftime('%Y-%m-%d %H:%M:%f', 'now', printf('%+.3f seconds', ?3 / 1000.0)),
                    strftime('%Y-%m-%d %H:%M:%f', 'now'), ?4, ?5)
            RETURNING id""";

    private static final String ENQUEUE_BATCH = """
            INSERT INTO pgqrs_messages (queue_id, payload, vt, enqueued_at, producer_worker_id, headers)
            SELECT ?1, json(p.value), strftime('%Y-%m-%d %H:%M:%f', 'now', printf('%+.3f seconds', ?3 / 1000.0)),
                   strftime('%Y-%m-%d %H:%M:%f', 'now'), ?4, ?5
            FROM json_each(?2) AS p
            ORDER BY p.key
            RETURNING id""";

    // See PostgresDialect: an enqueue with a deduplication key that a message of the queue holds inserts nothing.
    private static final String ON_DUPLICATE_KEY = "ON CONFLICT (queue_id, dedup_key) WHERE dedup_key IS NOT NULL DO NOTHING";

    private static final String ENQUEUE_WITH_OPTIONS = """
            INSERT INTO pgqrs_messages (queue_id, payload, vt, enqueued_at, producer_worker_id, headers, dedup_key, priority,
                                        ordering_key)
            VALUES (?1, ?2, strftime('%%Y-%%m-%%d %%H:%%M:%%f', 'now', printf('%%+.3f seconds', ?3 / 1000.0)),
                    strftime('%%Y-%%m-%%d %%H:%%M:%%f', 'now'), ?4, ?5, ?6, ?7, ?8)
            %s
            RETURNING id, dedup_key""".formatted(ON_DUPLICATE_KEY);

    // Options travel as three JSON arrays beside the payloads, paired by position. "WHERE true" tells SQLite's
    // parser that the ON CONFLICT which follows is the upsert clause, not a join constraint.
    private static final String ENQUEUE_BATCH_WITH_OPTIONS = """
            INSERT INTO pgqrs_messages (queue_id, payload, vt, enqueued_at, producer_worker_id, headers, dedup_key, priority,
                                        ordering_key)
            SELECT ?1, json(p.value), strftime('%%Y-%%m-%%d %%H:%%M:%%f', 'now', printf('%%+.3f seconds', ?3 / 1000.0)),
                   strftime('%%Y-%%m-%%d %%H:%%M:%%f', 'now'), ?4, ?5, k.value, r.value, g.value
            FROM json_each(?2) AS p
                 JOIN json_each(?6) AS k ON k.key = p.key
                 JOIN json_each(?7) AS r ON r.key = p.key
                 JOIN json_each(?8) AS g ON g.key = p.key
            WHERE true
            ORDER BY p.key
            %s
            RETURNING id, dedup_key""".formatted(ON_DUPLICATE_KEY);

    private static final String EXPIRE_DEDUP_KEYS = """
            UPDATE pgqrs_messages SET dedup_key = NULL
            WHERE id IN (SELECT id FROM pgqrs_messages
                         WHERE dedup_key IS NOT NULL AND archived_at IS NOT NULL
                           AND archived_at < strftime('%Y-%m-%d %H:%M:%f', 'now', printf('%+.3f seconds', -?1 / 1000.0))
                         LIMIT ?2)""";

    /**
     * One tier of the dequeue's candidates: the visible, takeable messages of queue ?2 that {@code where} selects,
     * read through {@code from} (a table with its index, when the planner must not choose).
     */
    private static String candidates(String from, String where, String vt, String order) {
        return """
                SELECT id, consumer_worker_id FROM (
                    SELECT m.id, m.consumer_worker_id
                    FROM %s
                    WHERE m.queue_id = ?2 AND m.archived_at IS NULL AND %s
                      AND %s <= strftime('%%Y-%%m-%%d %%H:%%M:%%f', 'now') AND %s
                    ORDER BY %s
                    LIMIT ?3)""".formatted(from, where, vt, takeable("m"), order);
    }

    /**
     * The ordering rule of a FIFO queue (see PostgresDialect): a keyed message is taken only if it is the oldest
     * unarchived message of its key and none of its key is leased; read from the ordering-key index.
     */
    private static final String HEAD_OF_ITS_KEY = """
            (m.ordering_key IS NULL
             OR NOT EXISTS (SELECT 1 FROM pgqrs_messages o
                            WHERE o.queue_id = m.queue_id AND o.ordering_key = m.ordering_key
                              AND o.ordering_key IS NOT NULL AND o.archived_at IS NULL
                              AND (o.id < m.id OR (o.consumer_worker_id IS NOT NULL
                                                   AND o.vt > strftime('%Y-%m-%d %H:%M:%f', 'now')))))""";

    private static String gate(QueueSettings settings) {
        return settings.fifo() ? HEAD_OF_ITS_KEY : "1";
    }

    /**
     * The messages a dequeue of a queue with these settings takes (params: ?2 queue_id, ?3 limit): columns id,
     * consumer_worker_id. For a plain queue, every due message in visibility order, read in order from the
     * hot-path index: the statement of the engine before priorities existed, unchanged, so a queue that uses no
     * feature pays nothing for them. For a prioritized queue, messages with a priority come first, highest
     * first, then the others, each tier in visibility order and read from its own index in order; the
     * compound's limit takes the first ?3 (SQLite runs a UNION ALL's parts in order, so no sort is needed). A
     * FIFO queue's candidates are those, each one the head of its key.
     * In one write transaction a read of them finds exactly what the dequeue then takes (SQLite has one writer),
     * which is how the workflow claim learns which deliveries took over a lease that had run out.
     */
    public static String dequeueCandidates(QueueSettings settings) {
        return dequeueCandidates(settings, null);
    }

    /** The candidates of {@link #dequeueCandidates(QueueSettings)} that also meet {@code candidateFilter}, if any. */
    public static String dequeueCandidates(QueueSettings settings, String candidateFilter) {
        if (!settings.prioritized()) {
            return "SELECT m.id, m.consumer_worker_id" + singleTier(settings, candidateFilter);
        }
        String filter = candidateFilter == null ? "" : " AND " + candidateFilter;
        return """
                %s
                UNION ALL
                %s
                LIMIT ?3""".formatted(
                // On a queue whose rows mostly carry a priority, SQLite's planner would rather use vt as a range
                // (through the hot-path index, or skipping through this one) and sort every due row. The priority
                // index read in order (vt tested, not searched: the unary +) gives them sorted, so a dequeue reads
                // only what it takes.
                candidates("pgqrs_messages m INDEXED BY pgqrs_messages_priority_idx",
                        "m.priority IS NOT NULL AND " + gate(settings) + filter, "+m.vt",
                        "m.priority DESC, m.vt, m.enqueued_at, m.id"),
                candidates("pgqrs_messages m", "m.priority IS NULL AND " + gate(settings) + filter, "m.vt",
                        "m.vt, m.enqueued_at, m.id"));
    }

    // The FROM … LIMIT of a queue without priorities, so its dequeue selects only m.id from it, as it always did.
    private static String singleTier(QueueSettings settings, String candidateFilter) {
        String filter = candidateFilter == null ? "" : "\n  AND " + candidateFilter;
        return """

                FROM pgqrs_messages m
                WHERE m.queue_id = ?2 AND m.archived_at IS NULL AND m.vt <= strftime('%Y-%m-%d %H:%M:%f', 'now')
                  AND """ + takeable("m") + (settings.fifo() ? "\n  AND " + HEAD_OF_ITS_KEY : "") + filter + """

                ORDER BY m.vt, m.enqueued_at, m.id
                LIMIT ?3""";
    }

    // The dequeue around the candidates: rows delivered max_read_ct times are dead-lettered instead of leased.
    private static String dequeueOf(QueueSettings settings) {
        return dequeueOf(settings, null);
    }

    private static String dequeueOf(QueueSettings settings, String candidateFilter) {
        return leasing(settings.prioritized()
                ? "SELECT id FROM (" + dequeueCandidates(settings, candidateFilter) + ")"
                : "SELECT m.id" + singleTier(settings, candidateFilter));
    }

    /**
     * Leases exactly the messages listed in the JSON array ?2, as a dequeue leases its candidates (?1 max_read_ct,
     * ?4 the visibility in ms, ?5 the worker; ?3 is not read): for a claim that has read the candidates itself in
     * its write transaction, so that one clock, the read's, decides which leases had run out.
     */
    public static final String LEASE_LISTED = leasing("SELECT value FROM json_each(?2)");

    // The dequeue's update of the messages `ids` selects: rows delivered max_read_ct times are dead-lettered instead.
    private static String leasing(String ids) {
        return """
                UPDATE pgqrs_messages
                SET read_ct            = CASE WHEN read_ct >= ?1 THEN read_ct ELSE read_ct + 1 END,
                    vt                 = CASE WHEN read_ct >= ?1 THEN vt
                                              ELSE strftime('%Y-%m-%d %H:%M:%f', 'now', printf('%+.3f seconds', ?4 / 1000.0)) END,
                    dequeued_at        = CASE WHEN read_ct >= ?1 THEN dequeued_at
                                              ELSE coalesce(dequeued_at, strftime('%Y-%m-%d %H:%M:%f', 'now')) END,
                    consumer_worker_id = CASE WHEN read_ct >= ?1 THEN consumer_worker_id ELSE ?5 END,
                    archived_at        = CASE WHEN read_ct >= ?1 THEN strftime('%Y-%m-%d %H:%M:%f', 'now') END,
                    dead_lettered_at   = CASE WHEN read_ct >= ?1 THEN strftime('%Y-%m-%d %H:%M:%f', 'now') END
                WHERE id IN (""" + ids + """
                )
                RETURNING\s""" + COLUMNS;
    }

    // Milliseconds since the Unix epoch of the statement's clock, exactly (the text of 'now' is read in whole
    // milliseconds: seconds, then the fraction's digits), so the window a dequeue counts in is the one its rows'
    // dequeued_at fall in. 'now' is the same throughout one statement.
    private static final String NOW_EPOCH_MS =
            "(CAST(strftime('%s', 'now') AS INTEGER) * 1000 + CAST(substr(strftime('%f', 'now'), 4, 3) AS INTEGER))";

    // What a limited queue's limits leave of the requested ?3 (see PostgresDialect.limitedDequeue): leases are the
    // queue's unarchived messages held by a consumer whose visibility has not run out; the rate window's count is
    // 0 in a new window. The dequeue runs in a write transaction (BEGIN IMMEDIATE: SQLite's one writer), so no
    // other dequeue leases between this count and the update, in this process or another.
    private static final String ROOM = """
            max(0, min(?3,
                coalesce((SELECT s.concurrency_limit
                                 - (SELECT count(*) FROM pgqrs_messages l
                                    WHERE l.queue_id = ?2 AND l.archived_at IS NULL
                                      AND l.vt > strftime('%Y-%m-%d %H:%M:%f', 'now') AND l.consumer_worker_id IS NOT NULL)
                          FROM pgqrs_queue_settings s WHERE s.queue_id = ?2 AND s.concurrency_limit IS NOT NULL), ?3),
                coalesce((SELECT s.rate_limit - CASE WHEN s.rate_window = NOW_MS / s.rate_period_ms
                                                     THEN s.rate_window_count ELSE 0 END
                          FROM pgqrs_queue_settings s WHERE s.queue_id = ?2 AND s.rate_limit IS NOT NULL), ?3)))"""
            .replace("NOW_MS", NOW_EPOCH_MS);

    // The dequeue of a limited queue: the statement of its other settings, taking at most ROOM instead of ?3, and
    // returning the clock it read after the message columns (countRateWindow() counts the leases in that window:
    // SQLite's UPDATE changes one table, so the count is a second statement of the same transaction).
    private static String limitedDequeue(QueueSettings settings) {
        String unlimited = dequeueOf(settings.withLimited(false));
        if (!unlimited.contains("LIMIT ?3")) {
            throw new IllegalStateException("the dequeue statement has no LIMIT ?3 to bound");
        }
        return unlimited.replace("LIMIT ?3", "LIMIT " + ROOM) + ", " + NOW_EPOCH_MS;
    }

    private static final String COUNT_RATE_WINDOW = """
            UPDATE pgqrs_queue_settings
            SET rate_window_count = CASE WHEN rate_window = ?2 / rate_period_ms THEN rate_window_count + ?3 ELSE ?3 END,
                rate_window = ?2 / rate_period_ms
            WHERE queue_id = ?1 AND rate_limit IS NOT NULL""";

    // The limited variants, built once each when a queue first needs one.
    private static final Map<QueueSettings, String> LIMITED_DEQUEUES = new ConcurrentHashMap<>();

    private static final String DEQUEUE = dequeueOf(QueueSettings.PLAIN);
    private static final String DEQUEUE_PRIORITIZED = dequeueOf(QueueSettings.PRIORITIZED);
    private static final String DEQUEUE_FIFO = dequeueOf(QueueSettings.FIFO);
    private static final String DEQUEUE_FIFO_PRIORITIZED = dequeueOf(QueueSettings.FIFO.withPrioritized());


    // Who may take a visible message, and what a dead letter is: see PostgresDialect (the same rules).
    private static String takeable(String m) {
        return """
                (%1$s.consumer_worker_id IS NULL
                 OR EXISTS (SELECT 1 FROM pgqrs_workers w
                            WHERE w.id = %1$s.consumer_worker_id AND (w.edition = 'java' OR w.status = 'stopped')))"""
                .formatted(m);
    }

    /** {@code maxReadCount}: the parameter (e.g. {@code ?2}) that holds max_read_ct. */
    private static String dead(String m, String maxReadCount) {
        return """
                ((%1$s.archived_at IS NOT NULL
                  AND (%1$s.dead_lettered_at IS NOT NULL
                       OR (%1$s.read_ct >= %2$s
                           AND NOT EXISTS (SELECT 1 FROM pgqrs_workers w
                                           WHERE w.id = %1$s.consumer_worker_id AND w.edition = 'java'))))
                 OR (%1$s.archived_at IS NULL AND %1$s.vt <= strftime('%%Y-%%m-%%d %%H:%%M:%%f', 'now')
                     AND %1$s.read_ct >= %2$s AND %3$s))""".formatted(m, maxReadCount, takeable(m));
    }

    // Settling statements are fenced on the delivery, not only on the worker: a message is settled only
    // if it is still the delivery the caller holds (same consumer, same read_ct). The deliveries are two
    // JSON arrays of the same length, ids and read counts, paired by position: each id's read count is read at
    // its position (json_extract), as a join of two json_each on their keys rescans one per row of the other and
    // SQLite evaluates the list twice (at batch 50 that cost the drain a third of its speed).
    private static final String HELD_ANY = """
            (id, read_ct) IN (SELECT i.value, json_extract(?%2$d, '$[' || i.key || ']') FROM json_each(?%1$d) i)
              AND consumer_worker_id = ?%3$d""";
    private static final String HELD = HELD_ANY + " AND archived_at IS NULL";

    private static final String ARCHIVE = """
            UPDATE pgqrs_messages
            SET archived_at = strftime('%%Y-%%m-%%d %%H:%%M:%%f', 'now')
            WHERE %s
            RETURNING id, read_ct""".formatted(HELD.formatted(1, 2, 3));

    private static final String DELETE = """
            DELETE FROM pgqrs_messages
            WHERE %s
            RETURNING id, read_ct""".formatted(HELD_ANY.formatted(1, 2, 3));

    private static final String EXTEND = """
            UPDATE pgqrs_messages
            SET vt = strftime('%%Y-%%m-%%d %%H:%%M:%%f', max(vt, strftime('%%Y-%%m-%%d %%H:%%M:%%f', 'now')),
                              printf('%%+.3f seconds', ?1 / 1000.0))
            WHERE %s
            RETURNING id, read_ct""".formatted(HELD.formatted(2, 3, 4));

    private static final String RENEW = """
            UPDATE pgqrs_messages
            SET vt = strftime('%%Y-%%m-%%d %%H:%%M:%%f', 'now', printf('%%+.3f seconds', ?1 / 1000.0))
            WHERE %s
            RETURNING id, read_ct""".formatted(HELD.formatted(2, 3, 4));

    private static final String RELEASE = """
            UPDATE pgqrs_messages
            SET vt                 = strftime('%%Y-%%m-%%d %%H:%%M:%%f', 'now', printf('%%+.3f seconds', ?1 / 1000.0)),
                last_error         = coalesce(?2, last_error),
                consumer_worker_id = NULL
            WHERE %s
            RETURNING id, read_ct""".formatted(HELD.formatted(3, 4, 5));

    private static final String DEAD_LETTER = """
            UPDATE pgqrs_messages
            SET archived_at = strftime('%%Y-%%m-%%d %%H:%%M:%%f', 'now'),
                dead_lettered_at = strftime('%%Y-%%m-%%d %%H:%%M:%%f', 'now'),
                last_error = ?1
            WHERE %s
            RETURNING id, read_ct""".formatted(HELD.formatted(2, 3, 4));

    private static final String LIST_DEAD_LETTERS = "SELECT " + COLUMNS + """

            FROM pgqrs_messages m
            WHERE m.queue_id = ?1 AND %s
            ORDER BY m.id
            LIMIT ?3""".formatted(dead("m", "?2"));

    // A replay makes the message new, as pgqrs's replay_dlq does: read_ct 0, enqueued (and visible) now.
    private static final String REPLAY_SET = """
            SET archived_at = NULL, dead_lettered_at = NULL, read_ct = 0,
                vt = strftime('%Y-%m-%d %H:%M:%f', 'now'), enqueued_at = strftime('%Y-%m-%d %H:%M:%f', 'now'),
                dequeued_at = NULL, consumer_worker_id = NULL""";

    private static final String REPLAY = """
            UPDATE pgqrs_messages
            %s
            WHERE id IN (SELECT m.id FROM pgqrs_messages m
                         WHERE m.queue_id = ?1 AND m.id IN (SELECT value FROM json_each(?3)) AND %s)
            RETURNING id""".formatted(REPLAY_SET, dead("m", "?2"));

    private static final String REPLAY_ALL = """
            UPDATE pgqrs_messages
            %s
            WHERE id IN (SELECT m.id FROM pgqrs_messages m WHERE m.queue_id = ?1 AND %s)
            RETURNING id""".formatted(REPLAY_SET, dead("m", "?2"));

    private static final String DELETE_DEAD_LETTERS = """
            DELETE FROM pgqrs_messages
            WHERE id IN (SELECT m.id FROM pgqrs_messages m
                         WHERE m.queue_id = ?1 AND m.id IN (SELECT value FROM json_each(?3)) AND %s
                           AND NOT EXISTS (SELECT 1 FROM pgqrs_workflow_runs r WHERE r.message_id = m.id))
            RETURNING id""".formatted(dead("m", "?2"));

    // Retention reads a queue's archived rows in archived_at order from idx_pgqrs_messages_archived_at, from where
    // the last batch ended (dead letters it skipped are not read again), and stops at the limit.
    private static final String DELETE_ARCHIVED_BETWEEN = """
            DELETE FROM pgqrs_messages
            WHERE id IN (
                SELECT m.id FROM pgqrs_messages m
                WHERE m.queue_id = ?1
                  AND m.archived_at IS NOT NULL
                  AND m.archived_at >= strftime('%%Y-%%m-%%d %%H:%%M:%%f', ?3 / 1000.0, 'unixepoch')
                  AND m.archived_at < strftime('%%Y-%%m-%%d %%H:%%M:%%f', ?4 / 1000.0, 'unixepoch')
                  AND NOT %s
                  AND NOT EXISTS (SELECT 1 FROM pgqrs_workflow_runs r WHERE r.message_id = m.id)
                ORDER BY m.archived_at
                LIMIT ?5)
            RETURNING %s""".formatted(dead("m", "?2"), epochMillisOf("archived_at"));

    private static final String NEWEST_DELETABLE_ARCHIVED = """
            SELECT %s
            FROM pgqrs_messages m
            WHERE m.queue_id = ?1 AND m.archived_at IS NOT NULL
              AND NOT %s
              AND NOT EXISTS (SELECT 1 FROM pgqrs_workflow_runs r WHERE r.message_id = m.id)
            ORDER BY m.archived_at DESC
            LIMIT 1 OFFSET ?3""".formatted(epochMillisOf("m.archived_at"), dead("m", "?2"));

    // SQLite keeps milliseconds (or whole seconds, or microseconds from other editions): rounding to the millisecond
    // undoes julianday's floating point without moving a millisecond timestamp.
    private static String epochMillisOf(String column) {
        return "CAST(round((julianday(" + column + ") - 2440587.5) * 86400000.0) AS INTEGER)";
    }

    private static final String COUNT_HELD = """
            SELECT count(*) FROM pgqrs_messages
            WHERE consumer_worker_id = ?1 AND archived_at IS NULL AND vt > strftime('%Y-%m-%d %H:%M:%f', 'now')""";

    // The snapshot's counts over a set of message rows (a queue's, or every queue's grouped by queue); ?1 max_read_ct.
    private static final String METRICS_AGGREGATES = """
            count(*) AS total,
            count(*) FILTER (WHERE m.archived_at IS NULL AND m.vt <= t.now AND m.read_ct < ?1 AND %1$s) AS pending,
            count(*) FILTER (WHERE m.archived_at IS NULL AND m.consumer_worker_id IS NOT NULL
                                AND (m.vt > t.now OR NOT %1$s)) AS leased,
            count(*) FILTER (WHERE m.archived_at IS NULL AND m.vt > t.now AND m.consumer_worker_id IS NULL) AS delayed,
            count(*) FILTER (WHERE m.archived_at IS NOT NULL AND NOT %2$s) AS archived,
            count(*) FILTER (WHERE %2$s) AS dead_lettered,
            min(m.enqueued_at) FILTER (WHERE m.archived_at IS NULL AND m.vt <= t.now AND m.read_ct < ?1 AND %1$s)
                AS oldest_pending""".formatted(takeable("m"), dead("m", "?1"));

    private static final String QUEUE_METRICS = """
            SELECT %s
            FROM pgqrs_messages m, (SELECT strftime('%%Y-%%m-%%d %%H:%%M:%%f', 'now') AS now) t
            WHERE m.queue_id = ?2""".formatted(METRICS_AGGREGATES);

    // Every queue in one pass over the messages (not one pass per queue); a queue without rows counts zeros.
    private static final String ALL_QUEUE_METRICS = """
            SELECT q.queue_name, coalesce(g.total, 0), coalesce(g.pending, 0), coalesce(g.leased, 0),
                   coalesce(g.delayed, 0), coalesce(g.archived, 0), coalesce(g.dead_lettered, 0), g.oldest_pending
            FROM pgqrs_queues q
            LEFT JOIN (SELECT m.queue_id, %s
                       FROM pgqrs_messages m, (SELECT strftime('%%Y-%%m-%%d %%H:%%M:%%f', 'now') AS now) t
                       GROUP BY m.queue_id) g ON g.queue_id = q.id
            ORDER BY q.queue_name""".formatted(METRICS_AGGREGATES);

    // The meters' snapshot (see the PostgreSQL dialect): live rows from the dequeue index, dead letters from
    // theirs, both partial, so the archived history is never read. SQLite keeps no dead-tuple statistics.
    private static final String QUEUE_GAUGES = """
            WITH t AS (SELECT strftime('%Y-%m-%d %H:%M:%f', 'now') AS now, ?1 AS max_read_ct),
            live AS (
                SELECT m.queue_id,
                       count(*) FILTER (WHERE m.vt <= t.now AND m.read_ct < t.max_read_ct) AS pending,
                       count(*) FILTER (WHERE m.vt > t.now AND m.consumer_worker_id IS NOT NULL) AS leased,
                       count(*) FILTER (WHERE m.vt > t.now AND m.consumer_worker_id IS NULL) AS delayed,
                       count(*) FILTER (WHERE m.vt <= t.now AND m.read_ct >= t.max_read_ct) AS due_dead,
                       min(m.enqueued_at) FILTER (WHERE m.vt <= t.now AND m.read_ct < t.max_read_ct) AS oldest_pending
                FROM pgqrs_messages m, t
                WHERE m.archived_at IS NULL
                GROUP BY m.queue_id
            ),
            dead AS (
                SELECT m.queue_id, count(*) AS dead_lettered
                FROM pgqrs_messages m
                WHERE m.dead_lettered_at IS NOT NULL
                GROUP BY m.queue_id
            )
            SELECT q.queue_name, coalesce(l.pending, 0), coalesce(l.leased, 0), coalesce(l.delayed, 0),
                   coalesce(d.dead_lettered, 0) + coalesce(l.due_dead, 0), l.oldest_pending, NULL
            FROM pgqrs_queues q
            LEFT JOIN live l ON l.queue_id = q.id
            LEFT JOIN dead d ON d.queue_id = q.id
            ORDER BY q.queue_name""";

    private static final String INSERT_WORKER = """
            INSERT INTO pgqrs_workers (name, queue_id, status, started_at, heartbeat_at, edition)
            VALUES (?1, ?2, 'ready', strftime('%Y-%m-%d %H:%M:%f', 'now'), strftime('%Y-%m-%d %H:%M:%f', 'now'), 'java')
            RETURNING id, started_at, heartbeat_at""";

    private static final String REVIVE_WORKER = """
            UPDATE pgqrs_workers
            SET queue_id = ?1, status = 'ready', started_at = strftime('%Y-%m-%d %H:%M:%f', 'now'),
                heartbeat_at = strftime('%Y-%m-%d %H:%M:%f', 'now'), shutdown_at = NULL, edition = 'java'
            WHERE name = ?2 AND status = 'stopped'
            RETURNING id, started_at, heartbeat_at""";

    private static final String HEARTBEAT = """
            UPDATE pgqrs_workers
            SET heartbeat_at = strftime('%Y-%m-%d %H:%M:%f', 'now')
            WHERE id IN (SELECT value FROM json_each(?1)) AND status <> 'stopped'
            RETURNING id, status""";

    private static final String TRANSITION_WORKER = """
            UPDATE pgqrs_workers
            SET status = ?1,
                shutdown_at = CASE WHEN ?2 = 'stopped' THEN strftime('%Y-%m-%d %H:%M:%f', 'now') ELSE shutdown_at END
            WHERE id = ?3 AND status IN (SELECT value FROM json_each(?4))
            RETURNING status""";




    private static final DateTimeFormatter TIMESTAMP = new DateTimeFormatterBuilder()
            .appendPattern("yyyy-MM-dd")
            .optionalStart().appendLiteral(' ').optionalEnd()
            .optionalStart().appendLiteral('T').optionalEnd()
            .appendPattern("HH:mm:ss")
            .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd()
            .optionalStart().appendLiteral('Z').optionalEnd()
            .toFormatter();

    private final SqliteSchemaDialect schema = new SqliteSchemaDialect();

    @Override
    public Backend backend() {
        return Backend.SQLITE;
    }

    @Override
    public WorkflowSql workflowSql() {
        return new SqliteWorkflowSql(this);
    }

    /** One writer per file: this process's writers queue behind one lock instead of meeting "database is locked". */
    @Override
    public boolean serialisesWriters() {
        return true;
    }

    /** No cross-process notifications: consumers in other processes find new messages by polling. */
    @Override
    public Notifications notifications(Database database, QueueSignals signals, PgqrsConfig config) {
        return Notifications.NONE;
    }

    /** A SQLite file has no schemas: the configured one names nothing here. */
    @Override
    public void checkSchema(Database database, String schemaName) {
    }

    @Override
    public SchemaDialect schema() {
        return schema;
    }

    @Override
    public String migrationsFolder() {
        return "db/sqlite";
    }

    @Override
    public void bindIds(Connection c, PreparedStatement ps, int index, Collection<Long> ids) throws SQLException {
        // Called with statement parameters only; JSON of numbers needs no escaping.
        StringBuilder json = new StringBuilder(ids.size() * 8 + 2).append('[');
        for (Iterator<Long> it = ids.iterator(); it.hasNext(); ) {
            json.append(it.next().longValue());
            if (it.hasNext()) {
                json.append(',');
            }
        }
        ps.setString(index, json.append(']').toString());
    }

    @Override
    public void bindEnqueueOptions(Connection c, PreparedStatement ps, int index, List<String> dedupKeys,
                                   List<Integer> priorities, List<String> orderingKeys) throws SQLException {
        ps.setString(index, jsonStringsOrNulls(dedupKeys));
        ps.setString(index + 2, jsonStringsOrNulls(orderingKeys));
        StringBuilder ranks = new StringBuilder().append('[');
        for (int i = 0; i < priorities.size(); i++) {
            if (i > 0) {
                ranks.append(',');
            }
            Integer priority = priorities.get(i);
            ranks.append(priority == null ? "null" : priority.toString());
        }
        ps.setString(index + 1, ranks.append(']').toString());
    }

    private static String jsonStringsOrNulls(List<String> values) {
        StringBuilder json = new StringBuilder().append('[');
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                json.append(',');
            }
            String value = values.get(i);
            if (value == null) {
                json.append("null");
            } else {
                appendJsonString(json, value);
            }
        }
        return json.append(']').toString();
    }

    @Override
    public void bindDeliveries(Connection c, PreparedStatement ps, int index, Deliveries deliveries) throws SQLException {
        ps.setString(index, jsonArray(deliveries.ids()));
        ps.setString(index + 1, jsonArray(deliveries.readCounts()));
    }

    private static String jsonArray(long[] values) {
        StringBuilder json = new StringBuilder(values.length * 8 + 2).append('[');
        for (int i = 0; i < values.length; i++) {
            json.append(i == 0 ? "" : ",").append(values[i]);
        }
        return json.append(']').toString();
    }

    private static String jsonArray(int[] values) {
        StringBuilder json = new StringBuilder(values.length * 3 + 2).append('[');
        for (int i = 0; i < values.length; i++) {
            json.append(i == 0 ? "" : ",").append(values[i]);
        }
        return json.append(']').toString();
    }

    @Override
    public void bindTexts(Connection c, PreparedStatement ps, int index, Collection<String> values) throws SQLException {
        StringBuilder json = new StringBuilder().append('[');
        for (Iterator<String> it = values.iterator(); it.hasNext(); ) {
            appendJsonString(json, it.next());
            if (it.hasNext()) {
                json.append(',');
            }
        }
        ps.setString(index, json.append(']').toString());
    }

    @Override
    public void bindJsonDocuments(Connection c, PreparedStatement ps, int index, Collection<String> json) throws SQLException {
        // Each document travels as one JSON string of the array, read back with json(value): text is
        // never spliced into the array, so one document can never become two (or end the array early).
        bindTexts(c, ps, index, json);
    }

    private static void appendJsonString(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '"': out.append("\\\""); break;
                case '\\': out.append("\\\\"); break;
                default:
                    if (ch < 0x20) {
                        out.append(String.format("\\u%04x", (int) ch));
                    } else {
                        out.append(ch);
                    }
            }
        }
        out.append('"');
    }

    @Override
    public Instant readInstant(ResultSet rs, int column) throws SQLException {
        String text = rs.getString(column);
        return text == null ? null : parseTimestamp(text);
    }

    /** The shape {@link #now()} writes, {@code YYYY-MM-DD HH:MM:SS.SSS} in UTC, so text order is time order. */
    @Override
    public void bindInstant(PreparedStatement ps, int index, Instant instant) throws SQLException {
        ps.setString(index, WRITTEN.format(instant.truncatedTo(ChronoUnit.MILLIS)));
    }

    private static final DateTimeFormatter WRITTEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS")
            .withZone(ZoneOffset.UTC);

    /**
     * Parses the UTC text timestamps SQLite stores. The shape this dialect writes,
     * {@code YYYY-MM-DD HH:MM:SS.SSS}, is read by hand: a dequeue reads five timestamps per message,
     * and the general formatter (optional sections) made that the largest Java cost of a large
     * batch. Any other shape goes through the formatter.
     */
    public static Instant parseTimestamp(String text) {
        if (text.length() == 23 && text.charAt(4) == '-' && text.charAt(7) == '-' && text.charAt(10) == ' '
                && text.charAt(13) == ':' && text.charAt(16) == ':' && text.charAt(19) == '.') {
            int year = digits(text, 0, 4);
            int month = digits(text, 5, 7);
            int day = digits(text, 8, 10);
            int hour = digits(text, 11, 13);
            int minute = digits(text, 14, 16);
            int second = digits(text, 17, 19);
            int millis = digits(text, 20, 23);
            if ((year | month | day | hour | minute | second | millis) >= 0) {
                return LocalDateTime.of(year, month, day, hour, minute, second, millis * 1_000_000).toInstant(ZoneOffset.UTC);
            }
        }
        return LocalDateTime.parse(text, TIMESTAMP).toInstant(ZoneOffset.UTC);
    }

    /** The decimal number in {@code text[from, to)}, or -1 if a character is not a digit. */
    private static int digits(String text, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            int d = text.charAt(i) - '0';
            if (d < 0 || d > 9) {
                return -1;
            }
            value = value * 10 + d;
        }
        return value;
    }

    @Override public String enqueue() { return ENQUEUE; }
    @Override public String enqueueWithOptions() { return ENQUEUE_WITH_OPTIONS; }
    @Override public String enqueueBatchWithOptions() { return ENQUEUE_BATCH_WITH_OPTIONS; }
    @Override public String expireDedupKeys() { return EXPIRE_DEDUP_KEYS; }
    @Override public String enqueueBatch() { return ENQUEUE_BATCH; }
    @Override public String dequeue(QueueSettings settings) {
        if (settings.limited()) {
            return LIMITED_DEQUEUES.computeIfAbsent(settings, SqliteDialect::limitedDequeue);
        }
        if (settings.fifo()) {
            return settings.prioritized() ? DEQUEUE_FIFO_PRIORITIZED : DEQUEUE_FIFO;
        }
        return settings.prioritized() ? DEQUEUE_PRIORITIZED : DEQUEUE;
    }
    @Override public String dequeue(QueueSettings settings, String candidateFilter) {
        if (settings.limited()) {
            throw new IllegalArgumentException("a limited queue's dequeue takes no candidate filter");
        }
        return dequeueOf(settings, candidateFilter);
    }
    @Override public String lockQueueLimits() { return null; }
    @Override public String countRateWindow() { return COUNT_RATE_WINDOW; }
    @Override public String archive() { return ARCHIVE; }
    @Override public String delete() { return DELETE; }
    @Override public String extend() { return EXTEND; }
    @Override public String renew() { return RENEW; }
    @Override public String release() { return RELEASE; }
    @Override public String deadLetter() { return DEAD_LETTER; }
    @Override public String listDeadLetters() { return LIST_DEAD_LETTERS; }
    @Override public String replayDeadLetters() { return REPLAY; }
    @Override public String replayAllDeadLetters() { return REPLAY_ALL; }
    @Override public String deleteDeadLetters() { return DELETE_DEAD_LETTERS; }
    @Override public String deleteArchivedBetween() { return DELETE_ARCHIVED_BETWEEN; }
    @Override public String newestDeletableArchived() { return NEWEST_DELETABLE_ARCHIVED; }
    @Override public String countHeldLeases() { return COUNT_HELD; }
    @Override public String queueMetrics() { return QUEUE_METRICS; }
    @Override public String allQueueMetrics() { return ALL_QUEUE_METRICS; }
    @Override public String queueGauges() { return QUEUE_GAUGES; }
    // SQLite keeps no statistics to estimate a cut count from: its estimated metrics are the exact ones.
    @Override public String sampledQueueCounts() { return null; }
    @Override public String sampledCountsSettings() { return null; }
    @Override public String queueStateEstimates() { return null; }
    @Override public String partialIndexRows() { return null; }
    @Override public String messageColumns() { return COLUMNS; }
    @Override public String insertWorker() { return INSERT_WORKER; }
    @Override public String reviveWorker() { return REVIVE_WORKER; }
    @Override public String heartbeat() { return HEARTBEAT; }
    @Override public String transitionWorker() { return TRANSITION_WORKER; }

    @Override
    public String now() {
        return "strftime('%Y-%m-%d %H:%M:%f', 'now')";
    }

    @Override
    public String nowMinusMillis() {
        return "strftime('%Y-%m-%d %H:%M:%f', 'now', printf('%+.3f seconds', -(?) / 1000.0))";
    }

    @Override
    public String millisSince(String column) {
        return "CAST(round((julianday('now') - julianday(" + column + ")) * 86400000.0) AS INTEGER)";
    }

    @Override
    public String inIds() {
        return "IN (SELECT value FROM json_each(?))";
    }

    @Override
    public String epochMillis(String column) {
        return epochMillisOf(column);
    }

    @Override
    public String fromEpochMillis() {
        return "strftime('%Y-%m-%d %H:%M:%f', ? / 1000.0, 'unixepoch')";
    }

    @Override
    public LeaderLease leaderLease(Database database, String holder, Duration ttl) {
        return new SqliteLeaseRow(database, holder, ttl);
    }

    @Override
    public void lockForMigration(Connection c, Duration wait) {
        // Migrations run in a write transaction (BEGIN IMMEDIATE), which already excludes other writers.
    }

    @Override
    public boolean isConnectionFailure(SQLException e) {
        return SqliteErrors.isConnectionFailure(e);
    }

    @Override
    public boolean isMissingTable(SQLException e) {
        return SqliteErrors.isMissingTable(e);
    }

    @Override
    public boolean isConstraintViolation(SQLException e) {
        return SqliteErrors.isConstraintViolation(e);
    }
}
