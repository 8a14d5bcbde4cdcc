-- Worker statuses. A second run finds the type and carries on.
DO $$
BEGIN
    CREATE TYPE worker_status AS ENUM ('ready', 'polling', 'suspended', 'interrupted', 'stopped');
EXCEPTION
    WHEN duplicate_object THEN NULL;
END $$;
