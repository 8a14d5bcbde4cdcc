-- Version, deadline, parent and fork of a run (see the PostgreSQL migration of the same version): nullable
-- columns other editions leave NULL, and an index holding only child runs.
ALTER TABLE pgqrs_workflow_runs ADD COLUMN version TEXT;
ALTER TABLE pgqrs_workflow_runs ADD COLUMN deadline_at TEXT;
ALTER TABLE pgqrs_workflow_runs ADD COLUMN timeout_ms INTEGER;
ALTER TABLE pgqrs_workflow_runs ADD COLUMN parent_run_id INTEGER REFERENCES pgqrs_workflow_runs (id) ON DELETE SET NULL;
ALTER TABLE pgqrs_workflow_runs ADD COLUMN parent_step TEXT;
ALTER TABLE pgqrs_workflow_runs ADD COLUMN forked_from_run_id INTEGER REFERENCES pgqrs_workflow_runs (id) ON DELETE SET NULL;
ALTER TABLE pgqrs_workflow_runs ADD COLUMN forked_from_step TEXT;
CREATE INDEX pgqrs_workflow_runs_parent_idx
    ON pgqrs_workflow_runs (parent_run_id) WHERE parent_run_id IS NOT NULL;
