-- Retention and maintenance leadership. Additions only: other editions neither read nor write these.
--
-- Retention overrides per queue and per workflow. A row replaces the store's defaults (archive_retention and
-- archive_max_count for a queue's archived messages, run_retention and run_max_count for a workflow's finished
-- runs) for its queue or workflow: NULL in a column means no limit of that kind, no row means the defaults.
-- The rows go with their queue or workflow.
CREATE TABLE IF NOT EXISTS pgqrs_queue_retention (
    queue_id     bigint PRIMARY KEY REFERENCES pgqrs_queues (id) ON DELETE CASCADE,
    max_age_ms   bigint CHECK (max_age_ms > 0),
    max_count    bigint CHECK (max_count > 0),
    updated_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS pgqrs_workflow_retention (
    workflow_id  bigint PRIMARY KEY REFERENCES pgqrs_workflows (id) ON DELETE CASCADE,
    max_age_ms   bigint CHECK (max_age_ms > 0),
    max_count    bigint CHECK (max_count > 0),
    updated_at   timestamptz NOT NULL DEFAULT now()
);

-- Run retention reads a workflow's finished runs oldest first, in bounded batches.
CREATE INDEX IF NOT EXISTS pgqrs_workflow_runs_completed_idx
    ON pgqrs_workflow_runs (workflow_id, completed_at) WHERE completed_at IS NOT NULL;

-- Who runs maintenance, where the backend has no session lock to elect it with (SQLite: a lease renewed by its
-- holder, taken over once it has expired). PostgreSQL elects with a session advisory lock instead and leaves
-- this table empty; it exists on every backend so the layout is the same everywhere.
CREATE TABLE IF NOT EXISTS pgqrs_leader_leases (
    name         varchar(255) PRIMARY KEY,
    holder       text NOT NULL,
    acquired_at  timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL
);
