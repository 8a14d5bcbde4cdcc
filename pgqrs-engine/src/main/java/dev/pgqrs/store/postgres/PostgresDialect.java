package dev.pgqrs.store.postgres;

import dev.pgqrs.config.Backend;
import dev.pgqrs.config.PgqrsConfig;
import dev.pgqrs.signal.Notifications;
import dev.pgqrs.signal.QueueSignals;
import dev.pgqrs.store.Database;
import dev.pgqrs.store.Deliveries;
import dev.pgqrs.store.Dialect;
import dev.pgqrs.store.QueueSettings;
import dev.pgqrs.store.Jdbc;
import dev.pgqrs.store.LeaderLease;
import dev.pgqrs.store.OriginalMigrations;
import dev.pgqrs.store.SchemaDialect;
import dev.pgqrs.store.WorkflowSql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * PostgreSQL: a dequeue is one {@code FOR UPDATE SKIP LOCKED} claim, lists travel as arrays, and
 * multi-step maintenance is one statement with data-modifying CTEs. Timestamps are the
 * database's {@code now()}, so clocks of application hosts never disagree about a lease. Writers
 * run in parallel; other processes are woken by LISTEN/NOTIFY.
 */
public final class PostgresDialect implements Dialect {

    private static final String COLUMNS = "m.id, m.payload::text, m.enqueued_at, m.vt, m.read_ct, m.dequeued_at, "
            + "m.producer_worker_id, m.consumer_worker_id, m.archived_at, m.dead_lettered_at, m.last_error, "
            + "m.priority, m.dedup_key, m.ordering_key, m.headers::text";

    private static final String ENQUEUE = """
            INSERT INTO pgqrs_messages (queue_id, payload, vt, producer_worker_id, headers)
            VALUES (?, ?::jsonb, now() + ? * interval '1 millisecond', ?, ?::jsonb)
            RETURNING id""";

    // Every enqueue binds queue id, payload(s), delay ms, producer, headers (and channel, payload of a NOTIFY), in that order.
    private static final String ENQUEUE_BATCH = """
            INSERT INTO pgqrs_messages (queue_id, payload, vt, producer_worker_id, headers)
            SELECT q.queue_id, p.payload::jsonb, now() + a.delay_ms * interval '1 millisecond', a.producer, a.headers
            FROM (SELECT ?::bigint AS queue_id) q,
                 unnest(?::text[]) WITH ORDINALITY AS p(payload, ord),
                 (SELECT ?::bigint AS delay_ms, ?::bigint AS producer, ?::jsonb AS headers) a
            ORDER BY p.ord
            RETURNING id""";

    // pg_notify in a FROM subquery runs once per statement, however many rows are inserted.
    private static final String ENQUEUE_NOTIFYING = """
            WITH inserted AS (
                INSERT INTO pgqrs_messages (queue_id, payload, vt, producer_worker_id, headers)
                VALUES (?, ?::jsonb, now() + ? * interval '1 millisecond', ?, ?::jsonb)
                RETURNING id
            )
            SELECT inserted.id FROM inserted, (SELECT pg_notify(?, ?)) AS notified""";

    private static final String ENQUEUE_BATCH_NOTIFYING = """
            WITH inserted AS (
                INSERT INTO pgqrs_messages (queue_id, payload, vt, producer_worker_id, headers)
                SELECT q.queue_id, p.payload::jsonb, now() + a.delay_ms * interval '1 millisecond', a.producer, a.headers
                FROM (SELECT ?::bigint AS queue_id) q,
                     unnest(?::text[]) WITH ORDINALITY AS p(payload, ord),
                     (SELECT ?::bigint AS delay_ms, ?::bigint AS producer, ?::jsonb AS headers) a
                ORDER BY p.ord
                RETURNING id
            )
            SELECT inserted.id FROM inserted, (SELECT pg_notify(?, ?)) AS notified""";

    private static final String NOTIFY = "SELECT pg_notify(?, ?)";

    // An enqueue with options: a deduplication key (a message of the queue holding it already makes this insert
    // nothing: no row returned) and a priority, both nullable. The unique index decides, so two processes
    // enqueueing the same key at once insert one message; the loser waits for the winner's commit.
    private static final String ON_DUPLICATE_KEY = "ON CONFLICT (queue_id, dedup_key) WHERE dedup_key IS NOT NULL DO NOTHING";

    private static final String ENQUEUE_WITH_OPTIONS = """
            INSERT INTO pgqrs_messages (queue_id, payload, vt, producer_worker_id, headers, dedup_key, priority, ordering_key)
            VALUES (?, ?::jsonb, now() + ? * interval '1 millisecond', ?, ?::jsonb, ?, ?, ?)
            %s
            RETURNING id, dedup_key""".formatted(ON_DUPLICATE_KEY);

    // Options travel as three arrays beside the payloads, paired by position.
    private static final String ENQUEUE_BATCH_WITH_OPTIONS = """
            INSERT INTO pgqrs_messages (queue_id, payload, vt, producer_worker_id, headers, dedup_key, priority, ordering_key)
            SELECT q.queue_id, p.payload::jsonb, now() + a.delay_ms * interval '1 millisecond', a.producer,
                   a.headers, o.dedup_key, o.priority, o.ordering_key
            FROM (SELECT ?::bigint AS queue_id) q,
                 unnest(?::text[]) WITH ORDINALITY AS p(payload, ord),
                 (SELECT ?::bigint AS delay_ms, ?::bigint AS producer, ?::jsonb AS headers) a,
                 unnest(?::text[], ?::int[], ?::text[]) WITH ORDINALITY AS o(dedup_key, priority, ordering_key, ord)
            WHERE o.ord = p.ord
            ORDER BY p.ord
            %s
            RETURNING id, dedup_key""".formatted(ON_DUPLICATE_KEY);

    private static final String ENQUEUE_WITH_OPTIONS_NOTIFYING = """
            WITH inserted AS (
            %s
            )
            SELECT inserted.id, inserted.dedup_key FROM inserted, (SELECT pg_notify(?, ?)) AS notified"""
            .formatted(ENQUEUE_WITH_OPTIONS);

    private static final String ENQUEUE_BATCH_WITH_OPTIONS_NOTIFYING = """
            WITH inserted AS (
            %s
            )
            SELECT inserted.id, inserted.dedup_key FROM inserted, (SELECT pg_notify(?, ?)) AS notified"""
            .formatted(ENQUEUE_BATCH_WITH_OPTIONS);

    // The maintenance service's pass: keys of rows archived longer ago than the window no longer count.
    private static final String EXPIRE_DEDUP_KEYS = """
            UPDATE pgqrs_messages SET dedup_key = NULL
            WHERE id IN (SELECT id FROM pgqrs_messages
                         WHERE dedup_key IS NOT NULL AND archived_at IS NOT NULL
                           AND archived_at < now() - ? * interval '1 millisecond'
                         LIMIT ?)""";



    // Who may take a visible message: nobody holds it, or its holder is a worker of this edition (whose
    // expired lease means the work was abandoned) or a stopped one. A lease of another edition's live
    // worker is held until it releases it or an operator reclaims it, whatever its vt says (pgqrs's rule).
    private static final String TAKEABLE = """
            (m.consumer_worker_id IS NULL
             OR EXISTS (SELECT 1 FROM pgqrs_workers w
                        WHERE w.id = m.consumer_worker_id AND (w.edition = 'java' OR w.status = 'stopped')))""";

    // A dead letter, in both editions' sense: dead-lettered by this edition (dead_lettered_at), or archived
    // after max_read_ct deliveries by anyone but a worker of this edition (pgqrs's dlq() leaves no marker;
    // this edition's workers only archive what they handled), or delivered max_read_ct times and due again.
    private static final String DEAD = """
            ((m.archived_at IS NOT NULL
              AND (m.dead_lettered_at IS NOT NULL
                   OR (m.read_ct >= a.max_read_ct
                       AND NOT EXISTS (SELECT 1 FROM pgqrs_workers w
                                       WHERE w.id = m.consumer_worker_id AND w.edition = 'java'))))
             OR (m.archived_at IS NULL AND m.vt <= now() AND m.read_ct >= a.max_read_ct AND %s))""".formatted(TAKEABLE);

    // The dequeue of a plain queue: every due message in visibility order, from the hot-path index; the statement
    // of the engine before priorities existed, unchanged (a queue that never used one pays nothing for them).
    // The ordering rule of a FIFO queue: a message with an ordering key is taken only if it is the oldest
    // unarchived message of its key (the key's head: a retried message keeps it, a dead letter is archived and
    // frees it) and no message of its key is leased (a head that committed after a later message of its key was
    // taken waits for that one). Only heads qualify, so a dequeue's batch holds at most one message per key, and
    // two consumers racing for a head lock it, SKIP LOCKED, never its successor. Probed in the ordering-key index.
    private static final String HEAD_OF_ITS_KEY = """
            (m.ordering_key IS NULL
             OR NOT EXISTS (SELECT 1 FROM pgqrs_messages o
                            WHERE o.queue_id = m.queue_id AND o.ordering_key = m.ordering_key
                              AND o.ordering_key IS NOT NULL AND o.archived_at IS NULL
                              AND (o.id < m.id OR (o.consumer_worker_id IS NOT NULL AND o.vt > now()))))""";

    // Who may take a message of a queue with these settings.
    private static String takeable(QueueSettings settings) {
        return settings.fifo() ? TAKEABLE + "\n  AND " + HEAD_OF_ITS_KEY : TAKEABLE;
    }

    // ... and a caller's own condition on the candidates (see Dialect.dequeue(QueueSettings, String)), if any.
    private static String takeable(QueueSettings settings, String candidateFilter) {
        return candidateFilter == null ? takeable(settings) : takeable(settings) + "\n  AND " + candidateFilter;
    }

    private static String plainDequeue(QueueSettings settings) {
        return plainDequeue(settings, null);
    }

    private static String plainDequeue(QueueSettings settings, String candidateFilter) {
        return """
            WITH picked AS (
                SELECT m.id, m.read_ct >= ? AS dead, m.consumer_worker_id IS NOT NULL AS recovered
                FROM pgqrs_messages m
                WHERE m.queue_id = ? AND m.archived_at IS NULL AND m.vt <= now() AND %s
                ORDER BY m.vt, m.enqueued_at, m.id
                LIMIT ?
                FOR UPDATE OF m SKIP LOCKED
            )
            UPDATE pgqrs_messages m
            SET read_ct            = CASE WHEN p.dead THEN m.read_ct ELSE m.read_ct + 1 END,
                vt                 = CASE WHEN p.dead THEN m.vt ELSE now() + ? * interval '1 millisecond' END,
                dequeued_at        = CASE WHEN p.dead THEN m.dequeued_at ELSE coalesce(m.dequeued_at, now()) END,
                consumer_worker_id = CASE WHEN p.dead THEN m.consumer_worker_id ELSE ? END,
                archived_at        = CASE WHEN p.dead THEN now() END,
                dead_lettered_at   = CASE WHEN p.dead THEN now() END
            FROM picked p
            WHERE m.id = p.id
            RETURNING\s""".formatted(takeable(settings, candidateFilter)) + COLUMNS + ", p.recovered";
    }

    // The two tiers of a prioritized queue's dequeue, as CTEs `prioritized`, `plain` and `picked`: messages with a
    // priority first, highest first, then the others, each tier in visibility order from its own index; `limit` is
    // the SQL expression of how many to take (`a` holds max_read_ct and queue_id).
    private static String prioritizedTiers(QueueSettings settings, String limit, String candidateFilter) {
        return """
            prioritized AS (
                SELECT m.id, m.read_ct >= (SELECT max_read_ct FROM a) AS dead,
                       m.consumer_worker_id IS NOT NULL AS recovered
                FROM pgqrs_messages m
                WHERE m.queue_id = (SELECT queue_id FROM a) AND m.archived_at IS NULL AND m.priority IS NOT NULL
                  AND m.vt <= now() AND %1$s
                ORDER BY m.priority DESC, m.vt, m.enqueued_at, m.id
                LIMIT %2$s
                FOR UPDATE OF m SKIP LOCKED
            ),
            plain AS (
                SELECT m.id, m.read_ct >= (SELECT max_read_ct FROM a) AS dead,
                       m.consumer_worker_id IS NOT NULL AS recovered
                FROM pgqrs_messages m
                WHERE m.queue_id = (SELECT queue_id FROM a) AND m.archived_at IS NULL AND m.priority IS NULL
                  AND m.vt <= now() AND %1$s
                ORDER BY m.vt, m.enqueued_at, m.id
                LIMIT %2$s - (SELECT count(*) FROM prioritized)
                FOR UPDATE OF m SKIP LOCKED
            ),
            picked AS (
                SELECT * FROM prioritized UNION ALL SELECT * FROM plain
            )""".formatted(takeable(settings, candidateFilter), limit);
    }

    // The dequeue of a prioritized queue (see QueueSettings): messages with a priority come first, highest first,
    // each tier in visibility order; each tier is read from its own index in order. The parameters are read once,
    // in `a`.
    private static String prioritizedDequeue(QueueSettings settings) {
        return prioritizedDequeue(settings, null);
    }

    private static String prioritizedDequeue(QueueSettings settings, String candidateFilter) {
        return """
            WITH a AS (SELECT ?::int AS max_read_ct, ?::bigint AS queue_id, ?::int AS lim),
            %1$s
            UPDATE pgqrs_messages m
            SET read_ct            = CASE WHEN p.dead THEN m.read_ct ELSE m.read_ct + 1 END,
                vt                 = CASE WHEN p.dead THEN m.vt ELSE now() + ? * interval '1 millisecond' END,
                dequeued_at        = CASE WHEN p.dead THEN m.dequeued_at ELSE coalesce(m.dequeued_at, now()) END,
                consumer_worker_id = CASE WHEN p.dead THEN m.consumer_worker_id ELSE ? END,
                archived_at        = CASE WHEN p.dead THEN now() END,
                dead_lettered_at   = CASE WHEN p.dead THEN now() END
            FROM picked p
            -- The planner cannot tell how many rows a LIMIT given by a subquery leaves; the id array makes the
            -- rows be found by primary key whatever it guesses, never by a scan of the table.
            WHERE m.id = p.id AND m.id = ANY(ARRAY(SELECT id FROM picked))
            RETURNING\s""".formatted(prioritizedTiers(settings, "(SELECT lim FROM a)", candidateFilter)) + COLUMNS
                + ", p.recovered";
    }

    // The dequeue of a limited queue (see QueueSettings): it runs after lockQueueLimits(), in the same transaction,
    // and takes at most least(requested, concurrency_limit - leased, rate_limit - dequeued in this window) of the
    // messages the queue's other settings allow, then counts what it leased in the window, all in one statement.
    //
    // Why a lock in a statement of its own, before this one: under READ COMMITTED a statement reads one snapshot,
    // taken when it starts. A FOR UPDATE (or an advisory lock) inside this statement would make two dequeues take
    // turns, but the second would still count the leases of a snapshot from before the first committed, and both
    // would lease up to the limit. Locking the settings row first makes this statement start (and take its snapshot)
    // only after the previous limited dequeue of the queue committed, so it counts that one's leases.
    //
    // The statement reads the clock when it starts (statement_timestamp()), not when its transaction started
    // (now(), before the lock wait): dequeues that took turns then stamp and count in the order they ran.
    private static String limitedDequeue(QueueSettings settings) {
        String tiers = settings.prioritized() ? prioritizedTiers(settings, "(SELECT n FROM room)", null) + "," : """
            picked AS (
                SELECT m.id, m.read_ct >= (SELECT max_read_ct FROM a) AS dead,
                       m.consumer_worker_id IS NOT NULL AS recovered
                FROM pgqrs_messages m
                WHERE m.queue_id = (SELECT queue_id FROM a) AND m.archived_at IS NULL AND m.vt <= now() AND %1$s
                ORDER BY m.vt, m.enqueued_at, m.id
                LIMIT (SELECT n FROM room)
                FOR UPDATE OF m SKIP LOCKED
            ),""";
        String sql = """
            WITH a AS (SELECT ?::int AS max_read_ct, ?::bigint AS queue_id, ?::int AS requested),
            s AS (
                SELECT s.concurrency_limit, s.rate_limit, s.rate_window, s.rate_window_count,
                       floor(extract(epoch FROM now()) * 1000)::bigint / s.rate_period_ms AS current_window
                FROM pgqrs_queue_settings s
                WHERE s.queue_id = (SELECT queue_id FROM a)
            ),
            -- What the limits leave: leases are the queue's unarchived messages held by a consumer whose visibility
            -- has not run out (read from the index of held rows, idx_pgqrs_messages_consumer_worker_id_active, or the
            -- dequeue index, as the planner chooses); the window's count is 0 in a new window.
            room AS (
                SELECT greatest(0, least(a.requested,
                           coalesce((SELECT s.concurrency_limit
                                            - (SELECT count(*) FROM pgqrs_messages l
                                               WHERE l.queue_id = a.queue_id AND l.archived_at IS NULL AND l.vt > now()
                                                 AND l.consumer_worker_id IS NOT NULL)
                                     FROM s WHERE s.concurrency_limit IS NOT NULL), a.requested),
                           coalesce((SELECT s.rate_limit - CASE WHEN s.rate_window = s.current_window
                                                                THEN s.rate_window_count ELSE 0 END
                                     FROM s WHERE s.rate_limit IS NOT NULL), a.requested))) AS n
                FROM a
            ),
            %2$s
            leased AS (
                UPDATE pgqrs_messages m
                SET read_ct            = CASE WHEN p.dead THEN m.read_ct ELSE m.read_ct + 1 END,
                    vt                 = CASE WHEN p.dead THEN m.vt ELSE now() + ? * interval '1 millisecond' END,
                    dequeued_at        = CASE WHEN p.dead THEN m.dequeued_at ELSE coalesce(m.dequeued_at, now()) END,
                    consumer_worker_id = CASE WHEN p.dead THEN m.consumer_worker_id ELSE ? END,
                    archived_at        = CASE WHEN p.dead THEN now() END,
                    dead_lettered_at   = CASE WHEN p.dead THEN now() END
                FROM picked p
                -- As in the prioritized dequeue: rows found by primary key, whatever the planner guesses of the limit.
                WHERE m.id = p.id AND m.id = ANY(ARRAY(SELECT id FROM picked))
                RETURNING %3$s, p.recovered, p.dead
            ),
            -- The rate window's count: the messages leased now (not those dead-lettered), in the current window.
            counted AS (
                UPDATE pgqrs_queue_settings t
                SET rate_window_count = CASE WHEN t.rate_window = s.current_window THEN t.rate_window_count ELSE 0 END
                                        + (SELECT count(*) FROM leased WHERE NOT leased.dead),
                    rate_window = s.current_window
                FROM s
                WHERE t.queue_id = (SELECT queue_id FROM a) AND t.rate_limit IS NOT NULL
                  AND EXISTS (SELECT 1 FROM leased WHERE NOT leased.dead)
            )
            SELECT * FROM leased""".formatted(takeable(settings), tiers.formatted(takeable(settings)), COLUMNS);
        return sql.replace("now()", "statement_timestamp()");
    }

    private static final String LOCK_QUEUE_LIMITS = "SELECT 1 FROM pgqrs_queue_settings WHERE queue_id = ? FOR UPDATE";

    private static final String DEQUEUE = plainDequeue(QueueSettings.PLAIN);
    private static final String DEQUEUE_PRIORITIZED = prioritizedDequeue(QueueSettings.PRIORITIZED);
    private static final String DEQUEUE_FIFO = plainDequeue(QueueSettings.FIFO);
    private static final String DEQUEUE_FIFO_PRIORITIZED = prioritizedDequeue(QueueSettings.FIFO.withPrioritized());
    // The limited variants, built once each when a queue first needs one.
    private static final Map<QueueSettings, String> LIMITED_DEQUEUES = new ConcurrentHashMap<>();

    // The acknowledgement of the previous batch rides on the claim of the next: the settling statement as a
    // data-modifying CTE ahead of the queue's dequeue, nested whole, one statement and one commit. All parts see
    // the statement's one snapshot: the claim does not see the acknowledgement's update (hence no FIFO queue here:
    // its next message of a key would not be eligible; nor a limited one: it would count the acknowledged leases,
    // and its lock must come first). The result's outer side reads `acked`, so the acknowledgement runs first: a delivery it settled
    // whose lease had run out is a row this statement changed already, which the claim's FOR UPDATE skips, so it
    // is never leased again. The outer join leaves one row (its dequeue columns NULL) when nothing was leased.
    private static String acknowledgingDequeue(String acknowledge, String dequeue) {
        return """
            WITH acked AS (
            %s
            ), leased AS (
            %s
            ), settled AS (
                SELECT array_agg(id) AS acked_ids, array_agg(read_ct) AS acked_read_cts FROM acked
            )
            SELECT l.*, s.acked_ids, s.acked_read_cts
            FROM settled s LEFT JOIN leased l ON true""".formatted(acknowledge, dequeue);
    }

    private record Composed(String acknowledge, QueueSettings settings) {
    }

    private final Map<Composed, String> acknowledgingDequeues = new ConcurrentHashMap<>();

    // Settling statements are fenced on the delivery, not only on the worker: a message is settled only
    // if it is still the delivery the caller holds (same consumer, same read_ct). Threads sharing one
    // worker row can otherwise settle each other's later deliveries of the same message. Each row finds its read
    // count by its position in the ids: one scan of the rows, where joining an unnest of the pairs became a
    // nested loop rescanning the function per row (the generic plan; at batch 50 it cost the drain 10-20%).
    private static final String DELIVERIES = "(SELECT ?::bigint[] AS ids, ?::int[] AS read_cts) d";
    private static final String HELD_ANY = "m.id = ANY(d.ids) AND m.read_ct = d.read_cts[array_position(d.ids, m.id)]"
            + " AND m.consumer_worker_id = ?";
    private static final String HELD = HELD_ANY + " AND m.archived_at IS NULL";

    private static final String ARCHIVE = """
            UPDATE pgqrs_messages m
            SET archived_at = now()
            FROM %s
            WHERE %s
            RETURNING m.id, m.read_ct""".formatted(DELIVERIES, HELD);

    /** The archive, also requiring {@code condition} (a workflow finish: that its last step's row was written). */
    static String archiveWhen(String condition) {
        return """
                UPDATE pgqrs_messages m
                SET archived_at = now()
                FROM %s
                WHERE %s AND %s
                RETURNING m.id, m.read_ct""".formatted(DELIVERIES, HELD, condition);
    }

    // Deletes what the worker holds, archived or not (as pgqrs does: an archived row is still its consumer's).
    private static final String DELETE = """
            DELETE FROM pgqrs_messages m
            USING %s
            WHERE %s
            RETURNING m.id, m.read_ct""".formatted(DELIVERIES, HELD_ANY);

    // pgqrs's extend: the lease grows by the given time, from its end (or from now, if it has passed).
    private static final String EXTEND = """
            UPDATE pgqrs_messages m
            SET vt = greatest(m.vt, now()) + a.visibility_ms * interval '1 millisecond'
            FROM (SELECT ?::bigint AS visibility_ms) a, %s
            WHERE %s
            RETURNING m.id, m.read_ct""".formatted(DELIVERIES, HELD);

    // A lease keeper's renewal: the lease ends the given time from now.
    private static final String RENEW = """
            UPDATE pgqrs_messages m
            SET vt = now() + a.visibility_ms * interval '1 millisecond'
            FROM (SELECT ?::bigint AS visibility_ms) a, %s
            WHERE %s
            RETURNING m.id, m.read_ct""".formatted(DELIVERIES, HELD);

    // Gives the message back, visible after the delay, read_ct kept; never dead-letters (the next dequeue
    // that meets it at max_read_ct does).
    private static final String RELEASE = """
            UPDATE pgqrs_messages m
            SET vt                 = now() + a.delay_ms * interval '1 millisecond',
                last_error         = coalesce(a.error, m.last_error),
                consumer_worker_id = NULL
            FROM (SELECT ?::bigint AS delay_ms, ?::text AS error) a, %s
            WHERE %s
            RETURNING m.id, m.read_ct""".formatted(DELIVERIES, HELD);

    private static final String DEAD_LETTER = """
            UPDATE pgqrs_messages m
            SET archived_at = now(), dead_lettered_at = now(), last_error = a.reason
            FROM (SELECT ?::text AS reason) a, %s
            WHERE %s
            RETURNING m.id, m.read_ct""".formatted(DELIVERIES, HELD);

    private static final String LIST_DEAD_LETTERS = """
            SELECT %s
            FROM pgqrs_messages m, (SELECT ?::bigint AS queue_id, ?::int AS max_read_ct) a
            WHERE m.queue_id = a.queue_id AND %s
            ORDER BY m.id
            LIMIT ?""".formatted(COLUMNS, DEAD);

    // A replay makes the message new, as pgqrs's replay_dlq does: read_ct 0, enqueued (and visible) now.
    private static final String REPLAY_SET = """
            SET archived_at = NULL, dead_lettered_at = NULL, read_ct = 0, vt = now(), enqueued_at = now(),
                dequeued_at = NULL, consumer_worker_id = NULL""";

    private static final String REPLAY = """
            UPDATE pgqrs_messages m
            %s
            FROM (SELECT ?::bigint AS queue_id, ?::int AS max_read_ct) a
            WHERE m.queue_id = a.queue_id AND m.id = ANY(?) AND %s
            RETURNING m.id""".formatted(REPLAY_SET, DEAD);

    private static final String REPLAY_ALL = """
            UPDATE pgqrs_messages m
            %s
            FROM (SELECT ?::bigint AS queue_id, ?::int AS max_read_ct) a
            WHERE m.queue_id = a.queue_id AND %s
            RETURNING m.id""".formatted(REPLAY_SET, DEAD);

    private static final String DELETE_DEAD_LETTERS = """
            DELETE FROM pgqrs_messages m
            USING (SELECT ?::bigint AS queue_id, ?::int AS max_read_ct) a
            WHERE m.queue_id = a.queue_id AND m.id = ANY(?) AND %s
              AND NOT EXISTS (SELECT 1 FROM pgqrs_workflow_runs r WHERE r.message_id = m.id)
            RETURNING m.id""".formatted(DEAD);

    // Retention reads a queue's archived rows in archived_at order from idx_pgqrs_messages_archived_at, from where
    // the last batch ended (dead letters it skipped are not read again), and stops at the limit.
    // The ids are collected first (ARRAY(...) is one InitPlan), so the delete finds its rows by primary key: with
    // IN (subquery) the planner may hash the subquery and scan the whole table for the ids.
    private static final String DELETE_ARCHIVED_BETWEEN = """
            DELETE FROM pgqrs_messages
            WHERE id = ANY(ARRAY(
                SELECT m.id FROM pgqrs_messages m, (SELECT ?::bigint AS queue_id, ?::int AS max_read_ct) a
                WHERE m.queue_id = a.queue_id
                  AND m.archived_at IS NOT NULL AND m.archived_at >= to_timestamp(?::bigint / 1000.0) AND m.archived_at < to_timestamp(?::bigint / 1000.0)
                  AND NOT %s
                  AND NOT EXISTS (SELECT 1 FROM pgqrs_workflow_runs r WHERE r.message_id = m.id)
                ORDER BY m.archived_at
                LIMIT ?))
            RETURNING floor(extract(epoch FROM archived_at) * 1000)::bigint""".formatted(DEAD);

    private static final String NEWEST_DELETABLE_ARCHIVED = """
            SELECT floor(extract(epoch FROM m.archived_at) * 1000)::bigint
            FROM pgqrs_messages m, (SELECT ?::bigint AS queue_id, ?::int AS max_read_ct) a
            WHERE m.queue_id = a.queue_id AND m.archived_at IS NOT NULL
              AND NOT %s
              AND NOT EXISTS (SELECT 1 FROM pgqrs_workflow_runs r WHERE r.message_id = m.id)
            ORDER BY m.archived_at DESC
            OFFSET ? LIMIT 1""".formatted(DEAD);

    private static final String COUNT_HELD = """
            SELECT count(*) FROM pgqrs_messages
            WHERE consumer_worker_id = ? AND archived_at IS NULL AND vt > now()""";

    // The snapshot's counts over a set of message rows (a queue's, or every queue's grouped by queue).
    private static final String METRICS_AGGREGATES = """
            count(*) AS total,
            count(*) FILTER (WHERE m.archived_at IS NULL AND m.vt <= now() AND m.read_ct < a.max_read_ct AND %1$s) AS pending,
            count(*) FILTER (WHERE m.archived_at IS NULL AND m.consumer_worker_id IS NOT NULL
                                AND (m.vt > now() OR NOT %1$s)) AS leased,
            count(*) FILTER (WHERE m.archived_at IS NULL AND m.vt > now() AND m.consumer_worker_id IS NULL) AS delayed,
            count(*) FILTER (WHERE m.archived_at IS NOT NULL AND NOT %2$s) AS archived,
            count(*) FILTER (WHERE %2$s) AS dead_lettered,
            min(m.enqueued_at) FILTER (WHERE m.archived_at IS NULL AND m.vt <= now() AND m.read_ct < a.max_read_ct
                                          AND %1$s) AS oldest_pending""".formatted(TAKEABLE, DEAD);

    private static final String QUEUE_METRICS = """
            SELECT %s
            FROM pgqrs_messages m, (SELECT ?::int AS max_read_ct) a
            WHERE m.queue_id = ?""".formatted(METRICS_AGGREGATES);

    // Every queue in one pass over the messages (not one pass per queue); a queue without rows counts zeros.
    private static final String ALL_QUEUE_METRICS = """
            SELECT q.queue_name, coalesce(t.total, 0), coalesce(t.pending, 0), coalesce(t.leased, 0),
                   coalesce(t.delayed, 0), coalesce(t.archived, 0), coalesce(t.dead_lettered, 0), t.oldest_pending
            FROM pgqrs_queues q
            LEFT JOIN (SELECT m.queue_id, %s
                       FROM pgqrs_messages m, (SELECT ?::int AS max_read_ct) a
                       GROUP BY m.queue_id) t ON t.queue_id = q.id
            ORDER BY q.queue_name""".formatted(METRICS_AGGREGATES);

    // Counts that stop at a sample: per queue, the first sample + 1 rows of each partial index (live rows in
    // visibility order, the live rows not visible yet, the archived history, the dead-letter marks), so the cost
    // follows the sample, not the table. A count that reaches sample + 1 was cut short; the store then estimates
    // it from the statistics below. The history is counted from its index alone (its pages are all-visible once
    // vacuumed, and cold): the rows themselves are read, to tell the dead letters, only when it was not cut short. ORDER BY names each index's order: with a LIMIT and a skewed queue_id the
    // planner would otherwise pick a sequential scan it expects to stop early.
    private static final String SAMPLED_QUEUE_COUNTS = """
            WITH a AS (SELECT ?::int AS max_read_ct, ?::int AS sample)
            SELECT q.id, q.queue_name,
                   live.seen, live.pending, live.leased, live.delayed, live.due_dead, live.oldest_pending,
                   ahead.seen, ahead.leased, hist.seen, hist_dead.dead, marked.seen
            FROM pgqrs_queues q CROSS JOIN a
            CROSS JOIN LATERAL (
                SELECT count(*) AS seen,
                       count(*) FILTER (WHERE m.vt <= now() AND m.read_ct < a.max_read_ct AND %1$s) AS pending,
                       count(*) FILTER (WHERE m.consumer_worker_id IS NOT NULL AND (m.vt > now() OR NOT %1$s)) AS leased,
                       count(*) FILTER (WHERE m.vt > now() AND m.consumer_worker_id IS NULL) AS delayed,
                       count(*) FILTER (WHERE m.vt <= now() AND m.read_ct >= a.max_read_ct AND %1$s) AS due_dead,
                       min(m.enqueued_at) FILTER (WHERE m.vt <= now() AND m.read_ct < a.max_read_ct AND %1$s)
                           AS oldest_pending
                FROM (SELECT m.vt, m.read_ct, m.consumer_worker_id, m.enqueued_at FROM pgqrs_messages m
                      WHERE m.queue_id = q.id AND m.archived_at IS NULL
                      ORDER BY m.vt LIMIT a.sample + 1) m) live
            CROSS JOIN LATERAL (
                SELECT count(*) AS seen, count(*) FILTER (WHERE m.consumer_worker_id IS NOT NULL) AS leased
                FROM (SELECT m.consumer_worker_id FROM pgqrs_messages m
                      WHERE m.queue_id = q.id AND m.archived_at IS NULL AND m.vt > now()
                      ORDER BY m.vt LIMIT a.sample + 1) m) ahead
            CROSS JOIN LATERAL (
                SELECT count(*) AS seen
                FROM (SELECT 1 FROM pgqrs_messages m
                      WHERE m.queue_id = q.id AND m.archived_at IS NOT NULL
                      ORDER BY m.archived_at LIMIT a.sample + 1) m) hist
            CROSS JOIN LATERAL (
                SELECT count(*) FILTER (WHERE %2$s) AS dead
                FROM pgqrs_messages m
                WHERE hist.seen <= a.sample AND m.queue_id = q.id AND m.archived_at IS NOT NULL) hist_dead
            CROSS JOIN LATERAL (
                SELECT count(*) AS seen
                FROM (SELECT 1 FROM pgqrs_messages m
                      WHERE m.queue_id = q.id AND m.dead_lettered_at IS NOT NULL
                      ORDER BY m.dead_lettered_at LIMIT a.sample + 1) m) marked
            ORDER BY q.queue_name""".formatted(TAKEABLE, DEAD);

    // A relation's rows as its statistics last counted them (0 if never: reltuples -1), scaled to its size now by
    // the rows per page they saw, as the planner scales a table it reads.
    private static final String ROWS_NOW = """
            CASE WHEN c.reltuples <= 0 THEN 0
                 WHEN c.relpages > 0
                 THEN c.reltuples / c.relpages * (pg_relation_size(c.oid) / current_setting('block_size')::float8)
                 ELSE c.reltuples END""";

    // The planner's own statistics of the messages (V15's pgqrs_messages_queue_state, kept by ANALYZE and
    // autovacuum): each frequent (queue, live, dead-letter mark) combination's share of the rows, times the
    // table's rows now. No rows when they have not been gathered yet, or
    // the user may not read them (pg_stats_ext shows a table's statistics to its owner).
    private static final String QUEUE_STATE_ESTIMATES = """
            WITH rel AS (
                SELECT n.nspname, %s AS rows
                FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE c.oid = 'pgqrs_messages'::regclass)
            SELECT s.most_common_vals[i][1]::bigint, s.most_common_vals[i][2]::boolean,
                   s.most_common_vals[i][3]::boolean, round(s.most_common_freqs[i] * rel.rows)::bigint
            FROM rel
            JOIN pg_stats_ext s ON s.schemaname = rel.nspname AND s.tablename = 'pgqrs_messages'
                               AND s.statistics_name = 'pgqrs_messages_queue_state'
            CROSS JOIN LATERAL generate_subscripts(s.most_common_vals, 1) i""".formatted(ROWS_NOW);

    // What each partial index holds, as VACUUM counted it (or ANALYZE estimated it), scaled to its size now.
    private static final String PARTIAL_INDEX_ROWS = """
            WITH i AS (
                SELECT c.oid, %s AS rows
                FROM pg_class c
                WHERE c.oid IN (to_regclass('idx_pgqrs_messages_hot_path'), to_regclass('idx_pgqrs_messages_archived_at'),
                                to_regclass('pgqrs_messages_dead_letter_idx')))
            SELECT coalesce((SELECT round(rows)::bigint FROM i WHERE oid = to_regclass('idx_pgqrs_messages_hot_path')), 0),
                   coalesce((SELECT round(rows)::bigint FROM i WHERE oid = to_regclass('idx_pgqrs_messages_archived_at')), 0),
                   coalesce((SELECT round(rows)::bigint FROM i WHERE oid = to_regclass('pgqrs_messages_dead_letter_idx')), 0)"""
            .formatted(ROWS_NOW);

    // The meters' snapshot. Live rows are read from the dequeue index (partial: archived_at IS NULL) and dead
    // letters from theirs (partial: dead_lettered_at IS NOT NULL, an index-only count), so the cost follows the
    // backlog and the dead letters, never the archived history. A lease past its vt counts as pending: it is
    // visible again (queueMetrics() also tells which edition holds it, at a cost per row this skips). Dead
    // tuples: pg_stat_user_tables.n_dead_tup, read with its function (the view joins the catalog).
    private static final String QUEUE_GAUGES = """
            WITH a AS (SELECT ?::int AS max_read_ct),
            live AS (
                SELECT m.queue_id,
                       count(*) FILTER (WHERE m.vt <= now() AND m.read_ct < a.max_read_ct) AS pending,
                       count(*) FILTER (WHERE m.vt > now() AND m.consumer_worker_id IS NOT NULL) AS leased,
                       count(*) FILTER (WHERE m.vt > now() AND m.consumer_worker_id IS NULL) AS delayed,
                       count(*) FILTER (WHERE m.vt <= now() AND m.read_ct >= a.max_read_ct) AS due_dead,
                       min(m.enqueued_at) FILTER (WHERE m.vt <= now() AND m.read_ct < a.max_read_ct) AS oldest_pending
                FROM pgqrs_messages m, a
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
                   coalesce(d.dead_lettered, 0) + coalesce(l.due_dead, 0), l.oldest_pending,
                   pg_stat_get_dead_tuples('pgqrs_messages'::regclass)
            FROM pgqrs_queues q
            LEFT JOIN live l ON l.queue_id = q.id
            LEFT JOIN dead d ON d.queue_id = q.id
            ORDER BY q.queue_name""";

    private static final String INSERT_WORKER = """
            INSERT INTO pgqrs_workers (name, queue_id, status, started_at, heartbeat_at, edition)
            VALUES (?, ?, 'ready', now(), now(), 'java')
            RETURNING id, started_at, heartbeat_at""";

    private static final String REVIVE_WORKER = """
            UPDATE pgqrs_workers
            SET queue_id = ?, status = 'ready', started_at = now(), heartbeat_at = now(), shutdown_at = NULL,
                edition = 'java'
            WHERE name = ? AND status = 'stopped'
            RETURNING id, started_at, heartbeat_at""";

    private static final String HEARTBEAT = """
            UPDATE pgqrs_workers
            SET heartbeat_at = now()
            WHERE id = ANY(?) AND status <> 'stopped'
            RETURNING id, status::text""";

    private static final String TRANSITION_WORKER = """
            UPDATE pgqrs_workers
            SET status = ?::worker_status,
                shutdown_at = CASE WHEN ? = 'stopped' THEN now() ELSE shutdown_at END
            WHERE id = ? AND status::text = ANY(?)
            RETURNING status::text""";

    private final PostgresSchemaDialect schema = new PostgresSchemaDialect();

    @Override
    public Backend backend() {
        return Backend.POSTGRES;
    }

    @Override
    public WorkflowSql workflowSql() {
        return new PostgresWorkflowSql(this);
    }

    /** Row locks and SKIP LOCKED let writers run side by side. */
    @Override
    public boolean serialisesWriters() {
        return false;
    }

    @Override
    public Notifications notifications(Database database, QueueSignals signals, PgqrsConfig config) {
        return config.notifications()
                ? new PostgresNotifications(database, signals, config.schema(), config.notifyDebounce())
                : Notifications.NONE;
    }

    @Override
    public void checkSchema(Database database, String schemaName) {
        schema.checkSchema(database, schemaName);
    }

    @Override
    public SchemaDialect schema() {
        return schema;
    }

    @Override
    public String migrationsFolder() {
        return "db/postgres";
    }

    @Override
    public void bindIds(Connection c, PreparedStatement ps, int index, Collection<Long> ids) throws SQLException {
        ps.setArray(index, c.createArrayOf("bigint", ids.toArray(new Long[0])));
    }

    @Override
    public void bindDeliveries(Connection c, PreparedStatement ps, int index, Deliveries deliveries) throws SQLException {
        ps.setArray(index, c.createArrayOf("bigint", deliveries.boxedIds()));
        ps.setArray(index + 1, c.createArrayOf("integer", deliveries.boxedReadCounts()));
    }

    @Override
    public void bindTexts(Connection c, PreparedStatement ps, int index, Collection<String> values) throws SQLException {
        ps.setArray(index, c.createArrayOf("text", values.toArray(new String[0])));
    }

    @Override
    public void bindJsonDocuments(Connection c, PreparedStatement ps, int index, Collection<String> json) throws SQLException {
        bindTexts(c, ps, index, json);
    }

    @Override
    public void bindEnqueueOptions(Connection c, PreparedStatement ps, int index, List<String> dedupKeys,
                                   List<Integer> priorities, List<String> orderingKeys) throws SQLException {
        ps.setArray(index, c.createArrayOf("text", dedupKeys.toArray(new String[0])));
        ps.setArray(index + 1, c.createArrayOf("integer", priorities.toArray(new Integer[0])));
        ps.setArray(index + 2, c.createArrayOf("text", orderingKeys.toArray(new String[0])));
    }

    @Override
    public Instant readInstant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    @Override
    public void bindInstant(PreparedStatement ps, int index, Instant instant) throws SQLException {
        ps.setObject(index, OffsetDateTime.ofInstant(instant.truncatedTo(ChronoUnit.MILLIS), ZoneOffset.UTC));
    }

    @Override public String enqueue() { return ENQUEUE; }
    @Override public String enqueueBatch() { return ENQUEUE_BATCH; }
    @Override public String enqueueNotifying() { return ENQUEUE_NOTIFYING; }
    @Override public String enqueueBatchNotifying() { return ENQUEUE_BATCH_NOTIFYING; }
    @Override public String notifyStatement() { return NOTIFY; }
    @Override public String enqueueWithOptions() { return ENQUEUE_WITH_OPTIONS; }
    @Override public String enqueueWithOptionsNotifying() { return ENQUEUE_WITH_OPTIONS_NOTIFYING; }
    @Override public String enqueueBatchWithOptions() { return ENQUEUE_BATCH_WITH_OPTIONS; }
    @Override public String enqueueBatchWithOptionsNotifying() { return ENQUEUE_BATCH_WITH_OPTIONS_NOTIFYING; }
    @Override public String expireDedupKeys() { return EXPIRE_DEDUP_KEYS; }
    @Override public String dequeue(QueueSettings settings) {
        if (settings.limited()) {
            return LIMITED_DEQUEUES.computeIfAbsent(settings, PostgresDialect::limitedDequeue);
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
        return settings.prioritized() ? prioritizedDequeue(settings, candidateFilter) : plainDequeue(settings, candidateFilter);
    }

    @Override public String acknowledgeAndDequeue(String acknowledge, QueueSettings settings) {
        if (settings.fifo() || settings.limited()) {
            // A key's next message must see its head archived, and a limited dequeue must count the leases the
            // acknowledgement ends and lock before it counts: two statements, one transaction.
            return null;
        }
        return acknowledgingDequeues.computeIfAbsent(new Composed(acknowledge, settings),
                k -> acknowledgingDequeue(k.acknowledge(), dequeue(k.settings())));
    }
    @Override public String lockQueueLimits() { return LOCK_QUEUE_LIMITS; }
    @Override public String countRateWindow() { return null; }
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
    @Override public String sampledQueueCounts() { return SAMPLED_QUEUE_COUNTS; }
    // The statement's cost is reckoned per queue row, and a queue table too small for autovacuum to ever analyze
    // is reckoned at a thousand rows: enough for JIT compilation, which would cost more than the sample's reads.
    @Override public String sampledCountsSettings() { return "SET LOCAL jit = off"; }
    @Override public String queueStateEstimates() { return QUEUE_STATE_ESTIMATES; }
    @Override public String partialIndexRows() { return PARTIAL_INDEX_ROWS; }
    @Override public String messageColumns() { return COLUMNS; }
    @Override public boolean notifiesOtherProcesses() { return true; }
    @Override public String insertWorker() { return INSERT_WORKER; }
    @Override public String reviveWorker() { return REVIVE_WORKER; }
    @Override public String heartbeat() { return HEARTBEAT; }
    @Override public String transitionWorker() { return TRANSITION_WORKER; }

    @Override
    public String now() {
        return "now()";
    }

    @Override
    public String nowMinusMillis() {
        return "(now() - ? * interval '1 millisecond')";
    }

    @Override
    public String millisSince(String column) {
        return "(extract(epoch FROM now() - " + column + ") * 1000)::bigint";
    }

    @Override
    public String inIds() {
        return "= ANY(?)";
    }

    @Override
    public String epochMillis(String column) {
        return "floor(extract(epoch FROM " + column + ") * 1000)::bigint";
    }

    @Override
    public String fromEpochMillis() {
        return "to_timestamp(?::bigint / 1000.0)";
    }

    @Override
    public LeaderLease leaderLease(Database database, String holder, Duration ttl) {
        return new PostgresAdvisoryLease(database);
    }

    @Override
    public void lockForMigration(Connection c, Duration wait) throws SQLException {
        String database = Jdbc.queryOne(c, "SELECT current_database()", ps -> { }, rs -> rs.getString(1)).orElseThrow();
        long originalKey = OriginalMigrations.lockKey(database);
        String previousTimeout = Jdbc.queryOne(c, "SELECT current_setting('lock_timeout')", ps -> { },
                rs -> rs.getString(1)).orElseThrow();
        try {
            Jdbc.queryOne(c, "SELECT set_config('lock_timeout', ?, true)", ps -> ps.setString(1, wait.toMillis() + "ms"), rs -> null);
            // Older Java installs lock the constant ("pgqrs" in ASCII); pgqrs for Rust (sqlx) locks a key
            // derived from the database name, with a session lock: transaction and session advisory
            // locks on one key exclude each other. Always in this order, so two Java installs never deadlock.
            Jdbc.queryOne(c, "SELECT pg_advisory_xact_lock(7370767172), pg_advisory_xact_lock(?)",
                    ps -> ps.setLong(1, originalKey), rs -> null);
        } catch (SQLException e) {
            if ("55P03".equals(e.getSQLState())) {
                throw new SQLException("the schema migration lock of database '" + database + "' (advisory lock "
                        + originalKey + ", shared with pgqrs for Rust/Python) was not free within "
                        + (wait.toMillis() % 1000 == 0 ? wait.toSeconds() + " s" : wait.toMillis() + " ms") + ": another process is installing pgqrs, or a failed bootstrap of pgqrs for Rust still holds it"
                        + " on an open connection (it is released when that connection closes)", e.getSQLState(), e);
            }
            throw e;
        }
        Jdbc.queryOne(c, "SELECT set_config('lock_timeout', ?, true)", ps -> ps.setString(1, previousTimeout), rs -> null);
    }

    @Override
    public boolean isConnectionFailure(SQLException e) {
        String state = e.getSQLState();
        return state != null && (state.startsWith("08") || state.equals("57P01") || state.equals("57P02")
                || state.equals("57P03") || state.equals("53300"));
    }

    @Override
    public boolean isMissingTable(SQLException e) {
        return "42P01".equals(e.getSQLState()) || "42704".equals(e.getSQLState());
    }

    @Override
    public boolean isConstraintViolation(SQLException e) {
        return "23505".equals(e.getSQLState()) || "23503".equals(e.getSQLState());
    }
}
