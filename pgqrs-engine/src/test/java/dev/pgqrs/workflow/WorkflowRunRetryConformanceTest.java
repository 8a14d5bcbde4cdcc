package dev.pgqrs.workflow;

import dev.pgqrs.RetryPolicy;

import dev.pgqrs.Store;
import dev.pgqrs.testing.ConformanceTest;
import dev.pgqrs.testing.TestBackend;

import java.util.concurrent.atomic.AtomicInteger;

import static dev.pgqrs.workflow.WorkflowTesting.AWAIT;
import static dev.pgqrs.workflow.WorkflowTesting.awaitStatus;
import static dev.pgqrs.workflow.WorkflowTesting.fastWorker;
import static dev.pgqrs.workflow.WorkflowTesting.quickRetries;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A run retry policy: the function as a whole is retried when it fails outside its steps (what an
 * integration running a route per run needs), with its completed steps replayed.
 */
class WorkflowRunRetryConformanceTest {

    @ConformanceTest
    void aFunctionFailingOutsideStepsIsRetriedWithExactAttemptCountsThenFailsWithRetriesExhausted(TestBackend backend) {
        Store store = backend.open();
        AtomicInteger calls = new AtomicInteger();
        AtomicInteger stepBodies = new AtomicInteger();
        Workflow<String, String> wf = Workflow.define("route", String.class, String.class, (ctx, in) -> {
            ctx.step("reserve", String.class, () -> "R-" + stepBodies.incrementAndGet());
            throw new IllegalStateException("downstream refused #" + calls.incrementAndGet());
        }).withRunRetryPolicy(quickRetries(3));
        store.workflows().startWorker(wf, fastWorker());

        RunHandle<String> run = store.workflows().trigger(wf, "x");

        assertThatThrownBy(() -> run.await(AWAIT))
                .isInstanceOf(RunFailedException.class)
                .hasMessageContaining("retries exhausted: workflow 'route' failed 3 attempts; "
                        + "last error: IllegalStateException: downstream refused #3");
        assertThat(calls.get()).isEqualTo(3);
        assertThat(stepBodies.get()).as("the completed step is replayed on every attempt").isEqualTo(1);
        RunDetails details = store.workflows().details(run.id());
        assertThat(details.run().error().isTextual()).isTrue();
        assertThat(details.run().errorMessage()).startsWith("retries exhausted: workflow").contains("failed 3 attempts");
        StepInfo attempts = details.step(Workflow.RUN_ATTEMPTS_STEP).orElseThrow();
        assertThat(attempts.status()).isEqualTo(RunStatus.ERROR);
        assertThat(attempts.retryCount()).isEqualTo(3);
        assertThat(attempts.retryAt()).isNull();
        assertThat(attempts.errorMessage()).isEqualTo("IllegalStateException: downstream refused #3");
        assertThat(store.queues().metrics("route").archived()).isEqualTo(1);
    }

    @ConformanceTest
    void aFunctionThatSucceedsOnARetryCompletesAndRecordsItsAttempts(TestBackend backend) throws Exception {
        Store store = backend.open();
        AtomicInteger calls = new AtomicInteger();
        Workflow<String, String> wf = Workflow.define("flaky-route", String.class, String.class, (ctx, in) -> {
            String reserved = ctx.step("reserve", String.class, () -> "R");
            if (calls.incrementAndGet() < 3) {
                throw new IllegalStateException("timeout #" + calls.get());
            }
            return reserved + "+" + in;
        }).withRunRetryPolicy(quickRetries(5));
        store.workflows().startWorker(wf, fastWorker());

        RunHandle<String> run = store.workflows().trigger(wf, "x");

        assertThat(run.await(AWAIT)).isEqualTo("R+x");
        assertThat(calls.get()).isEqualTo(3);
        StepInfo attempts = store.workflows().details(run.id()).step(Workflow.RUN_ATTEMPTS_STEP).orElseThrow();
        assertThat(attempts.status()).isEqualTo(RunStatus.SUCCESS);
        assertThat(attempts.attempts()).isEqualTo(3);
        assertThat(attempts.errorMessage()).isEqualTo("IllegalStateException: timeout #2");
        // Each attempt was a delivery of the run's message (read_ct counts deliveries, as in pgqrs).
        assertThat(WorkflowTesting.queryLong(backend, "SELECT read_ct FROM pgqrs_messages")).isEqualTo(3);
    }

    @ConformanceTest
    void aRunThatSucceedsAtOnceWritesNoAttemptsStep(TestBackend backend) {
        Store store = backend.open();
        Workflow<String, String> wf = Workflow.define("smooth", String.class, String.class, (ctx, in) -> in + "!")
                .withRunRetryPolicy(quickRetries(3));
        store.workflows().startWorker(wf, fastWorker());

        RunHandle<String> run = store.workflows().trigger(wf, "x");

        assertThat(run.await(AWAIT)).isEqualTo("x!");
        assertThat(store.workflows().details(run.id()).steps()).isEmpty();
    }

    @ConformanceTest
    void nonRetryableErrorsFailAtOnceAndAPauseThrownByTheFunctionWaitsForResume(TestBackend backend) throws Exception {
        Store store = backend.open();
        AtomicInteger calls = new AtomicInteger();
        Workflow<String, String> wf = Workflow.define("guarded", String.class, String.class, (ctx, in) -> {
            if (in.equals("bad")) {
                throw new PermanentStepException("invalid order");
            }
            if (calls.incrementAndGet() == 1) {
                throw PauseRunException.untilResumed("waiting for stock");
            }
            return "done";
        }).withRunRetryPolicy(quickRetries(3));
        store.workflows().startWorker(wf, fastWorker());

        RunHandle<String> bad = store.workflows().trigger(wf, "bad");
        assertThatThrownBy(() -> bad.await(AWAIT)).isInstanceOf(RunFailedException.class)
                .hasMessageContaining("workflow 'guarded' failed permanently on attempt 1: PermanentStepException: invalid order");

        RunHandle<String> paused = store.workflows().trigger(wf, "good");
        awaitStatus(store.workflows(), paused.id(), RunStatus.PAUSED);
        assertThat(calls.get()).isEqualTo(1);
        assertThat(store.workflows().resume(paused.id())).isTrue();
        assertThat(paused.await(AWAIT)).isEqualTo("done");
        assertThat(calls.get()).isEqualTo(2);
        StepInfo attempts = store.workflows().details(paused.id()).step(Workflow.RUN_ATTEMPTS_STEP).orElseThrow();
        assertThat(attempts.attempts()).as("a pause is not a failed attempt").isEqualTo(1);
    }

    @ConformanceTest
    void theAttemptsStepNameIsReservedForTheRuntime(TestBackend backend) {
        Store store = backend.open();
        Workflow<String, String> wf = Workflow.define("reserved", String.class, String.class,
                (ctx, in) -> ctx.step(Workflow.RUN_ATTEMPTS_STEP, String.class, () -> "mine"))
                .withRetryPolicy(RetryPolicy.noRetries());
        store.workflows().startWorker(wf, fastWorker());

        RunHandle<String> run = store.workflows().trigger(wf, "x");

        assertThatThrownBy(() -> run.await(AWAIT)).isInstanceOf(RunFailedException.class)
                .hasMessageContaining("step name 'run:attempts' is reserved");
    }
}
