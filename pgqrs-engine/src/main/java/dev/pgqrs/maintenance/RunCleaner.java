package dev.pgqrs.maintenance;

import dev.pgqrs.Retention;
import dev.pgqrs.store.Database;
import dev.pgqrs.store.RetentionRepository;
import dev.pgqrs.store.WorkflowRepository;
import dev.pgqrs.workflow.WorkflowInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;

/**
 * Deletes finished workflow runs (SUCCESS, ERROR, CANCELLED) by age of completion and by count, workflow by
 * workflow, each under its override or the store's defaults: each batch is one short transaction that deletes the
 * runs (their steps and events go with them) and then their messages (their checkpoints go with them). Runs that
 * have not finished are never touched, however old.
 */
public final class RunCleaner {

    private static final Logger LOG = LoggerFactory.getLogger(RunCleaner.class);

    private final Database database;
    private final WorkflowRepository workflows;
    private final RetentionRepository rows;
    private final Retention defaults;
    private final RetentionBatches batches;

    public RunCleaner(Database database, Retention defaults, RetentionBatches batches) {
        this.database = database;
        this.workflows = new WorkflowRepository(database.dialect(), database.queueSettings());
        this.rows = new RetentionRepository(database.dialect());
        this.defaults = defaults;
        this.batches = batches;
    }

    /** One pass over every workflow; returns the runs deleted. */
    public long cleanOnce() {
        List<WorkflowInfo> all = database.read("list workflows", workflows::listWorkflows);
        Map<Long, Retention> overrides = database.read("read workflow retention",
                c -> rows.all(c, RetentionRepository.Owner.WORKFLOW));
        long now = database.read("read the database clock", rows::nowMillis);
        long total = 0;
        for (WorkflowInfo w : all) {
            Retention retention = overrides.getOrDefault(w.id(), defaults);
            Long cutoff = Cutoffs.of(now, retention, count -> database.read("find what the count of '" + w.name() + "' keeps",
                    c -> rows.nthNewestFinishedRun(c, w.id(), count)));
            if (cutoff == null) {
                continue;
            }
            long deleted = batches.drain((from, limit, turn) -> database.transaction("delete finished runs of '" + w.name() + "'", c -> {
                turn.began();
                List<RetentionRepository.FinishedRun> runs = rows.finishedRuns(c, w.id(), from, cutoff, limit);
                if (!runs.isEmpty()) {
                    rows.deleteRuns(c, runs);
                }
                return runs.stream().map(RetentionRepository.FinishedRun::completedAtMillis).toList();
            }));
            if (deleted > 0) {
                LOG.info("deleted {} finished run(s) of workflow '{}' ({})", deleted, w.name(), Cutoffs.describe(retention));
            }
            total += deleted;
        }
        return total;
    }
}
