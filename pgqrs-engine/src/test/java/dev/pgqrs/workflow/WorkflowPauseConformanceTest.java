package dev.pgqrs.workflow;

import dev.pgqrs.QueueMetrics;
import dev.pgqrs.Store;
import dev.pgqrs.testing.ConformanceTest;
import dev.pgqrs.testing.TestBackend;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.pgqrs.workflow.WorkflowTesting.AWAIT;
import static dev.pgqrs.workflow.WorkflowTesting.fastWorker;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Pause and resume, timed pauses, pauses requested by steps, durable sleep — on every backend. */
class WorkflowPauseConformanceTest {

    @ConformanceTest
    void aPausedRunWaitsWithoutAThreadUntilResumed(TestBackend backend) throws Exception {
        Store store = backend.open();
        AtomicInteger executions = new AtomicInteger();
        WorkflowTesting.BodyCounter bodies = new WorkflowTesting.BodyCounter();
        Workflow<String, String> wf = Workflow.define("approval", String.class, String.class, (ctx, doc) -> {
            executions.incrementAndGet();
            String draft = ctx.step("draft", String.class, () -> doc + "-v" + bodies.hit("draft"));
            ctx.pause("sign-off");
            return ctx.step("publish", String.class, () -> draft + "-published" + bodies.hit("publish"));
        });
        Workflows workflows = store.workflows();
        WorkflowWorker worker = workflows.startWorker(wf, fastWorker());
        RunHandle<String> run = workflows.trigger(wf, "doc");

        RunInfo paused = WorkflowTesting.awaitStatus(workflows, run.id(), RunStatus.PAUSED);
        assertThat(paused.pausedAt()).isNotNull();
        StepInfo signOff = workflows.details(run.id()).step("sign-off").orElseThrow();
        assertThat(signOff.status()).isEqualTo(RunStatus.PAUSED);
        assertThat(signOff.waitKind()).isEqualTo("pause");
        assertThat(signOff.retryAt()).isNull();
        // Parked: nothing of the run is left for a worker to pick up again.
        await("nothing left to deliver").atMost(AWAIT).untilAsserted(() -> {
            QueueMetrics m = store.queues().metrics("approval");
            assertThat(m.pending() + m.delayed() + m.leased()).isZero();
        });
        assertThat(executions.get()).isEqualTo(1);
        assertThat(worker.inFlight()).isZero();
        assertThatThrownBy(() -> run.await(Duration.ofMillis(50)))
                .isInstanceOf(RunNotFinishedException.class)
                .hasMessageContaining("is still PAUSED")
                .hasMessageContaining("resume the run");

        assertThat(workflows.resume(run.id())).isTrue();

        assertThat(run.await(AWAIT)).isEqualTo("doc-v1-published1");
        assertThat(executions.get()).isEqualTo(2);
        assertThat(workflows.details(run.id()).step("sign-off").orElseThrow().status()).isEqualTo(RunStatus.SUCCESS);
        assertThatThrownBy(() -> workflows.resume(run.id()))
                .isInstanceOf(IllegalRunStateException.class)
                .hasMessageContaining("is SUCCESS; only a PAUSED run can be resumed");
        assertThatThrownBy(() -> workflows.resume(999_999)).isInstanceOf(RunNotFoundException.class);
    }

    @ConformanceTest
    void resumingARunThatIsNotPausedChangesNothing(TestBackend backend) {
        Store store = backend.open();
        Workflow<String, String> wf = Workflow.define("idle", String.class, String.class, (ctx, in) -> in);
        store.workflows().register(wf);
        RunHandle<String> queued = store.workflows().trigger(wf, "x");

        assertThat(store.workflows().resume(queued.id())).isFalse();
        assertThat(queued.status()).isEqualTo(RunStatus.QUEUED);
    }

    @ConformanceTest
    void aStepCanPauseItsRunAndRunsAgainOnResume(TestBackend backend) throws Exception {
        Store store = backend.open();
        AtomicInteger bodies = new AtomicInteger();
        Workflow<String, String> wf = Workflow.define("stock", String.class, String.class, (ctx, item) ->
                ctx.step("reserve", String.class, () -> {
                    if (bodies.incrementAndGet() == 1) {
                        throw PauseRunException.untilResumed("out of stock, waiting for a delivery");
                    }
                    return item + " reserved";
                }));
        Workflows workflows = store.workflows();
        workflows.startWorker(wf, fastWorker());
        RunHandle<String> run = workflows.trigger(wf, "chair");

        WorkflowTesting.awaitStatus(workflows, run.id(), RunStatus.PAUSED);
        StepInfo reserve = workflows.details(run.id()).step("reserve").orElseThrow();
        assertThat(reserve.status()).isEqualTo(RunStatus.PAUSED);
        assertThat(reserve.errorMessage()).isEqualTo("out of stock, waiting for a delivery");

        workflows.resume(run.id());

        assertThat(run.await(AWAIT)).isEqualTo("chair reserved");
        assertThat(bodies.get()).isEqualTo(2);
        // A pause is not a failed attempt.
        assertThat(workflows.details(run.id()).step("reserve").orElseThrow().attempts()).isEqualTo(1);
    }

    @ConformanceTest
    void aTimedPauseEndsByItself(TestBackend backend) {
        Store store = backend.open();
        Workflow<String, String> wf = Workflow.define("cool-off", String.class, String.class, (ctx, in) -> {
            ctx.pause("wait-a-bit", Duration.ofMillis(400));
            return in + " done";
        });
        store.workflows().startWorker(wf, fastWorker());
        long start = System.nanoTime();

        assertThat(store.workflows().trigger(wf, "x").await(AWAIT)).isEqualTo("x done");
        assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(390);
    }

    @ConformanceTest
    void durableSleepSurvivesAWorkerRestart(TestBackend backend) throws Exception {
        WorkflowTesting.BodyCounter bodies = new WorkflowTesting.BodyCounter();
        Duration nap = Duration.ofSeconds(1);
        Workflow<String, String> wf = Workflow.define("sleepy", String.class, String.class, (ctx, in) -> {
            String before = ctx.step("before", String.class, () -> "b" + bodies.hit("before"));
            ctx.sleep("nap", nap);
            return before + ctx.step("after", String.class, () -> "a" + bodies.hit("after"));
        });
        Store first = backend.open();
        WorkflowWorker worker = first.workflows().startWorker(wf, fastWorker());
        Instant triggered = Instant.now();
        RunHandle<String> run = first.workflows().trigger(wf, "x");
        StepInfo sleeping = WorkflowTesting.awaitStep(first.workflows(), run.id(), "nap", RunStatus.PAUSED);
        assertThat(sleeping.waitKind()).isEqualTo("sleep");
        assertThat(first.workflows().get(run.id()).wakeAt()).isEqualTo(sleeping.retryAt());
        worker.close();
        first.close();

        Store second = backend.open();
        second.workflows().startWorker(wf, fastWorker());

        assertThat(second.workflows().handle(run.id(), String.class).await(AWAIT)).isEqualTo("b1a1");
        assertThat(Duration.between(triggered, Instant.now())).isGreaterThanOrEqualTo(nap);
        StepInfo napped = second.workflows().details(run.id()).step("nap").orElseThrow();
        assertThat(napped.status()).isEqualTo(RunStatus.SUCCESS);
        assertThat(napped.duration()).isGreaterThanOrEqualTo(nap.minusMillis(20));
        assertThat(bodies.all()).containsEntry("before", 1).containsEntry("after", 1);
    }

    @ConformanceTest
    void aSleepingRunHoldsNoThread(TestBackend backend) {
        Store store = backend.open();
        Workflow<Long, String> wf = Workflow.define("nap-or-not", Long.class, String.class, (ctx, millis) -> {
            ctx.sleep("nap", Duration.ofMillis(millis));
            return "slept " + millis;
        });
        // One thread only: the short run can only finish first if the sleeping one does not occupy it.
        store.workflows().startWorker(wf, fastWorker().concurrency(1));
        RunHandle<String> longNap = store.workflows().trigger(wf, 1_500L);
        RunHandle<String> shortNap = store.workflows().trigger(wf, 0L);

        assertThat(shortNap.await(AWAIT)).isEqualTo("slept 0");
        assertThat(longNap.status()).isEqualTo(RunStatus.RUNNING);
        assertThat(longNap.await(AWAIT)).isEqualTo("slept 1500");
    }
}
