package dev.pgqrs.workflow;

import dev.pgqrs.Store;
import dev.pgqrs.testing.ConformanceTest;
import dev.pgqrs.testing.TestBackend;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.pgqrs.workflow.WorkflowTesting.AWAIT;
import static dev.pgqrs.workflow.WorkflowTesting.fastWorker;
import static dev.pgqrs.workflow.WorkflowTesting.quickRetries;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Deadlines and timeouts of runs, timeouts of steps — on every backend. Runs are put past their deadline by
 * backdating it on the database's clock, not by waiting for it.
 */
class WorkflowDeadlineConformanceTest {

    private static void backdateDeadline(TestBackend backend, long runId) {
        backend.execute("UPDATE pgqrs_workflow_runs SET deadline_at = " + backend.ago(Duration.ofSeconds(1))
                + " WHERE id = " + runId);
    }

    @ConformanceTest
    void aQueuedRunPastItsDeadlineIsCancelledWithoutRunningItsCode(TestBackend backend) {
        Store store = backend.open();
        AtomicInteger executions = new AtomicInteger();
        Workflow<String, String> wf = Workflow.define("late", String.class, String.class, (ctx, in) -> {
            executions.incrementAndGet();
            return ctx.step("work", String.class, () -> in);
        });
        Workflows workflows = store.workflows();
        workflows.register(wf);
        Instant deadline = Instant.now().plus(Duration.ofHours(1));
        RunHandle<String> run = workflows.trigger(wf, "x", RunOptions.defaults().deadline(deadline));
        assertThat(Duration.between(deadline, run.info().deadlineAt()).abs()).isLessThan(Duration.ofMillis(2));
        backdateDeadline(backend, run.id());

        workflows.startWorker(wf, fastWorker());

        assertThatThrownBy(() -> run.await(AWAIT)).isInstanceOf(RunCancelledException.class)
                .hasMessageContaining("deadline exceeded");
        RunInfo cancelled = run.info();
        assertThat(cancelled.status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(cancelled.errorMessage()).startsWith("deadline exceeded: run " + run.id());
        assertThat(executions.get()).isZero();
        assertThat(workflows.details(run.id()).steps()).isEmpty();
        assertThat(store.queues().metrics("late").archived()).isEqualTo(1);
    }

    @ConformanceTest
    void aRunningRunPastItsTimeoutStopsAtTheNextStepBoundary(TestBackend backend) throws Exception {
        Store store = backend.open();
        WorkflowTesting.Gate inFlight = new WorkflowTesting.Gate();
        AtomicInteger seconds = new AtomicInteger();
        Workflow<String, String> wf = Workflow.define("slow", String.class, String.class, (ctx, in) -> {
            ctx.step("first", String.class, () -> {
                inFlight.pass();
                return "first";
            });
            return ctx.step("second", String.class, () -> "second " + seconds.incrementAndGet());
        });
        Workflows workflows = store.workflows();
        workflows.startWorker(wf, fastWorker());
        RunHandle<String> run = workflows.trigger(wf, "x", RunOptions.defaults().timeout(Duration.ofHours(1)));
        inFlight.awaitEntered();

        RunInfo running = run.info();
        // The timeout counts from the run's first start.
        assertThat(Duration.between(running.startedAt(), running.deadlineAt())).isEqualTo(Duration.ofHours(1));
        backdateDeadline(backend, run.id());
        inFlight.open();

        assertThatThrownBy(() -> run.await(AWAIT)).isInstanceOf(RunCancelledException.class);
        RunDetails details = workflows.details(run.id());
        assertThat(details.run().errorMessage()).startsWith("deadline exceeded");
        assertThat(details.step("first").orElseThrow().status()).isEqualTo(RunStatus.SUCCESS);
        assertThat(details.step("second")).isEmpty();
        assertThat(seconds.get()).isZero();
    }

    @ConformanceTest
    void aWaitingRunIsTakenAtItsDeadlineAndCancelled(TestBackend backend) {
        Store store = backend.open();
        Workflow<String, String> wf = Workflow.define("sleeper", String.class, String.class, (ctx, in) -> {
            ctx.sleep("nap", Duration.ofHours(10));
            return in;
        });
        Workflows workflows = store.workflows();
        workflows.startWorker(wf, fastWorker());
        RunHandle<String> run = workflows.trigger(wf, "x", RunOptions.defaults().timeout(Duration.ofHours(1)));

        WorkflowTesting.awaitStep(workflows, run.id(), "nap", RunStatus.PAUSED);
        RunInfo waiting = run.info();
        // The sleep would end in 10 hours; the run is due again at its deadline, in one.
        assertThat(waiting.wakeAt()).isEqualTo(waiting.deadlineAt());

        backdateDeadline(backend, run.id());
        backend.makeAllDue(); // as if the hour had passed

        assertThatThrownBy(() -> run.await(AWAIT)).isInstanceOf(RunCancelledException.class);
        assertThat(run.info().errorMessage()).startsWith("deadline exceeded");
    }

    @ConformanceTest
    void aStepPastItsTimeoutIsInterruptedRecordedAsTimedOutAndRetried(TestBackend backend) {
        Store store = backend.open();
        AtomicBoolean interrupted = new AtomicBoolean();
        AtomicInteger attempts = new AtomicInteger();
        CountDownLatch never = new CountDownLatch(1);
        Workflow<String, String> wf = Workflow.define("hung", String.class, String.class, (ctx, in) ->
                ctx.step("call", String.class, quickRetries(3), Duration.ofMillis(200), () -> {
                    if (attempts.incrementAndGet() == 1) {
                        try {
                            never.await(); // a call that hangs until interrupted
                        } catch (InterruptedException e) {
                            interrupted.set(true);
                            throw e;
                        }
                    }
                    return "answered on attempt " + ctx.attempt();
                }));
        Workflows workflows = store.workflows();
        workflows.startWorker(wf, fastWorker());

        RunHandle<String> run = workflows.trigger(wf, "x");

        assertThat(run.await(AWAIT)).isEqualTo("answered on attempt 2");
        assertThat(interrupted).isTrue();
        StepInfo step = workflows.details(run.id()).step("call").orElseThrow();
        assertThat(step.retryCount()).isEqualTo(1);
        assertThat(step.error().get("timed_out").asBoolean()).isTrue();
        assertThat(step.errorMessage()).contains("timed out after PT0.2S");
    }

    @ConformanceTest
    void aStepThatKeepsTimingOutFailsTheRunWhenItsRetriesAreExhausted(TestBackend backend) {
        Store store = backend.open();
        Workflow<String, String> wf = Workflow.define("always-hung", String.class, String.class, (ctx, in) ->
                ctx.step("call", String.class, quickRetries(2), Duration.ofMillis(100), () -> {
                    new CountDownLatch(1).await();
                    return "never";
                }));
        Workflows workflows = store.workflows();
        workflows.startWorker(wf, fastWorker());

        RunHandle<String> run = workflows.trigger(wf, "x");

        assertThatThrownBy(() -> run.await(AWAIT)).isInstanceOf(RunFailedException.class)
                .hasMessageContaining("retries exhausted").hasMessageContaining("timed out");
    }
}
