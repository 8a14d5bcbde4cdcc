-- 0.15.0 and 0.15.1: workers are identified by host and port; there is no name.
CREATE TABLE IF NOT EXISTS pgqrs_workers (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    hostname      TEXT NOT NULL,
    port          INTEGER NOT NULL,
    queue_id      BIGINT,
    started_at    TIMESTAMPTZ DEFAULT now(),
    heartbeat_at  TIMESTAMPTZ DEFAULT now(),
    shutdown_at   TIMESTAMPTZ,
    status        worker_status NOT NULL DEFAULT 'ready',
    CONSTRAINT pgqrs_workers_hostname_port_key UNIQUE (hostname, port),
    CONSTRAINT fk_workers_queue_id FOREIGN KEY (queue_id) REFERENCES pgqrs_queues (id)
);
-- The indexes have no IF NOT EXISTS.
CREATE INDEX idx_pgqrs_workers_queue_status ON pgqrs_workers (queue_id, status);
CREATE INDEX idx_pgqrs_workers_heartbeat ON pgqrs_workers (heartbeat_at);
