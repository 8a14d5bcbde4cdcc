-- Turso's own bookkeeping (not sqlx): text versions, one row per applied file.
CREATE TABLE IF NOT EXISTS pgqrs_schema_version (
    version     TEXT PRIMARY KEY,
    applied_at  TEXT NOT NULL,
    description TEXT
);
INSERT INTO pgqrs_schema_version (version, applied_at, description)
SELECT '0.5.0', datetime('now'), 'Initial schema'
WHERE NOT EXISTS (SELECT 1 FROM pgqrs_schema_version WHERE version = '0.5.0');
