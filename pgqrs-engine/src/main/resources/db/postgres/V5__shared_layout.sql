-- One layout for every database pgqrs services share: what pgqrs (Rust) 0.15.0 to HEAD left, and
-- what Java installs before this version made, both end as V1 now creates it. Additive only: nothing
-- the original still reads or writes is dropped or made stricter.

-- Cancellation statuses. An original database before HEAD has 5 values; without these every run a
-- Java worker cancels would fail. Added at the end, in HEAD's order.
ALTER TYPE pgqrs_workflow_status ADD VALUE IF NOT EXISTS 'CANCELLING';
ALTER TYPE pgqrs_workflow_status ADD VALUE IF NOT EXISTS 'CANCELLED';

-- 0.15.0 created the steps table without these.
ALTER TABLE pgqrs_workflow_steps
    ADD COLUMN IF NOT EXISTS created_at timestamptz NOT NULL DEFAULT now(),
    ADD COLUMN IF NOT EXISTS updated_at timestamptz NOT NULL DEFAULT now();

-- Java installs before V5 made these NOT NULL; the original leaves them nullable.
ALTER TABLE pgqrs_workers ALTER COLUMN started_at DROP NOT NULL, ALTER COLUMN heartbeat_at DROP NOT NULL;

-- Java installs before V5 named constraints and indexes their own way. Each old name is renamed to
-- the original's, or dropped where the original's already exists (a Java install on an original
-- database carried both: two dequeue indexes maintained on every write).
DO $$
DECLARE
    renamed text[];
BEGIN
    FOREACH renamed SLICE 1 IN ARRAY ARRAY[
            ['pgqrs_workers', 'pgqrs_workers_queue_id_fkey', 'fk_workers_queue_id'],
            ['pgqrs_messages', 'pgqrs_messages_queue_id_fkey', 'fk_messages_queue_id'],
            ['pgqrs_messages', 'pgqrs_messages_producer_worker_id_fkey', 'fk_messages_producer_worker_id'],
            ['pgqrs_messages', 'pgqrs_messages_consumer_worker_id_fkey', 'fk_messages_consumer_worker_id']] LOOP
        IF EXISTS (SELECT 1 FROM pg_constraint
                   WHERE conrelid = renamed[1]::regclass AND conname = renamed[2]) THEN
            IF EXISTS (SELECT 1 FROM pg_constraint
                       WHERE conrelid = renamed[1]::regclass AND conname = renamed[3]) THEN
                EXECUTE format('ALTER TABLE %I DROP CONSTRAINT %I', renamed[1], renamed[2]);
            ELSE
                EXECUTE format('ALTER TABLE %I RENAME CONSTRAINT %I TO %I', renamed[1], renamed[2], renamed[3]);
            END IF;
        END IF;
    END LOOP;

    FOREACH renamed SLICE 1 IN ARRAY ARRAY[
            ['pgqrs_workers_queue_status_idx', 'idx_pgqrs_workers_queue_status'],
            ['pgqrs_workers_heartbeat_idx', 'idx_pgqrs_workers_heartbeat'],
            ['pgqrs_messages_dequeue_idx', 'idx_pgqrs_messages_hot_path'],
            ['pgqrs_messages_consumer_idx', 'idx_pgqrs_messages_consumer_worker_id_active'],
            ['pgqrs_messages_archived_idx', 'idx_pgqrs_messages_archived_at']] LOOP
        IF to_regclass(quote_ident(renamed[1])) IS NOT NULL THEN
            IF to_regclass(quote_ident(renamed[2])) IS NOT NULL THEN
                EXECUTE format('DROP INDEX %I', renamed[1]);
            ELSE
                EXECUTE format('ALTER INDEX %I RENAME TO %I', renamed[1], renamed[2]);
            END IF;
        END IF;
    END LOOP;
END $$;

-- The original's indexes that Java installs before V5 lacked.
CREATE INDEX IF NOT EXISTS idx_pgqrs_messages_producer_worker_id ON pgqrs_messages (producer_worker_id);
CREATE INDEX IF NOT EXISTS idx_pgqrs_workflows_name ON pgqrs_workflows (name);
CREATE INDEX IF NOT EXISTS idx_pgqrs_workflow_runs_message_id ON pgqrs_workflow_runs (message_id);
CREATE INDEX IF NOT EXISTS idx_pgqrs_workflow_runs_status ON pgqrs_workflow_runs (status);
CREATE INDEX IF NOT EXISTS idx_pgqrs_workflow_steps_status ON pgqrs_workflow_steps (status);
CREATE INDEX IF NOT EXISTS idx_pgqrs_workflow_steps_retry_at ON pgqrs_workflow_steps (retry_at) WHERE retry_at IS NOT NULL;

COMMENT ON TABLE pgqrs_workflows IS 'Workflow definitions (templates)';
COMMENT ON TABLE pgqrs_workflow_runs IS 'Workflow execution instances';
COMMENT ON TABLE pgqrs_workflow_steps IS 'Workflow step state for crash recovery';
