-- Dead letters as a state of their own: a dead-lettered message is archived (so pgqrs services
-- of other editions skip it, and it leaves the dequeue index) and marked with when and why.
ALTER TABLE pgqrs_messages ADD COLUMN IF NOT EXISTS dead_lettered_at timestamptz;
ALTER TABLE pgqrs_messages ADD COLUMN IF NOT EXISTS last_error text;

CREATE INDEX IF NOT EXISTS pgqrs_messages_dead_letter_idx
    ON pgqrs_messages (queue_id, dead_lettered_at) WHERE dead_lettered_at IS NOT NULL;
