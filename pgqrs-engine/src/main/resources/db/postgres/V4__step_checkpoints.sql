-- Checkpoints of durable steps that are not workflow steps (e.g. Camel route segments): the
-- recorded result of step_name in the durable run run_key ("message:42", "workflow-run:7", or an
-- application key). A step with a checkpoint is not run again; its result is restored instead.
CREATE TABLE IF NOT EXISTS pgqrs_step_checkpoints (
    run_key       varchar(255) NOT NULL,
    step_name     varchar(255) NOT NULL,
    body_type     varchar(255) NOT NULL,
    body          text,
    headers       text,
    completed_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (run_key, step_name)
);
