package dev.pgqrs.bench.drain;

import dev.pgqrs.config.Backend;
import dev.pgqrs.store.Dialect;
import dev.pgqrs.store.QueueSettings;
import dev.pgqrs.store.postgres.PostgresDialect;
import dev.pgqrs.store.sqlite.SqliteDialect;

/**
 * The floor's statements: the claim and ack SQL the engine's dialects run, taken from the
 * dialects themselves (the same text, so the two cannot drift apart), prepared once and run over
 * plain JDBC, so the floor measures the cost of that SQL with nothing around it.
 */
final class FloorSql {

    private static final Dialect POSTGRES = new PostgresDialect();
    private static final Dialect SQLITE = new SqliteDialect();

    private FloorSql() {
    }

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
        return dialect(backend).dequeue(QueueSettings.PLAIN);
    }

    static String ack(Backend backend) {
        return dialect(backend).archive();
    }

    static Dialect dialect(Backend backend) {
        return backend == Backend.POSTGRES ? POSTGRES : SQLITE;
    }
}
