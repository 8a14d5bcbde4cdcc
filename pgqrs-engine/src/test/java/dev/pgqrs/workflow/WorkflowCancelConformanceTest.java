package dev.pgqrs.workflow;

import dev.pgqrs.Store;
import dev.pgqrs.testing.ConformanceTest;
import dev.pgqrs.testing.TestBackend;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.pgqrs.workflow.WorkflowTesting.AWAIT;
import static dev.pgqrs.workflow.WorkflowTesting.fastWorker;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Two-phase cancellation in each phase of a run — on every backend. */
class WorkflowCancelConformanceTest {

    @ConformanceTest
    void cancellingAQueuedRunNeverRunsItsCode(TestBackend backend) {
        Store store = backend.open();
        AtomicInteger executions = new AtomicInteger();
        Workflow<String, String> wf = Workflow.define("queued", String.class, String.class, (ctx, in) -> {
            executions.incrementAndGet();
            return ctx.step("work", String.class, () -> in);
        });
        Workflows workflows = store.workflows();
        workflows.register(wf);
        RunHandle<String> cancelled = workflows.trigger(wf, "never");

        // Two phases, as pgqrs cancels: CANCELLING now, CANCELLED by the first worker that picks it up.
        assertThat(workflows.cancel(cancelled.id())).isEqualTo(RunStatus.CANCELLING);
        workflows.startWorker(wf, fastWorker());
        RunHandle<String> later = workflows.trigger(wf, "later");

        assertThat(later.await(AWAIT)).isEqualTo("later");
        assertThat(executions.get()).isEqualTo(1);
        assertThatThrownBy(() -> cancelled.await(AWAIT))
                .isInstanceOf(RunCancelledException.class)
                .hasMessageContaining("was cancelled");
        assertThat(cancelled.info().completedAt()).isNotNull();
        assertThat(workflows.details(cancelled.id()).steps()).isEmpty();
        assertThat(store.queues().metrics("queued").archived()).isEqualTo(2);
    }

    @ConformanceTest
    void cancellingARunningRunLetsTheStepInFlightFinishAndStopsAtTheNextBoundary(TestBackend backend) throws Exception {
        Store store = backend.open();
        WorkflowTesting.Gate inFlight = new WorkflowTesting.Gate();
        WorkflowTesting.BodyCounter bodies = new WorkflowTesting.BodyCounter();
        Workflow<String, String> wf = Workflow.define("long", String.class, String.class, (ctx, in) -> {
            ctx.step("first", String.class, () -> {
                bodies.hit("first");
                inFlight.pass();
                return "first done";
            });
            return ctx.step("second", String.class, () -> "second" + bodies.hit("second"));
        });
        Workflows workflows = store.workflows();
        workflows.startWorker(wf, fastWorker());
        RunHandle<String> run = workflows.trigger(wf, "x");
        inFlight.awaitEntered();

        assertThat(workflows.cancel(run.id())).isEqualTo(RunStatus.CANCELLING);
        assertThat(run.status()).isEqualTo(RunStatus.CANCELLING);
        assertThat(workflows.cancel(run.id())).isEqualTo(RunStatus.CANCELLING);
        inFlight.open();

        assertThatThrownBy(() -> run.await(AWAIT)).isInstanceOf(RunCancelledException.class);
        RunDetails details = workflows.details(run.id());
        assertThat(details.run().status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(details.step("first").orElseThrow().status()).isEqualTo(RunStatus.SUCCESS);
        assertThat(details.step("second")).isEmpty();
        assertThat(bodies.get("second")).isZero();
        assertThat(store.queues().metrics("long").archived()).isEqualTo(1);
    }

    @ConformanceTest
    void aRunCancelledBetweenStepsStartsNoNewStep(TestBackend backend) throws Exception {
        Store store = backend.open();
        WorkflowTesting.Gate betweenSteps = new WorkflowTesting.Gate();
        WorkflowTesting.BodyCounter bodies = new WorkflowTesting.BodyCounter();
        Workflow<String, String> wf = Workflow.define("between", String.class, String.class, (ctx, in) -> {
            ctx.step("first", String.class, () -> "first" + bodies.hit("first"));
            betweenSteps.pass(); // the function's own work between two steps, no step in flight
            return ctx.step("second", String.class, () -> "second" + bodies.hit("second"));
        });
        Workflows workflows = store.workflows();
        workflows.startWorker(wf, fastWorker());
        RunHandle<String> run = workflows.trigger(wf, "x");
        betweenSteps.awaitEntered();

        assertThat(workflows.cancel(run.id())).isEqualTo(RunStatus.CANCELLING);
        betweenSteps.open();

        assertThatThrownBy(() -> run.await(AWAIT)).isInstanceOf(RunCancelledException.class);
        assertThat(bodies.get("first")).isEqualTo(1);
        assertThat(bodies.get("second")).as("a step that would start after cancel() never runs").isZero();
        assertThat(workflows.details(run.id()).step("second")).isEmpty();
        assertThat(store.queues().metrics("between").archived()).isEqualTo(1);
    }

    @ConformanceTest
    void aRunCancelledBeforeItsFirstStepStartsNoStep(TestBackend backend) throws Exception {
        Store store = backend.open();
        WorkflowTesting.Gate beforeFirstStep = new WorkflowTesting.Gate();
        WorkflowTesting.BodyCounter bodies = new WorkflowTesting.BodyCounter();
        Workflow<String, String> wf = Workflow.define("before_first", String.class, String.class, (ctx, in) -> {
            long entered = System.nanoTime();
            beforeFirstStep.pass(); // the function's own work before its first step
            // However fast the test cancels, this work outlasts the claim's read (which stands only right after it),
            // so the first step boundary reads the status itself.
            long left;
            while ((left = RunCheckpoints.CLAIM_READ_STANDS_NANOS - (System.nanoTime() - entered)) > 0) {
                java.util.concurrent.locks.LockSupport.parkNanos(left);
            }
            return ctx.step("first", String.class, () -> "first" + bodies.hit("first"));
        });
        Workflows workflows = store.workflows();
        workflows.startWorker(wf, fastWorker());
        RunHandle<String> run = workflows.trigger(wf, "x");
        beforeFirstStep.awaitEntered();

        assertThat(workflows.cancel(run.id())).isEqualTo(RunStatus.CANCELLING);
        beforeFirstStep.open();

        assertThatThrownBy(() -> run.await(AWAIT)).isInstanceOf(RunCancelledException.class);
        assertThat(bodies.get("first")).as("the first step would start after cancel(): it never runs").isZero();
        assertThat(workflows.details(run.id()).step("first")).isEmpty();
        assertThat(store.queues().metrics("before_first").archived()).isEqualTo(1);
    }

    @ConformanceTest
    void cancellingAWaitingOrPausedRunCancelsItWithoutRunningItsCodeAgain(TestBackend backend) throws Exception {
        Store store = backend.open();
        AtomicInteger executions = new AtomicInteger();
        Workflow<String, String> wf = Workflow.define("waiting", String.class, String.class, (ctx, how) -> {
            executions.incrementAndGet();
            if (how.equals("sleep")) {
                ctx.sleep("nap", Duration.ofHours(1));
            } else {
                ctx.pause("hold");
            }
            return "woke";
        });
        Workflows workflows = store.workflows();
        workflows.startWorker(wf, fastWorker());
        RunHandle<String> sleeping = workflows.trigger(wf, "sleep");
        RunHandle<String> paused = workflows.trigger(wf, "pause");
        WorkflowTesting.awaitStep(workflows, sleeping.id(), "nap", RunStatus.PAUSED);
        WorkflowTesting.awaitStatus(workflows, paused.id(), RunStatus.PAUSED);

        assertThat(workflows.cancel(sleeping.id())).isEqualTo(RunStatus.CANCELLING);
        assertThat(workflows.cancel(paused.id())).isEqualTo(RunStatus.CANCELLING);

        // Their messages are made visible at once: a worker finalises both long before the hour-long sleep ends.
        assertThatThrownBy(() -> sleeping.await(AWAIT)).isInstanceOf(RunCancelledException.class);
        assertThatThrownBy(() -> paused.await(AWAIT)).isInstanceOf(RunCancelledException.class);
        assertThat(executions.get()).as("neither function ran again").isEqualTo(2);
        assertThat(store.queues().metrics("waiting").archived()).isEqualTo(2);
        assertThatThrownBy(() -> workflows.resume(paused.id())).isInstanceOf(IllegalRunStateException.class);
    }

    @ConformanceTest
    void cancellingAFinishedRunChangesNothing(TestBackend backend) {
        Store store = backend.open();
        Workflow<String, String> wf = Workflow.define("done", String.class, String.class,
                (ctx, in) -> ctx.step("s", String.class, () -> in));
        store.workflows().startWorker(wf, fastWorker());
        RunHandle<String> run = store.workflows().trigger(wf, "x");
        run.await(AWAIT);

        assertThat(run.cancel()).isEqualTo(RunStatus.SUCCESS);
        assertThat(run.result()).contains("x");
        assertThatThrownBy(() -> store.workflows().cancel(424_242)).isInstanceOf(RunNotFoundException.class);
    }
}
