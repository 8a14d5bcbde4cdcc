package dev.pgqrs.bench.drain;

import dev.pgqrs.config.Backend;

/**
 * The floor's statements, written out by hand: the same claim and ack SQL the engine's dialects
 * run ({@code FloorSqlMatchesEngineTest} fails if they drift apart), so the floor measures the
 * cost of that SQL with nothing around it.
 */
final class FloorSql {

    private FloorSql() {
    }

    static final String POSTGRES_CLAIM = """
            WITH picked AS (
                SELECT id, read_ct >= ? AS dead
                FROM pgqrs_messages
                WHERE queue_id = ? AND archived_at IS NULL AND vt <= now()
                ORDER BY vt, enqueued_at, id
                LIMIT ?
                FOR UPDATE SKIP LOCKED
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
            RETURNING m.id, m.payload::text, m.enqueued_at, m.vt, m.read_ct, m.dequeued_at, \
            m.producer_worker_id, m.consumer_worker_id, m.archived_at, m.dead_lettered_at, m.last_error""";

    static final String POSTGRES_ACK = """
            UPDATE pgqrs_messages
            SET archived_at = now()
            WHERE id = ANY(?) AND consumer_worker_id = ? AND archived_at IS NULL
            RETURNING id""";

    static final String SQLITE_CLAIM = """
            UPDATE pgqrs_messages
            SET read_ct            = CASE WHEN read_ct >= ?1 THEN read_ct ELSE read_ct + 1 END,
                vt                 = CASE WHEN read_ct >= ?1 THEN vt
                                          ELSE strftime('%Y-%m-%d %H:%M:%f', 'now', printf('%+.3f seconds', ?4 / 1000.0)) END,
                dequeued_at        = CASE WHEN read_ct >= ?1 THEN dequeued_at
                                          ELSE coalesce(dequeued_at, strftime('%Y-%m-%d %H:%M:%f', 'now')) END,
                consumer_worker_id = CASE WHEN read_ct >= ?1 THEN consumer_worker_id ELSE ?5 END,
                archived_at        = CASE WHEN read_ct >= ?1 THEN strftime('%Y-%m-%d %H:%M:%f', 'now') END,
                dead_lettered_at   = CASE WHEN read_ct >= ?1 THEN strftime('%Y-%m-%d %H:%M:%f', 'now') END
            WHERE id IN (
                SELECT id FROM pgqrs_messages
                WHERE queue_id = ?2 AND archived_at IS NULL AND vt <= strftime('%Y-%m-%d %H:%M:%f', 'now')
                ORDER BY vt, enqueued_at, id
                LIMIT ?3)
            RETURNING id, payload, enqueued_at, vt, read_ct, dequeued_at, \
            producer_worker_id, consumer_worker_id, archived_at, dead_lettered_at, last_error""";

    static final String SQLITE_ACK = """
            UPDATE pgqrs_messages
            SET archived_at = strftime('%Y-%m-%d %H:%M:%f', 'now')
            WHERE id IN (SELECT value FROM json_each(?1)) AND consumer_worker_id = ?2 AND archived_at IS NULL
            RETURNING id""";

    /**
     * PostgreSQL only, not in the engine: the ack of the previous batch rides on the claim of the
     * next one, so a batch costs one commit instead of two. Params: ids to ack, worker id, then the
     * claim's max_read_ct, queue_id, limit, visibility ms, worker id. Returns one row: the number
     * acked, and the ids and payloads leased.
     */
    static final String POSTGRES_ACK_AND_CLAIM = """
            WITH acked AS (
                UPDATE pgqrs_messages
                SET archived_at = now()
                WHERE id = ANY(?) AND consumer_worker_id = ? AND archived_at IS NULL
                RETURNING id
            ), picked AS (
                SELECT id, read_ct >= ? AS dead
                FROM pgqrs_messages
                WHERE queue_id = ? AND archived_at IS NULL AND vt <= now()
                ORDER BY vt, enqueued_at, id
                LIMIT ?
                FOR UPDATE SKIP LOCKED
            ), leased AS (
                UPDATE pgqrs_messages m
                SET read_ct            = CASE WHEN p.dead THEN m.read_ct ELSE m.read_ct + 1 END,
                    vt                 = CASE WHEN p.dead THEN m.vt ELSE now() + ? * interval '1 millisecond' END,
                    dequeued_at        = CASE WHEN p.dead THEN m.dequeued_at ELSE coalesce(m.dequeued_at, now()) END,
                    consumer_worker_id = CASE WHEN p.dead THEN m.consumer_worker_id ELSE ? END,
                    archived_at        = CASE WHEN p.dead THEN now() END,
                    dead_lettered_at   = CASE WHEN p.dead THEN now() END
                FROM picked p
                WHERE m.id = p.id
                RETURNING m.id, m.payload::text AS payload, m.dead_lettered_at
            )
            SELECT (SELECT count(*) FROM acked),
                   array(SELECT id FROM leased WHERE dead_lettered_at IS NULL ORDER BY id),
                   array(SELECT payload FROM leased WHERE dead_lettered_at IS NULL ORDER BY id)""";

    static String claim(Backend backend) {
        return backend == Backend.POSTGRES ? POSTGRES_CLAIM : SQLITE_CLAIM;
    }

    static String ack(Backend backend) {
        return backend == Backend.POSTGRES ? POSTGRES_ACK : SQLITE_ACK;
    }
}
