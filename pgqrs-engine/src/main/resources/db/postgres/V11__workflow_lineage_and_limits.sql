-- Workflow features that need a little more on each run: which version of the definition started it, its
-- deadline, its parent (a child run started from a step of another run), and the run it was forked from.
-- Nullable columns and a new index only: other editions neither write nor read them (their inserts leave
-- them NULL, and a NULL means "no such thing": any version, no deadline, no parent, not a fork).

-- The version of the definition that started the run; a worker executes only runs of its own version
-- (or of none: runs triggered by name, by another edition, or before this migration).
ALTER TABLE pgqrs_workflow_runs ADD COLUMN IF NOT EXISTS version text;

-- The run is cancelled once the database's clock passes deadline_at. A timeout counts from the run's first
-- start: the worker that starts it sets deadline_at to the earlier of the two.
ALTER TABLE pgqrs_workflow_runs ADD COLUMN IF NOT EXISTS deadline_at timestamptz;
ALTER TABLE pgqrs_workflow_runs ADD COLUMN IF NOT EXISTS timeout_ms bigint;

-- A child run: the run and the step that started it (the step waits for the child's result).
ALTER TABLE pgqrs_workflow_runs ADD COLUMN IF NOT EXISTS parent_run_id bigint
    REFERENCES pgqrs_workflow_runs (id) ON DELETE SET NULL;
ALTER TABLE pgqrs_workflow_runs ADD COLUMN IF NOT EXISTS parent_step varchar(255);

-- A fork: the run whose recorded steps before forked_from_step it replays.
ALTER TABLE pgqrs_workflow_runs ADD COLUMN IF NOT EXISTS forked_from_run_id bigint
    REFERENCES pgqrs_workflow_runs (id) ON DELETE SET NULL;
ALTER TABLE pgqrs_workflow_runs ADD COLUMN IF NOT EXISTS forked_from_step varchar(255);

-- A run's children (listing, cancelling them with it); only child runs enter it.
CREATE INDEX IF NOT EXISTS pgqrs_workflow_runs_parent_idx
    ON pgqrs_workflow_runs (parent_run_id) WHERE parent_run_id IS NOT NULL;
