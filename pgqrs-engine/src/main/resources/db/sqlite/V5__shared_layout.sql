-- One layout for every file pgqrs services share (see the PostgreSQL migration of the same number).
-- SQLite cannot rename an index: each of the older Java names is dropped and the original's
-- created in its place (a Java install on an original file carried both).
DROP INDEX IF EXISTS pgqrs_workers_queue_status_idx;
CREATE INDEX IF NOT EXISTS idx_workers_queue_id ON pgqrs_workers (queue_id);
CREATE INDEX IF NOT EXISTS idx_workers_status ON pgqrs_workers (status);
CREATE INDEX IF NOT EXISTS pgqrs_workers_heartbeat_idx ON pgqrs_workers (heartbeat_at);

DROP INDEX IF EXISTS pgqrs_messages_dequeue_idx;
CREATE INDEX IF NOT EXISTS idx_messages_hot_path
    ON pgqrs_messages (queue_id, vt, enqueued_at, id) WHERE archived_at IS NULL;
DROP INDEX IF EXISTS pgqrs_messages_consumer_idx;
CREATE INDEX IF NOT EXISTS idx_messages_consumer_active
    ON pgqrs_messages (consumer_worker_id) WHERE archived_at IS NULL AND consumer_worker_id IS NOT NULL;
DROP INDEX IF EXISTS pgqrs_messages_archived_idx;
CREATE INDEX IF NOT EXISTS idx_messages_archived_at
    ON pgqrs_messages (queue_id, archived_at) WHERE archived_at IS NOT NULL;

CREATE INDEX IF NOT EXISTS idx_workflow_runs_message_id ON pgqrs_workflow_runs (message_id);
CREATE INDEX IF NOT EXISTS idx_workflow_runs_status ON pgqrs_workflow_runs (status);
CREATE INDEX IF NOT EXISTS idx_workflow_steps_status ON pgqrs_workflow_steps (status);
