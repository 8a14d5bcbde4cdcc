package dev.pgqrs.bench.workflow;

import dev.dbos.transact.DBOS;
import dev.dbos.transact.StartWorkflowOptions;
import dev.dbos.transact.config.DBOSConfig;
import dev.dbos.transact.workflow.Queue;
import dev.dbos.transact.workflow.Workflow;
import dev.pgqrs.bench.db.DatabaseSlot;
import dev.pgqrs.bench.db.PostgresSlot;
import dev.pgqrs.config.Backend;

import java.time.Duration;

/**
 * DBOS Transact Java, the peer for durable workflows: the same N-step workflow as a
 * {@code @Workflow} method whose steps are {@code dbos.runStep(...)}, in its own schema of the
 * same PostgreSQL server. Two ways to start runs: on a DBOS queue whose worker concurrency is the
 * scenario's (the counterpart of pgqrs's queue-backed workers), or directly, where DBOS runs each
 * workflow at once on its own executor in the calling process, with no concurrency limit.
 */
public final class DbosWorkflowRun implements WorkflowContender {

    private final boolean queued;

    private DbosWorkflowRun(boolean queued) {
        this.queued = queued;
    }

    /** Runs started on a DBOS queue (worker concurrency as pgqrs's). */
    public static DbosWorkflowRun onQueue() {
        return new DbosWorkflowRun(true);
    }

    /** Runs started directly ({@code startWorkflow} without a queue). */
    public static DbosWorkflowRun direct() {
        return new DbosWorkflowRun(false);
    }

    /** How often the DBOS queue looks for new runs: short, so polling does not hold it back. */
    static final Duration QUEUE_POLLING = Duration.ofMillis(50);

    @Override
    public String name() {
        return queued ? "dbos" : "dbos-direct";
    }

    @Override
    public String description() {
        return queued
                ? "DBOS Transact Java 1.1.0-m6: @Workflow method with N dbos.runStep(...) calls, started on a DBOS queue "
                        + "(worker concurrency as pgqrs's, polling every " + QUEUE_POLLING.toMillis()
                        + " ms where DBOS's default is 1 s); PostgreSQL only"
                : "the same DBOS workflow started directly (startWorkflow without a queue): DBOS runs it at once on its "
                        + "own executor, no concurrency limit; PostgreSQL only";
    }

    @Override
    public boolean supports(Backend backend) {
        return backend == Backend.POSTGRES;
    }

    /** The workflow's interface: DBOS hands back a proxy of it whose calls are durable. */
    public interface BenchWorkflow {
        int run(int input);
    }

    public static final class BenchWorkflowImpl implements BenchWorkflow {

        private final DBOS dbos;
        private final int steps;
        private final WorkflowProbe probe;

        BenchWorkflowImpl(DBOS dbos, int steps, WorkflowProbe probe) {
            this.dbos = dbos;
            this.steps = steps;
            this.probe = probe;
        }

        @Override
        @Workflow(name = "bench")
        public int run(int input) {
            int sum = input;
            for (int i = 0; i < steps; i++) {
                int step = i;
                sum += dbos.runStep(() -> {
                    probe.stepRan();
                    return step;
                }, "step-" + i);
            }
            return sum;
        }
    }

    @Override
    public Prepared prepare(DatabaseSlot slot, int steps, WorkflowSettings settings, WorkflowProbe probe) {
        PostgresSlot pg = (PostgresSlot) slot;
        DBOSConfig config = DBOSConfig.defaults("pgqrs-bench")
                .withDatabaseUrl(pg.host().jdbcUrl(pg.schema()))
                .withDbUser(pg.host().user())
                .withDbPassword(pg.host().password())
                .withDatabaseSchema(pg.schema())
                .withAdminServer(false);
        DBOS dbos = new DBOS(config);
        try {
            BenchWorkflow workflow = dbos.registerProxy(BenchWorkflow.class, new BenchWorkflowImpl(dbos, steps, probe));
            Queue queue = new Queue("bench").withWorkerConcurrency(settings.concurrency()).withPollingInterval(QUEUE_POLLING);
            dbos.registerQueue(queue);
            dbos.launch();
            return new DbosPrepared(dbos, workflow, queued ? queue : null, pg.schema());
        } catch (RuntimeException e) {
            dbos.close();
            throw e;
        }
    }

    private record DbosPrepared(DBOS dbos, BenchWorkflow workflow, Queue queue, String schema) implements Prepared {

        @Override
        public void trigger(int input) {
            if (queue != null) {
                dbos.startWorkflow(() -> workflow.run(input), new StartWorkflowOptions(queue));
            } else {
                dbos.startWorkflow(() -> workflow.run(input));
            }
        }

        @Override
        public String succeededQuery() {
            return "SELECT count(*) FROM " + schema + ".workflow_status WHERE status = 'SUCCESS'";
        }

        @Override
        public void close() {
            dbos.close();
        }
    }
}
