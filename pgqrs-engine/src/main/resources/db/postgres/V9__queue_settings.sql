-- Queue settings: one row per queue that uses a feature its dequeue must honour; a queue without a row is
-- plain. The store reads a queue's row before it dequeues (cached, refreshed within a second) and chooses
-- the dequeue statement by it, so a queue that uses no feature runs the plain statement and pays for none.
--
-- prioritized: the queue has held messages with a priority. The first enqueue with a priority sets it
-- (before the message is inserted); it is never cleared by the engine.
--
-- A table other editions never read: pgqrs for Rust and Python dequeue every queue with their own plain
-- statement, whatever its row says.
CREATE TABLE IF NOT EXISTS pgqrs_queue_settings (
    queue_id     bigint PRIMARY KEY REFERENCES pgqrs_queues (id) ON DELETE CASCADE,
    prioritized  boolean NOT NULL DEFAULT false,
    updated_at   timestamptz NOT NULL DEFAULT now()
);

-- Queues that hold prioritized messages from before this version are marked, so their priorities keep
-- being honoured (read through the priority index: only rows with a priority are in it).
INSERT INTO pgqrs_queue_settings (queue_id, prioritized)
SELECT DISTINCT queue_id, true FROM pgqrs_messages WHERE archived_at IS NULL AND priority IS NOT NULL
ON CONFLICT (queue_id) DO UPDATE SET prioritized = true;
