-- Cron schedules and their firings (see the PostgreSQL migration of the same version).
CREATE TABLE IF NOT EXISTS pgqrs_schedules (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    name            TEXT NOT NULL UNIQUE,
    cron            TEXT NOT NULL,
    time_zone       TEXT NOT NULL,
    target_kind     TEXT NOT NULL CHECK (target_kind IN ('queue', 'workflow')),
    target_name     TEXT NOT NULL,
    payload         TEXT NOT NULL,
    missed_policy   TEXT NOT NULL CHECK (missed_policy IN ('skip', 'fire_once', 'fire_all')),
    max_catch_up    INTEGER NOT NULL CHECK (max_catch_up >= 1),
    overlap_policy  TEXT NOT NULL CHECK (overlap_policy IN ('allow', 'skip')),
    next_fire_at    TEXT NOT NULL,
    paused_at       TEXT,
    revision        INTEGER NOT NULL DEFAULT 0,
    created_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
    updated_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now'))
);

CREATE INDEX IF NOT EXISTS pgqrs_schedules_due_idx ON pgqrs_schedules (next_fire_at) WHERE paused_at IS NULL;

CREATE TABLE IF NOT EXISTS pgqrs_schedule_firings (
    schedule_id     INTEGER NOT NULL REFERENCES pgqrs_schedules (id) ON DELETE CASCADE,
    scheduled_at    TEXT NOT NULL,
    fired_at        TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
    outcome         TEXT NOT NULL CHECK (outcome IN ('fired', 'manual', 'overlap_skipped')),
    message_id      INTEGER,
    run_id          INTEGER,
    PRIMARY KEY (schedule_id, scheduled_at)
);
