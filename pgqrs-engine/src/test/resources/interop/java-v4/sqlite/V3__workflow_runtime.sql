-- The workflow runtime's additions (see the PostgreSQL migration of the same number).
CREATE TABLE IF NOT EXISTS pgqrs_workflow_events (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id            INTEGER NOT NULL REFERENCES pgqrs_workflow_runs (id) ON DELETE CASCADE,
    topic             TEXT NOT NULL,
    payload           TEXT,
    created_at        TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
    consumed_at       TEXT,
    consumed_by_step  TEXT
);

CREATE INDEX IF NOT EXISTS pgqrs_workflow_events_run_topic_idx
    ON pgqrs_workflow_events (run_id, topic, id);

CREATE INDEX IF NOT EXISTS pgqrs_workflow_runs_workflow_status_idx
    ON pgqrs_workflow_runs (workflow_id, status, id);
