CREATE TABLE IF NOT EXISTS pgqrs_workers (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    name          TEXT NOT NULL UNIQUE,
    queue_id      INTEGER REFERENCES pgqrs_queues (id),
    started_at    TEXT NOT NULL DEFAULT (datetime('now')),
    heartbeat_at  TEXT NOT NULL DEFAULT (datetime('now')),
    shutdown_at   TEXT,
    status        TEXT NOT NULL DEFAULT 'ready'
                  CHECK (status IN ('ready', 'polling', 'suspended', 'interrupted', 'stopped'))
);

CREATE INDEX IF NOT EXISTS idx_workers_queue_id ON pgqrs_workers (queue_id);
CREATE INDEX IF NOT EXISTS idx_workers_status ON pgqrs_workers (status);
