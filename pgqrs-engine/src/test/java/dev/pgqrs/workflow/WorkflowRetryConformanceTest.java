package dev.pgqrs.workflow;

import dev.pgqrs.RetryPolicy;

import dev.pgqrs.Store;
import dev.pgqrs.testing.ConformanceTest;
import dev.pgqrs.testing.TestBackend;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.pgqrs.workflow.WorkflowTesting.AWAIT;
import static dev.pgqrs.workflow.WorkflowTesting.fastWorker;
import static dev.pgqrs.workflow.WorkflowTesting.quickRetries;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Retries of failing steps: attempt counts, exhaustion, permanent errors, waiting without spinning. */
class WorkflowRetryConformanceTest {

    @ConformanceTest
    void transientFailuresAreRetriedWithExactAttemptCounts(TestBackend backend) throws Exception {
        Store store = backend.open();
        AtomicInteger bodies = new AtomicInteger();
        List<Integer> attemptsSeen = new CopyOnWriteArrayList<>();
        Workflow<String, String> wf = Workflow.define("flaky", String.class, String.class, (ctx, in) ->
                ctx.step("call", String.class, () -> {
                    attemptsSeen.add(ctx.attempt());
                    if (bodies.incrementAndGet() < 3) {
                        throw new IllegalStateException("unavailable #" + bodies.get());
                    }
                    return "answered";
                })).withRetryPolicy(quickRetries(3));
        store.workflows().startWorker(wf, fastWorker());

        RunHandle<String> run = store.workflows().trigger(wf, "x");

        assertThat(run.await(AWAIT)).isEqualTo("answered");
        assertThat(bodies.get()).isEqualTo(3);
        assertThat(attemptsSeen).containsExactly(1, 2, 3);
        StepInfo step = store.workflows().details(run.id()).step("call").orElseThrow();
        assertThat(step.status()).isEqualTo(RunStatus.SUCCESS);
        assertThat(step.retryCount()).isEqualTo(2);
        assertThat(step.attempts()).isEqualTo(3);
        assertThat(step.retryAt()).isNull();
        assertThat(step.lastRetryAt()).isNotNull();
        assertThat(step.errorMessage()).isEqualTo("IllegalStateException: unavailable #2");
        // Each attempt was a delivery of the run's message (read_ct counts deliveries, as in pgqrs).
        assertThat(WorkflowTesting.queryLong(backend, "SELECT read_ct FROM pgqrs_messages")).isEqualTo(3);
    }

    @ConformanceTest
    void exhaustedRetriesFailTheRunNamingAttemptsAndLastError(TestBackend backend) throws Exception {
        Store store = backend.open();
        AtomicInteger bodies = new AtomicInteger();
        Workflow<String, String> wf = Workflow.define("doomed", String.class, String.class, (ctx, in) -> {
            ctx.step("ok", String.class, () -> "fine");
            return ctx.step("charge", String.class, () -> {
                throw new IllegalStateException("card declined #" + bodies.incrementAndGet());
            });
        }).withRetryPolicy(quickRetries(3));
        store.workflows().startWorker(wf, fastWorker());

        RunHandle<String> run = store.workflows().trigger(wf, "x");

        assertThatThrownBy(() -> run.await(AWAIT))
                .isInstanceOf(RunFailedException.class)
                .hasMessageContaining("retries exhausted: step 'charge' failed 3 attempts; "
                        + "last error: IllegalStateException: card declined #3");
        assertThat(bodies.get()).isEqualTo(3);
        RunDetails details = store.workflows().details(run.id());
        assertThat(details.run().status()).isEqualTo(RunStatus.ERROR);
        // The run's error is its text, a JSON string, as pgqrs writes it.
        assertThat(details.run().error().isTextual()).isTrue();
        assertThat(details.run().errorMessage()).contains("step 'charge' failed 3 attempts");
        StepInfo charge = details.step("charge").orElseThrow();
        assertThat(charge.status()).isEqualTo(RunStatus.ERROR);
        assertThat(charge.attempts()).isEqualTo(3);
        assertThat(charge.retryAt()).isNull();
        assertThat(charge.completedAt()).isNotNull();
        assertThat(store.queues().metrics("doomed").archived()).isEqualTo(1);
        assertThat(WorkflowTesting.queryLong(backend, "SELECT read_ct FROM pgqrs_messages")).as("one delivery per attempt")
                .isEqualTo(3);
    }

    @ConformanceTest
    void permanentErrorsFailTheRunAtOnce(TestBackend backend) {
        Store store = backend.open();
        AtomicInteger declined = new AtomicInteger();
        AtomicInteger invalid = new AtomicInteger();
        Workflow<String, String> wf = Workflow.define("strict", String.class, String.class, (ctx, kind) ->
                ctx.step("validate", String.class, () -> {
                    if (kind.equals("declined")) {
                        declined.incrementAndGet();
                        throw new PermanentStepException("payment refused");
                    }
                    invalid.incrementAndGet();
                    throw new IllegalArgumentException("bad address");
                })).withRetryPolicy(quickRetries(5).nonRetryable(IllegalArgumentException.class));
        store.workflows().startWorker(wf, fastWorker());

        RunHandle<String> permanent = store.workflows().trigger(wf, "declined");
        RunHandle<String> nonRetryable = store.workflows().trigger(wf, "invalid");

        assertThatThrownBy(() -> permanent.await(AWAIT))
                .hasMessageContaining("step 'validate' failed permanently on attempt 1: PermanentStepException: payment refused");
        assertThatThrownBy(() -> nonRetryable.await(AWAIT))
                .hasMessageContaining("step 'validate' failed permanently on attempt 1: IllegalArgumentException: bad address");
        assertThat(declined.get()).isEqualTo(1);
        assertThat(invalid.get()).isEqualTo(1);
        assertThat(permanent.info().errorMessage()).contains("failed permanently");
    }

    @ConformanceTest
    void aStepPolicyOverridesTheWorkflowPolicy(TestBackend backend) {
        Store store = backend.open();
        AtomicInteger bodies = new AtomicInteger();
        Workflow<String, Integer> wf = Workflow.define("patient", String.class, Integer.class, (ctx, in) ->
                ctx.step("slow-service", Integer.class, quickRetries(4), () -> {
                    if (bodies.incrementAndGet() < 4) {
                        throw new IllegalStateException("busy");
                    }
                    return bodies.get();
                })).withRetryPolicy(RetryPolicy.noRetries());
        store.workflows().startWorker(wf, fastWorker());

        assertThat(store.workflows().trigger(wf, "x").await(AWAIT)).isEqualTo(4);
    }

    @ConformanceTest
    void aRunWaitsForItsRetryWithoutSpinningOrHoldingItsMessage(TestBackend backend) throws Exception {
        Store store = backend.open();
        AtomicInteger executions = new AtomicInteger();
        List<Long> attemptTimes = new CopyOnWriteArrayList<>();
        Duration backoff = Duration.ofMillis(700);
        Workflow<String, String> wf = Workflow.define("backoff", String.class, String.class, (ctx, in) -> {
            executions.incrementAndGet();
            return ctx.step("call", String.class, () -> {
                attemptTimes.add(System.nanoTime());
                if (attemptTimes.size() == 1) {
                    throw new IllegalStateException("try later");
                }
                return "done";
            });
        }).withRetryPolicy(RetryPolicy.fixed(2, backoff));
        store.workflows().startWorker(wf, fastWorker());
        RunHandle<String> run = store.workflows().trigger(wf, "x");

        StepInfo waiting = WorkflowTesting.awaitStep(store.workflows(), run.id(), "call", RunStatus.ERROR);
        assertThat(waiting.retryAt()).isNotNull();
        RunInfo info = store.workflows().get(run.id());
        assertThat(info.status()).isEqualTo(RunStatus.RUNNING);
        // The message is given back with the retry time as its visibility: no worker holds it meanwhile.
        assertThat(info.wakeAt()).isEqualTo(waiting.retryAt());
        assertThat(WorkflowTesting.queryLong(backend,
                "SELECT count(*) FROM pgqrs_messages WHERE consumer_worker_id IS NULL AND archived_at IS NULL")).isEqualTo(1);

        assertThat(run.await(AWAIT)).isEqualTo("done");
        assertThat(executions.get()).as("workflow executions: one per attempt, none while waiting").isEqualTo(2);
        long gapMillis = (attemptTimes.get(1) - attemptTimes.get(0)) / 1_000_000;
        assertThat(gapMillis).isGreaterThanOrEqualTo(backoff.toMillis() - 20);
        assertThat(WorkflowTesting.queryLong(backend, "SELECT read_ct FROM pgqrs_messages")).as("two deliveries").isEqualTo(2);
    }

    @ConformanceTest
    void anErrorsRetryAfterReplacesTheBackoff(TestBackend backend) {
        Store store = backend.open();
        List<Long> attemptTimes = new CopyOnWriteArrayList<>();
        Workflow<String, String> wf = Workflow.define("rate-limited", String.class, String.class, (ctx, in) ->
                ctx.step("call", String.class, () -> {
                    attemptTimes.add(System.nanoTime());
                    if (attemptTimes.size() == 1) {
                        throw new RetryableStepException("429 Too Many Requests", Duration.ofMillis(300));
                    }
                    return "done";
                })).withRetryPolicy(RetryPolicy.fixed(2, Duration.ofMinutes(10)));
        store.workflows().startWorker(wf, fastWorker());

        assertThat(store.workflows().trigger(wf, "x").await(AWAIT)).isEqualTo("done");
        long gapMillis = (attemptTimes.get(1) - attemptTimes.get(0)) / 1_000_000;
        assertThat(gapMillis).isBetween(280L, 10_000L);
    }
}
