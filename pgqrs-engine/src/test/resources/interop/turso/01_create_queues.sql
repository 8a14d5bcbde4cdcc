CREATE TABLE IF NOT EXISTS pgqrs_queues (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    queue_name  TEXT NOT NULL UNIQUE,
    created_at  TEXT NOT NULL DEFAULT (datetime('now'))
);
