-- Limits per queue (see the PostgreSQL migration of the same version): nullable columns of the settings row;
-- the window is numbered floor(epoch ms / rate_period_ms) on the database clock.
ALTER TABLE pgqrs_queue_settings ADD COLUMN concurrency_limit INTEGER;
ALTER TABLE pgqrs_queue_settings ADD COLUMN rate_limit INTEGER;
ALTER TABLE pgqrs_queue_settings ADD COLUMN rate_period_ms INTEGER;
ALTER TABLE pgqrs_queue_settings ADD COLUMN rate_window INTEGER;
ALTER TABLE pgqrs_queue_settings ADD COLUMN rate_window_count INTEGER NOT NULL DEFAULT 0;
