-- Retention overrides and the maintenance leader's lease (see the PostgreSQL migration of the same version).
CREATE TABLE IF NOT EXISTS pgqrs_queue_retention (
    queue_id     INTEGER PRIMARY KEY REFERENCES pgqrs_queues (id) ON DELETE CASCADE,
    max_age_ms   INTEGER CHECK (max_age_ms > 0),
    max_count    INTEGER CHECK (max_count > 0),
    updated_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now'))
);

CREATE TABLE IF NOT EXISTS pgqrs_workflow_retention (
    workflow_id  INTEGER PRIMARY KEY REFERENCES pgqrs_workflows (id) ON DELETE CASCADE,
    max_age_ms   INTEGER CHECK (max_age_ms > 0),
    max_count    INTEGER CHECK (max_count > 0),
    updated_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now'))
);

CREATE INDEX IF NOT EXISTS pgqrs_workflow_runs_completed_idx
    ON pgqrs_workflow_runs (workflow_id, completed_at) WHERE completed_at IS NOT NULL;

-- The lease of the process that runs maintenance: renewed by its holder every quarter of reaper_interval, taken
-- over by another process once expires_at has passed (a holder killed with kill -9 renews no more).
CREATE TABLE IF NOT EXISTS pgqrs_leader_leases (
    name         TEXT PRIMARY KEY,
    holder       TEXT NOT NULL,
    acquired_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
    expires_at   TEXT NOT NULL
);
