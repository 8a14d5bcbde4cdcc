-- Dead letters as a state of their own (see the PostgreSQL migration of the same number).
ALTER TABLE pgqrs_messages ADD COLUMN dead_lettered_at TEXT;
ALTER TABLE pgqrs_messages ADD COLUMN last_error TEXT;

CREATE INDEX IF NOT EXISTS pgqrs_messages_dead_letter_idx
    ON pgqrs_messages (queue_id, dead_lettered_at) WHERE dead_lettered_at IS NOT NULL;
