-- Source positions and idempotency keys (see the PostgreSQL migration of the same version).
CREATE TABLE IF NOT EXISTS pgqrs_source_offsets (
    source_name    TEXT NOT NULL,
    partition_key  TEXT NOT NULL,
    offset_text    TEXT NOT NULL,
    updated_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
    PRIMARY KEY (source_name, partition_key)
);

CREATE TABLE IF NOT EXISTS pgqrs_idempotency_keys (
    scope          TEXT NOT NULL,
    idem_key       TEXT NOT NULL,
    answer         TEXT,
    created_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
    PRIMARY KEY (scope, idem_key)
);

CREATE INDEX IF NOT EXISTS pgqrs_idempotency_keys_created_idx ON pgqrs_idempotency_keys (created_at);
