-- Deduplication keys (see the PostgreSQL migration of the same version): unique per queue while the row
-- holds it; the maintenance service clears the key of rows archived longer ago than dedup_window.
ALTER TABLE pgqrs_messages ADD COLUMN dedup_key TEXT;
CREATE UNIQUE INDEX pgqrs_messages_dedup_key_idx
    ON pgqrs_messages (queue_id, dedup_key) WHERE dedup_key IS NOT NULL;
CREATE INDEX pgqrs_messages_dedup_expiry_idx
    ON pgqrs_messages (archived_at) WHERE dedup_key IS NOT NULL AND archived_at IS NOT NULL;

-- Priorities (see the PostgreSQL migration): NULL is the plain tier, delivered after every due prioritized
-- message; only prioritized rows enter the partial index.
ALTER TABLE pgqrs_messages ADD COLUMN priority INTEGER;
CREATE INDEX pgqrs_messages_priority_idx
    ON pgqrs_messages (queue_id, priority DESC, vt, enqueued_at, id)
    WHERE archived_at IS NULL AND priority IS NOT NULL;
