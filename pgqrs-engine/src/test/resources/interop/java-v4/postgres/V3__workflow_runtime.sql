-- The workflow runtime's additions: durable events sent to runs, and the indexes its queries use.
-- Additions only, so pgqrs (Rust/Python) services sharing the database are unaffected.

-- An event sent to a run under a topic; a run's recv(topic) consumes the oldest unconsumed one,
-- in the same transaction that records the receiving step's result.
CREATE TABLE IF NOT EXISTS pgqrs_workflow_events (
    id                bigserial PRIMARY KEY,
    run_id            bigint NOT NULL REFERENCES pgqrs_workflow_runs (id) ON DELETE CASCADE,
    topic             varchar(255) NOT NULL,
    payload           jsonb,
    created_at        timestamptz NOT NULL DEFAULT now(),
    consumed_at       timestamptz,
    consumed_by_step  varchar(255)
);

-- recv: the oldest unconsumed event of (run, topic); also serves the cascade from runs.
CREATE INDEX IF NOT EXISTS pgqrs_workflow_events_run_topic_idx
    ON pgqrs_workflow_events (run_id, topic, id);

-- Listing runs of a workflow by status, newest first.
CREATE INDEX IF NOT EXISTS pgqrs_workflow_runs_workflow_status_idx
    ON pgqrs_workflow_runs (workflow_id, status, id);
