package dev.pgqrs.workflow;

import dev.pgqrs.Store;
import dev.pgqrs.WorkerInfo;
import dev.pgqrs.WorkerStatus;
import dev.pgqrs.testing.ConformanceTest;
import dev.pgqrs.testing.TestBackend;

import java.util.concurrent.CompletableFuture;

import static dev.pgqrs.workflow.WorkflowTesting.AWAIT;
import static dev.pgqrs.workflow.WorkflowTesting.fastWorker;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Workers: their rows, and a graceful stop that hands runs over at a step boundary. */
class WorkflowWorkerLifecycleConformanceTest {

    @ConformanceTest
    void closingAWorkerHandsItsRunOverAtTheNextStepBoundary(TestBackend backend) throws Exception {
        WorkflowTesting.Gate inFirst = new WorkflowTesting.Gate();
        WorkflowTesting.BodyCounter bodies = new WorkflowTesting.BodyCounter();
        Workflow<String, String> wf = Workflow.define("handover", String.class, String.class, (ctx, in) -> {
            String first = ctx.step("first", String.class, () -> {
                if (bodies.hit("first") == 1) {
                    inFirst.pass();
                }
                return "1";
            });
            return first + ctx.step("second", String.class, () -> "2-" + bodies.hit("second"));
        });
        Store store = backend.open();
        store.workflows().register(wf);
        RunHandle<String> run = store.workflows().trigger(wf, "x");
        WorkflowWorker leaving = store.workflows().startWorker(wf, fastWorker());
        inFirst.awaitEntered();

        CompletableFuture<Void> closing = CompletableFuture.runAsync(leaving::close);
        // The run goes on only once close() is draining: it must not start its second step then.
        await("close() draining").atMost(AWAIT).until(leaving::isDraining);
        inFirst.open();
        closing.get();

        RunDetails handedOver = store.workflows().details(run.id());
        assertThat(handedOver.run().status()).isEqualTo(RunStatus.RUNNING);
        assertThat(handedOver.step("first").orElseThrow().status()).isEqualTo(RunStatus.SUCCESS);
        assertThat(handedOver.step("second")).isEmpty();
        // Given back visible at once, its one delivery counted.
        assertThat(WorkflowTesting.queryLong(backend, "SELECT read_ct FROM pgqrs_messages")).isEqualTo(1);
        assertThat(WorkflowTesting.queryLong(backend,
                "SELECT count(*) FROM pgqrs_messages WHERE consumer_worker_id IS NULL AND archived_at IS NULL")).isEqualTo(1);
        assertThat(store.workers().list("handover")).extracting(WorkerInfo::status).containsOnly(WorkerStatus.STOPPED);

        store.workflows().startWorker(wf, fastWorker());
        assertThat(run.await(AWAIT)).isEqualTo("12-1");
        assertThat(bodies.get("first")).isEqualTo(1);
    }

    @ConformanceTest
    void aWorkerIsAWorkerRowOfItsWorkflowsQueue(TestBackend backend) throws Exception {
        Store store = backend.open();
        Workflow<String, String> wf = Workflow.define("rows", String.class, String.class, (ctx, in) -> in);
        WorkflowWorker worker = store.workflows().startWorker(wf, fastWorker().workerName("rows-worker-1"));

        assertThat(worker.name()).isEqualTo("rows-worker-1");
        assertThat(store.workers().list("rows")).singleElement().satisfies(w -> {
            assertThat(w.name()).isEqualTo("rows-worker-1");
            assertThat(w.status()).isEqualTo(WorkerStatus.POLLING);
        });
        store.workflows().trigger(wf, "x").await(AWAIT);
        // The run's worker is the consumer of its message (the run row's worker_id stays NULL, as pgqrs leaves it).
        assertThat(store.workflows().list("rows", 1).get(0).workerId()).isEqualTo(worker.workerId());
        assertThat(WorkflowTesting.queryLong(backend, "SELECT count(*) FROM pgqrs_workflow_runs WHERE worker_id IS NULL"))
                .isEqualTo(1);

        store.close();
        assertThat(worker.isRunning()).isFalse();
    }
}
