-- No IF NOT EXISTS: a second run (or a schema another edition created) fails here.
CREATE TABLE pgqrs_queues (
    id          BIGSERIAL PRIMARY KEY,
    queue_name  VARCHAR NOT NULL UNIQUE,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
