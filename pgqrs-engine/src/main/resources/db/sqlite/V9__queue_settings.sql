-- Queue settings (see the PostgreSQL migration of the same version): one row per queue that uses a feature
-- its dequeue must honour; the dequeue statement is chosen by it. prioritized and fifo are 0 or 1.
CREATE TABLE IF NOT EXISTS pgqrs_queue_settings (
    queue_id     INTEGER PRIMARY KEY REFERENCES pgqrs_queues (id) ON DELETE CASCADE,
    prioritized  INTEGER NOT NULL DEFAULT 0,
    fifo         INTEGER NOT NULL DEFAULT 0,
    updated_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now'))
);

-- Queues holding prioritized messages from before this version keep their priorities honoured.
INSERT INTO pgqrs_queue_settings (queue_id, prioritized)
SELECT DISTINCT queue_id, 1 FROM pgqrs_messages WHERE archived_at IS NULL AND priority IS NOT NULL
ON CONFLICT (queue_id) DO UPDATE SET prioritized = 1;

-- Ordering keys (see the PostgreSQL migration): fifo is fixed when the queue is created; the partial index
-- holds the unarchived keyed rows, the heads first per key.
ALTER TABLE pgqrs_messages ADD COLUMN ordering_key TEXT;
CREATE INDEX pgqrs_messages_ordering_key_idx
    ON pgqrs_messages (queue_id, ordering_key, id)
    WHERE archived_at IS NULL AND ordering_key IS NOT NULL;
