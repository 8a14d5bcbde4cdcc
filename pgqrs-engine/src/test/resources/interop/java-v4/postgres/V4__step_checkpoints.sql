-- Checkpoints of durable steps that are not workflow steps (Camel route segments of queue
-- messages): the recorded result of step_name in the durable run run_key ("message:42", or an
-- application key such as an idempotency key). A step with a checkpoint is not run again; its
-- result is restored instead. Workflow runs keep their steps in pgqrs_workflow_steps, never here.
--
-- message_id is the message whose delivery recorded the checkpoint: checkpoints go when that
-- message is deleted (acknowledged with DELETE, purged, cleaned by retention), so they never
-- outlive it. Consumers delete them explicitly when they archive or dead-letter the message.
CREATE TABLE IF NOT EXISTS pgqrs_step_checkpoints (
    run_key       varchar(255) NOT NULL,
    step_name     varchar(255) NOT NULL,
    message_id    bigint REFERENCES pgqrs_messages (id) ON DELETE CASCADE,
    body_type     varchar(255) NOT NULL,
    body          text,
    headers       text,
    completed_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (run_key, step_name)
);

CREATE INDEX IF NOT EXISTS pgqrs_step_checkpoints_message_idx
    ON pgqrs_step_checkpoints (message_id) WHERE message_id IS NOT NULL;
