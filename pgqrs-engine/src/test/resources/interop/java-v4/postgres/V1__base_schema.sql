-- The pgqrs schema as pgqrs (Rust) 0.15 defines it: same tables, columns, types and enum names,
-- so Rust, Python and Java services can share one database. IF NOT EXISTS throughout, so a
-- database that pgqrs (Rust) installed is adopted as version 1 without changes.

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

CREATE TABLE IF NOT EXISTS pgqrs_workers (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name          text NOT NULL UNIQUE,
    queue_id      bigint REFERENCES pgqrs_queues (id),   -- NULL for admin workers
    started_at    timestamptz NOT NULL DEFAULT now(),
    heartbeat_at  timestamptz NOT NULL DEFAULT now(),
    shutdown_at   timestamptz,
    status        worker_status NOT NULL DEFAULT 'ready'
);

CREATE INDEX IF NOT EXISTS pgqrs_workers_queue_status_idx ON pgqrs_workers (queue_id, status);
CREATE INDEX IF NOT EXISTS pgqrs_workers_heartbeat_idx ON pgqrs_workers (heartbeat_at);

CREATE TABLE IF NOT EXISTS pgqrs_messages (
    id                  bigserial PRIMARY KEY,
    queue_id            bigint NOT NULL REFERENCES pgqrs_queues (id),
    payload             jsonb NOT NULL,
    vt                  timestamptz DEFAULT now(),
    enqueued_at         timestamptz DEFAULT now(),
    read_ct             int DEFAULT 0,
    dequeued_at         timestamptz,
    producer_worker_id  bigint REFERENCES pgqrs_workers (id),
    consumer_worker_id  bigint REFERENCES pgqrs_workers (id),
    archived_at         timestamptz
);

-- The dequeue: visible messages of one queue in order, archived rows kept out of the index.
CREATE INDEX IF NOT EXISTS pgqrs_messages_dequeue_idx
    ON pgqrs_messages (queue_id, vt, enqueued_at, id) WHERE archived_at IS NULL;
-- The reaper and shutdown checks: leases held by one worker.
CREATE INDEX IF NOT EXISTS pgqrs_messages_consumer_idx
    ON pgqrs_messages (consumer_worker_id) WHERE archived_at IS NULL AND consumer_worker_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS pgqrs_messages_archived_idx
    ON pgqrs_messages (queue_id, archived_at) WHERE archived_at IS NOT NULL;

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
