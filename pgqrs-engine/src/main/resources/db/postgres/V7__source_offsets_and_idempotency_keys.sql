-- Where integrations that feed queues stand, so that what they read and what they enqueue commit together.
--
-- pgqrs_source_offsets: the position of a source (a Kafka consumer, a file poller...) in one of its
-- partitions ("orders-in/0"), as text the source understands (a Kafka offset, a file position). It is
-- written in the transaction that enqueues what was read up to there, so after a crash the source resumes
-- exactly after the last record whose message committed: nothing lost, nothing enqueued twice.
CREATE TABLE IF NOT EXISTS pgqrs_source_offsets (
    source_name    varchar(255) NOT NULL,
    partition_key  varchar(255) NOT NULL,
    offset_text    text NOT NULL,
    updated_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (source_name, partition_key)
);

-- pgqrs_idempotency_keys: keys already taken within a scope (an HTTP intake, a file inbox), each inserted
-- in the transaction that enqueues the work it stands for, with the first answer given for it (JSON text,
-- NULL when there is none to give back). A retry presenting the key finds it and gets that answer instead
-- of enqueuing again. Keys older than idempotency_retention are deleted by the maintenance service
-- (created_at_idx).
CREATE TABLE IF NOT EXISTS pgqrs_idempotency_keys (
    scope          varchar(255) NOT NULL,
    idem_key       varchar(255) NOT NULL,
    answer         text,
    created_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (scope, idem_key)
);

CREATE INDEX IF NOT EXISTS pgqrs_idempotency_keys_created_idx ON pgqrs_idempotency_keys (created_at);
