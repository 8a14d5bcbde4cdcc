package dev.pgqrs.bench.workflow;

import dev.pgqrs.Pgqrs;
import dev.pgqrs.Store;
import dev.pgqrs.bench.db.DatabaseSlot;
import dev.pgqrs.config.Backend;
import dev.pgqrs.config.PgqrsConfig;
import dev.pgqrs.workflow.Workflow;
import dev.pgqrs.workflow.WorkflowWorker;
import dev.pgqrs.workflow.WorkflowWorkerOptions;

import java.time.Duration;

/**
 * pgqrs's workflow runtime: a workflow of N steps, each returning a small number; runs triggered
 * with {@code workflows().trigger}, executed by one worker with the scenario's concurrency — or, beside DBOS
 * started directly without a limit, with a wide one ({@link #WIDE} runs at once).
 */
public final class PgqrsWorkflowRun implements WorkflowContender {

    /** The concurrency of {@code pgqrs-wide}: as many runs at once as a backlog of this scenario keeps busy. */
    static final int WIDE = 64;

    /** The linger of {@code pgqrs-linger}. */
    static final Duration LINGER = Duration.ofMillis(5);

    private final boolean wide;
    private final boolean linger;

    public PgqrsWorkflowRun() {
        this(false, false);
    }

    /**
     * @param wide   run {@link #WIDE} runs at once instead of the scenario's concurrency
     * @param linger hold each step's completion for the run's next write ({@code checkpointLinger} of
     *               {@link #LINGER}), so a run's last step and its finish share one commit
     */
    public PgqrsWorkflowRun(boolean wide, boolean linger) {
        this.wide = wide;
        this.linger = linger;
    }

    @Override
    public String name() {
        return wide ? "pgqrs-wide" : linger ? "pgqrs-linger" : "pgqrs";
    }

    @Override
    public String description() {
        if (wide) {
            return "the same pgqrs workflow with " + WIDE + " runs at once, the counterpart of DBOS started directly without a limit";
        }
        if (linger) {
            return "the same pgqrs workflow with checkpointLinger(5 ms): a step's completion rides on the run's next write, "
                    + "the last step's on the finish (one commit for both)";
        }
        return "pgqrs workflow runtime: Workflow.define with N ctx.step(...) calls, workflows().trigger, "
                + "one WorkflowWorker (default options but concurrency)";
    }

    @Override
    public boolean supports(Backend backend) {
        return true;
    }

    @Override
    public Prepared prepare(DatabaseSlot slot, int steps, WorkflowSettings settings, WorkflowProbe probe) {
        int concurrency = wide ? WIDE : settings.concurrency();
        PgqrsConfig.Builder config = PgqrsConfig.builder().dsn(slot.pgqrsDsn())
                // room for the worker's threads, the trigger threads and the store's own work
                .maxConnections(concurrency + settings.triggerThreads() + 4);
        if (slot.schema() != null) {
            config.schema(slot.schema());
        }
        Store store = Pgqrs.connect(config.build());
        try {
            store.admin().install();
            Workflow<Integer, Integer> workflow = Workflow.define("bench_" + steps + "_steps", Integer.class, Integer.class,
                    (ctx, input) -> {
                        int sum = input;
                        for (int i = 0; i < steps; i++) {
                            int step = i;
                            sum += ctx.step("step-" + i, Integer.class, () -> {
                                probe.stepRan();
                                return step;
                            });
                        }
                        return sum;
                    });
            store.workflows().register(workflow);
            WorkflowWorkerOptions options = WorkflowWorkerOptions.defaults().concurrency(concurrency);
            if (linger) {
                options = options.checkpointLinger(LINGER);
            }
            WorkflowWorker worker = store.workflows().startWorker(workflow, options);
            return new PgqrsPrepared(slot, store, workflow, worker);
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    private record PgqrsPrepared(DatabaseSlot slot, Store store, Workflow<Integer, Integer> workflow,
                                 WorkflowWorker worker) implements Prepared {

        @Override
        public void trigger(int input) {
            store.workflows().trigger(workflow, input);
        }

        @Override
        public String succeededQuery() {
            return "SELECT count(*) FROM pgqrs_workflow_runs WHERE status = 'SUCCESS'";
        }

        @Override
        public void close() {
            worker.close();
            store.close();
        }
    }
}
