-- Checkpoints of durable steps (see the PostgreSQL migration of the same number).
CREATE TABLE IF NOT EXISTS pgqrs_step_checkpoints (
    run_key       TEXT NOT NULL,
    step_name     TEXT NOT NULL,
    message_id    INTEGER REFERENCES pgqrs_messages (id) ON DELETE CASCADE,
    body_type     TEXT NOT NULL,
    body          TEXT,
    headers       TEXT,
    completed_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
    PRIMARY KEY (run_key, step_name)
);

CREATE INDEX IF NOT EXISTS pgqrs_step_checkpoints_message_idx
    ON pgqrs_step_checkpoints (message_id) WHERE message_id IS NOT NULL;
