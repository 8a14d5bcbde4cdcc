package dev.pgqrs.workflow;

import dev.pgqrs.Store;
import dev.pgqrs.testing.BackendKind;
import dev.pgqrs.testing.ConformanceTest;
import dev.pgqrs.testing.TestBackend;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.pgqrs.workflow.WorkflowTesting.AWAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A run's lease: kept alive by its worker for as long as the run executes, whatever the lease duration. */
class WorkflowLeaseConformanceTest {

    private static final Duration LEASE = Duration.ofMillis(400);

    @ConformanceTest
    void aStepThatOutlastsTheLeaseKeepsItsRunWithItsWorker(TestBackend backend) throws Exception {
        AtomicInteger executions = new AtomicInteger();
        WorkflowTesting.Gate working = new WorkflowTesting.Gate();
        Workflow<String, String> slow = Workflow.define("slow-step", String.class, String.class, (ctx, in) ->
                ctx.step("long", String.class, () -> {
                    executions.incrementAndGet();
                    working.pass(); // busy until the test has seen the lease outlast itself
                    return "done";
                }));
        Store store = backend.open();
        WorkflowWorkerOptions options = WorkflowWorkerOptions.defaults().concurrency(1).leaseDuration(LEASE)
                .pollInterval(Duration.ofMillis(20));
        // Two workers: if the first one's lease ran out, the second would take the run over and run the step again.
        store.workflows().startWorker(slow, options);
        store.workflows().startWorker(slow, options);

        RunHandle<String> run = store.workflows().trigger(slow, "x");
        working.awaitEntered();
        long enteredAt = System.nanoTime();

        // Three lease durations into the step, the run's first delivery still has its lease ahead: it was extended.
        await("the lease extended past three lease durations").atMost(AWAIT).pollInterval(Duration.ofMillis(20))
                .until(() -> System.nanoTime() - enteredAt > LEASE.multipliedBy(3).toNanos()
                        && WorkflowTesting.queryLong(backend, "SELECT count(*) FROM pgqrs_messages WHERE archived_at IS NULL "
                        + "AND read_ct = 1 AND consumer_worker_id IS NOT NULL AND vt > " + backend.ago(Duration.ZERO)) == 1);
        working.open();

        assertThat(run.await(AWAIT)).isEqualTo("done");
        assertThat(executions.get()).as("executions of the step").isEqualTo(1);
        assertThat(WorkflowTesting.queryLong(backend, "SELECT read_ct FROM pgqrs_messages")).as("deliveries of the run").isEqualTo(1);
    }

    @ConformanceTest
    void aClaimThatFailsPartwayKeepsNoLeaseAliveSoTheRunIsTakenOverLater(TestBackend backend) throws Exception {
        Workflow<String, String> flow = Workflow.define("recovering", String.class, String.class,
                (ctx, in) -> ctx.step("only", String.class, () -> "done"));
        Store store = backend.open();
        store.workflows().register(flow);
        RunHandle<String> run = store.workflows().trigger(flow, "x");
        // An earlier delivery whose worker died: taken by a consumer of this edition, its lease then run out. The
        // next claim recovers the run, and counting that recovery is a statement the test makes fail.
        assertThat(store.consumer("recovering").dequeueOne()).isPresent(); // left open: its process "died"
        backend.expireLeases();
        refuseRecoveryCounts(backend);

        store.workflows().startWorker(flow, WorkflowWorkerOptions.defaults().concurrency(1).leaseDuration(LEASE)
                .pollInterval(Duration.ofMillis(20)));
        await("a claim that failed counting the recovery").atMost(AWAIT).pollInterval(Duration.ofMillis(20))
                .until(() -> WorkflowTesting.queryLong(backend, "SELECT read_ct FROM pgqrs_messages") >= 2);
        allowRecoveryCounts(backend);

        // Its lease must run out (nobody keeps it alive), so the run is claimed again and finishes.
        assertThat(run.await(AWAIT)).isEqualTo("done");
    }

    private static void refuseRecoveryCounts(TestBackend backend) {
        if (backend.kind() == BackendKind.POSTGRES) {
            backend.execute("CREATE FUNCTION refuse_recovery_count() RETURNS trigger LANGUAGE plpgsql AS "
                    + "$$ BEGIN RAISE EXCEPTION 'injected failure'; END $$");
            backend.execute("CREATE TRIGGER refuse_recovery_count BEFORE INSERT OR UPDATE ON pgqrs_workflow_steps "
                    + "FOR EACH ROW WHEN (NEW.step_name = '" + Workflow.RUN_RECOVERIES_STEP + "') "
                    + "EXECUTE FUNCTION refuse_recovery_count()");
        } else {
            for (String event : new String[] {"INSERT", "UPDATE"}) {
                backend.execute("CREATE TRIGGER refuse_recovery_count_" + event.toLowerCase() + " BEFORE " + event
                        + " ON pgqrs_workflow_steps WHEN NEW.step_name = '" + Workflow.RUN_RECOVERIES_STEP + "' "
                        + "BEGIN SELECT RAISE(ABORT, 'injected failure'); END");
            }
        }
    }

    private static void allowRecoveryCounts(TestBackend backend) {
        if (backend.kind() == BackendKind.POSTGRES) {
            backend.execute("DROP TRIGGER refuse_recovery_count ON pgqrs_workflow_steps");
        } else {
            backend.execute("DROP TRIGGER refuse_recovery_count_insert");
            backend.execute("DROP TRIGGER refuse_recovery_count_update");
        }
    }
}
