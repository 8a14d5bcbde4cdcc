-- Which edition a worker row belongs to. The Java edition's workers heartbeat on a schedule and extend
-- their leases while they work, so an expired lease of theirs means the work was abandoned: it is
-- delivered again, and a stale heartbeat may be reaped. Workers of other editions (NULL here) follow
-- pgqrs's own rules: a lease is held until released or reclaimed, and liveness is left to an explicit
-- reclaim. A nullable column, which other editions neither write nor read.
ALTER TABLE pgqrs_workers ADD COLUMN IF NOT EXISTS edition text;
