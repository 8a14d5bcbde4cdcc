-- Which edition a worker row belongs to (see the PostgreSQL migration of the same version): 'java' for
-- this edition's workers, NULL for pgqrs's own, whose leases are held until released or reclaimed.
ALTER TABLE pgqrs_workers ADD COLUMN edition TEXT;
