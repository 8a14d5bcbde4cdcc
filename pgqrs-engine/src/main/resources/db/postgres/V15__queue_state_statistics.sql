-- The planner's statistics of the messages by queue and state: how the rows split between (queue, live or
-- archived, dead-lettered or not), gathered by ANALYZE and autovacuum from their usual sample. Queues'
-- estimatedMetrics() read them to tell a large queue's counts without reading its rows.
--
-- A statistics object only: nothing reads or writes differently, and pgqrs for Rust and Python never see it.
-- Statistics on expressions need PostgreSQL 14; on an older server the estimated metrics count exactly.
DO $$
BEGIN
    IF current_setting('server_version_num')::int >= 140000 THEN
        EXECUTE 'CREATE STATISTICS IF NOT EXISTS pgqrs_messages_queue_state (mcv)
                 ON queue_id, (archived_at IS NULL), (dead_lettered_at IS NOT NULL) FROM pgqrs_messages';
    END IF;
END
$$;
