-- Workers of pgqrs (Rust) 0.15.0 and 0.15.1: identified by (hostname, port), no name. Run by V5 only
-- on such a database. Adds the name every later edition uses and keeps hostname/port, which those
-- releases still write and read: a trigger fills whichever identity an insert leaves out, so rows of
-- either edition read complete in both (hostname = the name and port 0 for Java's workers,
-- name = "hostname:port#id" for the original's; the id keeps it unique).
ALTER TABLE pgqrs_workers ADD COLUMN name text;
UPDATE pgqrs_workers SET name = hostname || ':' || port || '#' || id;
ALTER TABLE pgqrs_workers ALTER COLUMN name SET NOT NULL;
ALTER TABLE pgqrs_workers ADD CONSTRAINT pgqrs_workers_name_key UNIQUE (name);

CREATE FUNCTION pgqrs_workers_legacy_identity() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- The identity column is assigned before BEFORE triggers run, so NEW.id is known here.
    NEW.name := coalesce(NEW.name, NEW.hostname || ':' || NEW.port || '#' || NEW.id);
    NEW.hostname := coalesce(NEW.hostname, NEW.name);
    NEW.port := coalesce(NEW.port, 0);
    RETURN NEW;
END $$;

CREATE TRIGGER pgqrs_workers_legacy_identity BEFORE INSERT ON pgqrs_workers
    FOR EACH ROW EXECUTE FUNCTION pgqrs_workers_legacy_identity();
