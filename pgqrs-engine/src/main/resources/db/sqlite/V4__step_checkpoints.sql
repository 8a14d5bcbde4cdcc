-- Checkpoints of durable steps (see the PostgreSQL migration of the same number).
CREATE TABLE IF NOT EXISTS pgqrs_step_checkpoints (
    run_key       TEXT NOT NULL,
    step_name     TEXT NOT NULL,
    body_type     TEXT NOT NULL,
    body          TEXT,
    headers       TEXT,
    completed_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
    PRIMARY KEY (run_key, step_name)
);
