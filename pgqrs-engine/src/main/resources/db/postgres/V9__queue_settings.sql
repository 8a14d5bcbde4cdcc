-- Queue settings: one row per queue that uses a feature its dequeue must honour; a queue without a row is
-- plain. The store reads a queue's row before it dequeues (cached, refreshed within a second) and chooses
-- the dequeue statement by it, so a queue that uses no feature runs the plain statement and pays for none.
--
-- prioritized: the queue has held messages with a priority. The first enqueue with a priority sets it
-- (before the message is inserted); it is never cleared by the engine.
-- fifo: the queue was created FIFO (ordering keys, below).
--
-- A table other editions never read: pgqrs for Rust and Python dequeue every queue with their own plain
-- statement, whatever its row says.
CREATE TABLE IF NOT EXISTS pgqrs_queue_settings (
    queue_id     bigint PRIMARY KEY REFERENCES pgqrs_queues (id) ON DELETE CASCADE,
    prioritized  boolean NOT NULL DEFAULT false,
    fifo         boolean NOT NULL DEFAULT false,
    updated_at   timestamptz NOT NULL DEFAULT now()
);

-- Queues that hold prioritized messages from before this version are marked, so their priorities keep
-- being honoured (read through the priority index: only rows with a priority are in it).
INSERT INTO pgqrs_queue_settings (queue_id, prioritized)
SELECT DISTINCT queue_id, true FROM pgqrs_messages WHERE archived_at IS NULL AND priority IS NOT NULL
ON CONFLICT (queue_id) DO UPDATE SET prioritized = true;

-- Ordering keys (FIFO per key) on queues created FIFO (fifo = true, set when the queue is created, in the
-- transaction that creates it, and never changed: so no store ever dequeues a FIFO queue with the plain
-- statement). Messages with the same key are delivered in enqueue order, one at a time: the dequeue takes a
-- keyed message only if it is the oldest unarchived message of its key and no message of the key is leased.
-- The partial index holds the unarchived keyed rows, the heads first per key; other editions never write
-- the column, so their rows never enter it.
ALTER TABLE pgqrs_messages ADD COLUMN IF NOT EXISTS ordering_key text;
CREATE INDEX IF NOT EXISTS pgqrs_messages_ordering_key_idx
    ON pgqrs_messages (queue_id, ordering_key, id)
    WHERE archived_at IS NULL AND ordering_key IS NOT NULL;
