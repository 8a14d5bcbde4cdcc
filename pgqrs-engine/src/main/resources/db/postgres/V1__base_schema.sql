-- The pgqrs schema exactly as pgqrs (Rust) builds it at its latest (0.15.3 plus the two cancellation
-- statuses of its unreleased HEAD): the same tables, columns, types, nullability, defaults, enum names,
-- constraint and index names and table comments, so Rust, Python and Java services share one database.
-- IF NOT EXISTS throughout, so a database pgqrs (Rust) installed is adopted as it is; V5 brings what
-- an older original or an older Java install lacks.

DO $$ BEGIN
    CREATE TYPE worker_status AS ENUM ('ready', 'polling', 'suspended', 'interrupted', 'stopped');
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;

DO $$ BEGIN
    CREATE TYPE pgqrs_workflow_status AS ENUM
        ('QUEUED', 'RUNNING', 'SUCCESS', 'ERROR', 'PAUSED', 'CANCELLING', 'CANCELLED');
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;

CREATE TABLE IF NOT EXISTS pgqrs_queues (
    id          bigserial PRIMARY KEY,
    queue_name  varchar NOT NULL UNIQUE,
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- started_at and heartbeat_at are nullable, as in the original (its ephemeral workers rely on the defaults).
CREATE TABLE IF NOT EXISTS pgqrs_workers (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name          text NOT NULL,
    queue_id      bigint,   -- NULL for admin workers
    started_at    timestamptz DEFAULT now(),
    heartbeat_at  timestamptz DEFAULT now(),
    shutdown_at   timestamptz,
    status        worker_status NOT NULL DEFAULT 'ready',
    CONSTRAINT pgqrs_workers_name_key UNIQUE (name),
    CONSTRAINT fk_workers_queue_id FOREIGN KEY (queue_id) REFERENCES pgqrs_queues (id)
);

CREATE INDEX IF NOT EXISTS idx_pgqrs_workers_queue_status ON pgqrs_workers (queue_id, status);
-- The reaper and the health checks: heartbeats older than a threshold.
CREATE INDEX IF NOT EXISTS idx_pgqrs_workers_heartbeat ON pgqrs_workers (heartbeat_at);

CREATE TABLE IF NOT EXISTS pgqrs_messages (
    id                  bigserial PRIMARY KEY,
    queue_id            bigint NOT NULL,
    payload             jsonb NOT NULL,
    vt                  timestamptz DEFAULT now(),
    enqueued_at         timestamptz DEFAULT now(),
    read_ct             int DEFAULT 0,
    dequeued_at         timestamptz,
    producer_worker_id  bigint,
    consumer_worker_id  bigint,
    archived_at         timestamptz,
    CONSTRAINT fk_messages_queue_id FOREIGN KEY (queue_id) REFERENCES pgqrs_queues (id),
    CONSTRAINT fk_messages_producer_worker_id FOREIGN KEY (producer_worker_id) REFERENCES pgqrs_workers (id),
    CONSTRAINT fk_messages_consumer_worker_id FOREIGN KEY (consumer_worker_id) REFERENCES pgqrs_workers (id)
);

-- The dequeue: visible messages of one queue in order, archived rows kept out of the index.
CREATE INDEX IF NOT EXISTS idx_pgqrs_messages_hot_path
    ON pgqrs_messages (queue_id, vt, enqueued_at, id) WHERE archived_at IS NULL;
-- The reaper and shutdown checks: leases held by one worker.
CREATE INDEX IF NOT EXISTS idx_pgqrs_messages_consumer_worker_id_active
    ON pgqrs_messages (consumer_worker_id) WHERE archived_at IS NULL AND consumer_worker_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS idx_pgqrs_messages_archived_at
    ON pgqrs_messages (queue_id, archived_at) WHERE archived_at IS NOT NULL;
CREATE INDEX IF NOT EXISTS idx_pgqrs_messages_producer_worker_id ON pgqrs_messages (producer_worker_id);

CREATE TABLE IF NOT EXISTS pgqrs_workflows (
    id          bigserial PRIMARY KEY,
    name        varchar(255) NOT NULL UNIQUE,
    queue_id    bigint NOT NULL REFERENCES pgqrs_queues (id),
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS pgqrs_workflow_runs (
    id            bigserial PRIMARY KEY,
    workflow_id   bigint NOT NULL REFERENCES pgqrs_workflows (id) ON DELETE CASCADE,
    message_id    bigint NOT NULL UNIQUE REFERENCES pgqrs_messages (id),
    status        pgqrs_workflow_status NOT NULL,
    input         jsonb,
    output        jsonb,
    error         jsonb,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    started_at    timestamptz,
    paused_at     timestamptz,
    completed_at  timestamptz,
    worker_id     bigint REFERENCES pgqrs_workers (id)
);

CREATE TABLE IF NOT EXISTS pgqrs_workflow_steps (
    id             bigserial PRIMARY KEY,
    run_id         bigint NOT NULL REFERENCES pgqrs_workflow_runs (id) ON DELETE CASCADE,
    step_name      varchar(255) NOT NULL,
    status         pgqrs_workflow_status NOT NULL,
    input          jsonb,
    output         jsonb,
    error          jsonb,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    started_at     timestamptz,
    completed_at   timestamptz,
    retry_count    int NOT NULL DEFAULT 0,
    retry_at       timestamptz,
    last_retry_at  timestamptz,
    UNIQUE (run_id, step_name)
);

CREATE INDEX IF NOT EXISTS idx_pgqrs_workflows_name ON pgqrs_workflows (name);
CREATE INDEX IF NOT EXISTS idx_pgqrs_workflow_runs_message_id ON pgqrs_workflow_runs (message_id);
CREATE INDEX IF NOT EXISTS idx_pgqrs_workflow_runs_status ON pgqrs_workflow_runs (status);
CREATE INDEX IF NOT EXISTS idx_pgqrs_workflow_steps_status ON pgqrs_workflow_steps (status);
CREATE INDEX IF NOT EXISTS idx_pgqrs_workflow_steps_retry_at ON pgqrs_workflow_steps (retry_at) WHERE retry_at IS NOT NULL;

COMMENT ON TABLE pgqrs_workflows IS 'Workflow definitions (templates)';
COMMENT ON TABLE pgqrs_workflow_runs IS 'Workflow execution instances';
COMMENT ON TABLE pgqrs_workflow_steps IS 'Workflow step state for crash recovery';
