-- Workers of pgqrs (Rust) 0.15.0 and 0.15.1: identified by (hostname, port), no name (see the
-- PostgreSQL script of the same name). SQLite cannot relax NOT NULL in place, so the table is rebuilt
-- with the same ids; foreign keys are checked at commit, when every worker row is back.
PRAGMA defer_foreign_keys = ON;

CREATE TABLE pgqrs_workers_before_name AS SELECT * FROM pgqrs_workers;
DROP TABLE pgqrs_workers;

CREATE TABLE pgqrs_workers (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    hostname      TEXT,
    port          INTEGER,
    queue_id      INTEGER REFERENCES pgqrs_queues (id),
    started_at    TEXT NOT NULL DEFAULT (datetime('now')),
    heartbeat_at  TEXT NOT NULL DEFAULT (datetime('now')),
    shutdown_at   TEXT,
    status        TEXT NOT NULL DEFAULT 'ready'
                  CHECK (status IN ('ready', 'polling', 'suspended', 'interrupted', 'stopped')),
    name          TEXT UNIQUE
);

INSERT INTO pgqrs_workers (id, hostname, port, queue_id, started_at, heartbeat_at, shutdown_at, status, name)
SELECT id, hostname, port, queue_id, started_at, heartbeat_at, shutdown_at, status,
       hostname || ':' || port || '#' || id
FROM pgqrs_workers_before_name;
DROP TABLE pgqrs_workers_before_name;

CREATE INDEX IF NOT EXISTS idx_workers_queue_id ON pgqrs_workers (queue_id);
CREATE INDEX IF NOT EXISTS idx_workers_status ON pgqrs_workers (status);
CREATE INDEX IF NOT EXISTS pgqrs_workers_heartbeat_idx ON pgqrs_workers (heartbeat_at);

-- SQLite triggers cannot change the row being inserted (so name stays nullable for the original's
-- inserts): the missing identity is filled right after.
CREATE TRIGGER pgqrs_workers_legacy_identity AFTER INSERT ON pgqrs_workers
WHEN NEW.name IS NULL OR NEW.hostname IS NULL OR NEW.port IS NULL
BEGIN
    UPDATE pgqrs_workers
    SET name = coalesce(NEW.name, NEW.hostname || ':' || NEW.port || '#' || NEW.id),
        hostname = coalesce(NEW.hostname, NEW.name),
        port = coalesce(NEW.port, 0)
    WHERE id = NEW.id;
END;
