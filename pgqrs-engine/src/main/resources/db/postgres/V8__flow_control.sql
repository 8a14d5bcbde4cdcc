-- Deduplication keys. A message may carry a key unique within its queue: an enqueue with a key that a
-- message of the queue already holds inserts nothing (INSERT … ON CONFLICT on this index) and answers
-- with that message's id. The key stays on the row while it is pending or leased, and after it is
-- archived until the store's dedup_window has passed; then the maintenance service clears it, which lets a
-- new message with the same key in. A nullable column other editions neither write nor read (their
-- inserts leave it NULL, and NULL keys never conflict).
ALTER TABLE pgqrs_messages ADD COLUMN IF NOT EXISTS dedup_key text;
CREATE UNIQUE INDEX IF NOT EXISTS pgqrs_messages_dedup_key_idx
    ON pgqrs_messages (queue_id, dedup_key) WHERE dedup_key IS NOT NULL;
-- The keys whose window may have passed, for the maintenance service: archived rows that still hold one.
CREATE INDEX IF NOT EXISTS pgqrs_messages_dedup_expiry_idx
    ON pgqrs_messages (archived_at) WHERE dedup_key IS NOT NULL AND archived_at IS NOT NULL;

-- Priorities. NULL (what other editions insert, and what this edition stores for the default 0) is the plain
-- tier; a message with a priority is delivered before every plain one that is due, higher priorities first.
-- Only prioritized rows enter this partial index, so a queue that never uses priorities pays nothing on
-- enqueue, and its dequeue keeps the hot-path index; a prioritized queue's dequeue reads this one in order.
ALTER TABLE pgqrs_messages ADD COLUMN IF NOT EXISTS priority integer;
CREATE INDEX IF NOT EXISTS pgqrs_messages_priority_idx
    ON pgqrs_messages (queue_id, priority DESC, vt, enqueued_at, id)
    WHERE archived_at IS NULL AND priority IS NOT NULL;
