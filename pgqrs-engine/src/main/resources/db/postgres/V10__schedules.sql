-- Cron schedules: the Java edition's own tables, which other editions neither read nor write.
--
-- pgqrs_schedules: a named cron expression in a time zone that enqueues a JSON payload on a queue, or triggers
-- a workflow with it as the run's input. next_fire_at is the schedule's cursor, the earliest slot not handled
-- yet; the maintenance service fires the schedules whose cursor has passed (the partial index). A process that
-- fires moves the cursor with a compare-and-set on revision, in the transaction that enqueues, so a process
-- holding a stale view of the schedule fires nothing.
CREATE TABLE IF NOT EXISTS pgqrs_schedules (
    id              bigserial PRIMARY KEY,
    name            varchar(255) NOT NULL UNIQUE,
    cron            varchar(255) NOT NULL,
    time_zone       varchar(64) NOT NULL,
    target_kind     varchar(16) NOT NULL CHECK (target_kind IN ('queue', 'workflow')),
    target_name     varchar(255) NOT NULL,
    payload         text NOT NULL,
    missed_policy   varchar(16) NOT NULL CHECK (missed_policy IN ('skip', 'fire_once', 'fire_all')),
    max_catch_up    integer NOT NULL CHECK (max_catch_up >= 1),
    overlap_policy  varchar(16) NOT NULL CHECK (overlap_policy IN ('allow', 'skip')),
    next_fire_at    timestamptz NOT NULL,
    paused_at       timestamptz,
    revision        bigint NOT NULL DEFAULT 0,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX IF NOT EXISTS pgqrs_schedules_due_idx ON pgqrs_schedules (next_fire_at) WHERE paused_at IS NULL;

-- pgqrs_schedule_firings: one row per slot handled, inserted (ON CONFLICT DO NOTHING) in the transaction that
-- enqueues the slot's message, before it: the primary key lets one process only fire a slot. outcome is 'fired',
-- 'manual' (trigger now, at the database's time) or 'overlap_skipped' (the previous firing's message was still
-- pending or its run still running). message_id and run_id have no foreign key: retention may delete the
-- message, and the firing stays as history. The newest firings of each schedule are kept, older ones deleted.
CREATE TABLE IF NOT EXISTS pgqrs_schedule_firings (
    schedule_id     bigint NOT NULL REFERENCES pgqrs_schedules (id) ON DELETE CASCADE,
    scheduled_at    timestamptz NOT NULL,
    fired_at        timestamptz NOT NULL DEFAULT now(),
    outcome         varchar(16) NOT NULL CHECK (outcome IN ('fired', 'manual', 'overlap_skipped')),
    message_id      bigint,
    run_id          bigint,
    PRIMARY KEY (schedule_id, scheduled_at)
);
