-- Limits per queue, on its settings row (V9): a global concurrency limit (at most concurrency_limit messages of
-- the queue leased at once: unarchived, held by a consumer, visibility not run out) and a dequeue-side rate limit
-- (at most rate_limit messages dequeued per rate_period_ms, in fixed windows of the database clock: window number
-- floor(epoch ms / rate_period_ms), rate_window_count of them dequeued in window rate_window). NULL: no limit.
-- A queue with a limit is dequeued with the limited statement (the dialects'), which locks this row first, so
-- the limited queue's dequeues take turns and each counts what the ones before it leased.
--
-- Nullable columns of a table other editions never read: pgqrs for Rust and Python dequeue a limited queue with
-- their own plain statement, ignoring the limits; their leases still count against ours.
ALTER TABLE pgqrs_queue_settings ADD COLUMN IF NOT EXISTS concurrency_limit integer;
ALTER TABLE pgqrs_queue_settings ADD COLUMN IF NOT EXISTS rate_limit integer;
ALTER TABLE pgqrs_queue_settings ADD COLUMN IF NOT EXISTS rate_period_ms bigint;
ALTER TABLE pgqrs_queue_settings ADD COLUMN IF NOT EXISTS rate_window bigint;
ALTER TABLE pgqrs_queue_settings ADD COLUMN IF NOT EXISTS rate_window_count integer NOT NULL DEFAULT 0;
