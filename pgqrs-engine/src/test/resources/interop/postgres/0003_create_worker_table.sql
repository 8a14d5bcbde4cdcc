-- 0.15.2 onwards: workers have a unique name; queue_id is NULL for admin workers.
CREATE TABLE IF NOT EXISTS pgqrs_workers (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name          TEXT NOT NULL,
    queue_id      BIGINT,
    started_at    TIMESTAMPTZ DEFAULT now(),
    heartbeat_at  TIMESTAMPTZ DEFAULT now(),
    shutdown_at   TIMESTAMPTZ,
    status        worker_status NOT NULL DEFAULT 'ready',
    CONSTRAINT pgqrs_workers_name_key UNIQUE (name),
    CONSTRAINT fk_workers_queue_id FOREIGN KEY (queue_id) REFERENCES pgqrs_queues (id)
);
-- The indexes have no IF NOT EXISTS.
CREATE INDEX idx_pgqrs_workers_queue_status ON pgqrs_workers (queue_id, status);
CREATE INDEX idx_pgqrs_workers_heartbeat ON pgqrs_workers (heartbeat_at);
