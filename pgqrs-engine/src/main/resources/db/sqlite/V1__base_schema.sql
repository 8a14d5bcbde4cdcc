-- The pgqrs schema for SQLite: the tables and index names of pgqrs (Rust) 0.15, with INTEGER ids,
-- TEXT JSON and TEXT UTC timestamps ('YYYY-MM-DD HH:MM:SS.SSS'; the original's 'YYYY-MM-DD HH:MM:SS'
-- and '.ffffff' forms compare correctly with it as text). Enums are TEXT with CHECK constraints.
-- IF NOT EXISTS throughout, so a file pgqrs (Rust) created is adopted as it is.

CREATE TABLE IF NOT EXISTS pgqrs_queues (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    queue_name  TEXT NOT NULL UNIQUE,
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now'))
);

CREATE TABLE IF NOT EXISTS pgqrs_workers (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    name          TEXT NOT NULL UNIQUE,
    queue_id      INTEGER REFERENCES pgqrs_queues (id),
    started_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
    heartbeat_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
    shutdown_at   TEXT,
    status        TEXT NOT NULL DEFAULT 'ready'
                  CHECK (status IN ('ready', 'polling', 'suspended', 'interrupted', 'stopped'))
);

CREATE INDEX IF NOT EXISTS idx_workers_queue_id ON pgqrs_workers (queue_id);
CREATE INDEX IF NOT EXISTS idx_workers_status ON pgqrs_workers (status);
-- Ours, beside the original's: the reaper and the health checks read heartbeats older than a threshold.
CREATE INDEX IF NOT EXISTS pgqrs_workers_heartbeat_idx ON pgqrs_workers (heartbeat_at);

CREATE TABLE IF NOT EXISTS pgqrs_messages (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    queue_id            INTEGER NOT NULL REFERENCES pgqrs_queues (id),
    payload             TEXT NOT NULL,
    vt                  TEXT DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
    enqueued_at         TEXT DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
    read_ct             INTEGER DEFAULT 0,
    dequeued_at         TEXT,
    producer_worker_id  INTEGER REFERENCES pgqrs_workers (id),
    consumer_worker_id  INTEGER REFERENCES pgqrs_workers (id),
    archived_at         TEXT
);

-- The dequeue: visible messages of one queue in order, archived rows kept out of the index.
CREATE INDEX IF NOT EXISTS idx_messages_hot_path
    ON pgqrs_messages (queue_id, vt, enqueued_at, id) WHERE archived_at IS NULL;
-- The reaper and shutdown checks: leases held by one worker.
CREATE INDEX IF NOT EXISTS idx_messages_consumer_active
    ON pgqrs_messages (consumer_worker_id) WHERE archived_at IS NULL AND consumer_worker_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS idx_messages_archived_at
    ON pgqrs_messages (queue_id, archived_at) WHERE archived_at IS NOT NULL;

CREATE TABLE IF NOT EXISTS pgqrs_workflows (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    name        TEXT NOT NULL UNIQUE,
    queue_id    INTEGER NOT NULL REFERENCES pgqrs_queues (id),
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now'))
);

CREATE TABLE IF NOT EXISTS pgqrs_workflow_runs (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    workflow_id   INTEGER NOT NULL REFERENCES pgqrs_workflows (id) ON DELETE CASCADE,
    message_id    INTEGER NOT NULL UNIQUE REFERENCES pgqrs_messages (id),
    status        TEXT NOT NULL
                  CHECK (status IN ('QUEUED', 'RUNNING', 'SUCCESS', 'ERROR', 'PAUSED', 'CANCELLING', 'CANCELLED')),
    input         TEXT,
    output        TEXT,
    error         TEXT,
    created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
    updated_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
    started_at    TEXT,
    paused_at     TEXT,
    completed_at  TEXT,
    worker_id     INTEGER REFERENCES pgqrs_workers (id)
);

CREATE TABLE IF NOT EXISTS pgqrs_workflow_steps (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id         INTEGER NOT NULL REFERENCES pgqrs_workflow_runs (id) ON DELETE CASCADE,
    step_name      TEXT NOT NULL,
    status         TEXT NOT NULL
                   CHECK (status IN ('QUEUED', 'RUNNING', 'SUCCESS', 'ERROR', 'PAUSED', 'CANCELLING', 'CANCELLED')),
    input          TEXT,
    output         TEXT,
    error          TEXT,
    created_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
    updated_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
    started_at     TEXT,
    completed_at   TEXT,
    retry_count    INTEGER NOT NULL DEFAULT 0,
    retry_at       TEXT,
    last_retry_at  TEXT,
    UNIQUE (run_id, step_name)
);

CREATE INDEX IF NOT EXISTS idx_workflow_runs_message_id ON pgqrs_workflow_runs (message_id);
CREATE INDEX IF NOT EXISTS idx_workflow_runs_status ON pgqrs_workflow_runs (status);
CREATE INDEX IF NOT EXISTS idx_workflow_steps_status ON pgqrs_workflow_steps (status);
