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
import java.util.concurrent.Semaphore;

/**
 * DBOS Transact Java, the peer for durable workflows: the same N-step workflow as a
 * {@code @Workflow} method whose steps are {@code dbos.runStep(...)}, in its own schema of the
 * same PostgreSQL server. Three ways to start runs: on a DBOS queue whose worker concurrency is the
 * scenario's (the counterpart of pgqrs's queue-backed workers); directly, where DBOS runs each
 * workflow at once on its own executor in the calling process, with no concurrency limit; and
 * directly with the scenario's limit (a trigger waits while that many runs of this process execute),
 * so DBOS's fastest path meets pgqrs with the same concurrency.
 */
public final class DbosWorkflowRun implements WorkflowContender {

    private enum Start { QUEUE, DIRECT, DIRECT_BOUNDED }

    private final Start start;

    private DbosWorkflowRun(Start start) {
        this.start = start;
    }

    /** Runs started on a DBOS queue (worker concurrency as pgqrs's). */
    public static DbosWorkflowRun onQueue() {
        return new DbosWorkflowRun(Start.QUEUE);
    }

    /** Runs started directly ({@code startWorkflow} without a queue). */
    public static DbosWorkflowRun direct() {
        return new DbosWorkflowRun(Start.DIRECT);
    }

    /** Runs started directly, at most the scenario's concurrency executing at once. */
    public static DbosWorkflowRun directBounded() {
        return new DbosWorkflowRun(Start.DIRECT_BOUNDED);
    }

    /** How often the DBOS queue looks for new runs: short, so polling does not hold it back. */
    static final Duration QUEUE_POLLING = Duration.ofMillis(50);

    @Override
    public String name() {
        return switch (start) {
            case QUEUE -> "dbos";
            case DIRECT -> "dbos-direct";
            case DIRECT_BOUNDED -> "dbos-direct-bounded";
        };
    }

    @Override
    public String description() {
        return switch (start) {
            case QUEUE -> "DBOS Transact Java 1.1.0-m6: @Workflow method with N dbos.runStep(...) calls, started on a DBOS queue "
                    + "(worker concurrency as pgqrs's, polling every " + QUEUE_POLLING.toMillis()
                    + " ms where DBOS's default is 1 s); PostgreSQL only";
            case DIRECT -> "the same DBOS workflow started directly (startWorkflow without a queue): DBOS runs it at once on its "
                    + "own executor, no concurrency limit; PostgreSQL only";
            case DIRECT_BOUNDED -> "the same DBOS workflow started directly, with pgqrs's concurrency: a trigger waits "
                    + "while that many runs execute (a permit taken before startWorkflow, given back by the workflow "
                    + "after its last step); PostgreSQL only";
        };
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
        private final Semaphore running;

        BenchWorkflowImpl(DBOS dbos, int steps, WorkflowProbe probe, Semaphore running) {
            this.dbos = dbos;
            this.steps = steps;
            this.probe = probe;
            this.running = running;
        }

        @Override
        @Workflow(name = "bench")
        public int run(int input) {
            try {
                int sum = input;
                for (int i = 0; i < steps; i++) {
                    int step = i;
                    sum += dbos.runStep(() -> {
                        probe.stepRan();
                        return step;
                    }, "step-" + i);
                }
                return sum;
            } finally {
                if (running != null) {
                    running.release();
                }
            }
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
        Semaphore running = start == Start.DIRECT_BOUNDED ? new Semaphore(settings.concurrency()) : null;
        try {
            BenchWorkflow workflow = dbos.registerProxy(BenchWorkflow.class, new BenchWorkflowImpl(dbos, steps, probe, running));
            Queue queue = new Queue("bench").withWorkerConcurrency(settings.concurrency()).withPollingInterval(QUEUE_POLLING);
            dbos.registerQueue(queue);
            dbos.launch();
            return new DbosPrepared(dbos, workflow, start == Start.QUEUE ? queue : null, running, pg.schema());
        } catch (RuntimeException e) {
            dbos.close();
            throw e;
        }
    }

    private record DbosPrepared(DBOS dbos, BenchWorkflow workflow, Queue queue, Semaphore running, String schema)
            implements Prepared {

        @Override
        public void trigger(int input) {
            if (running != null) {
                running.acquireUninterruptibly();
            }
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
