package dev.pgqrs.bench.workflow;

import dev.pgqrs.bench.db.DatabaseSlot;
import dev.pgqrs.config.Backend;

/** One durable-workflow engine running the scenario's N-step workflow: pgqrs, or DBOS. */
public interface WorkflowContender {

    String name();

    String description();

    boolean supports(Backend backend);

    /** Installs the engine in the slot, defines the N-step workflow and starts its (idle) workers. */
    Prepared prepare(DatabaseSlot slot, int steps, WorkflowSettings settings, WorkflowProbe probe) throws Exception;

    interface Prepared extends AutoCloseable {

        /** Starts one run (called from several trigger threads). */
        void trigger(int input) throws Exception;

        /** A query returning the number of runs recorded as completed successfully. */
        String succeededQuery();
    }
}
