package dev.pgqrs.workflow;

import dev.pgqrs.Store;
import dev.pgqrs.testing.BackendKind;
import dev.pgqrs.testing.ConformanceTest;
import dev.pgqrs.testing.TestBackend;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static dev.pgqrs.workflow.WorkflowTesting.AWAIT;
import static dev.pgqrs.workflow.WorkflowTesting.fastWorker;
import static dev.pgqrs.workflow.WorkflowTesting.quickRetries;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link WorkflowWorkerOptions#checkpointLinger}: a plain step's completion held for the run's next write — the last
 * step's written with the run's finish, any other before the next step starts or by the timer when the linger ends —
 * and the price stated in the option (a crash within the linger runs the step again). On every backend.
 */
class WorkflowCheckpointLingerConformanceTest {

    /** Longer than any test below takes to reach the run's next write: only that write or the finish carries it. */
    private static final Duration LONG_LINGER = Duration.ofSeconds(1);

    private static WorkflowWorkerOptions lingering(Duration linger) {
        return fastWorker().checkpointLinger(linger);
    }

    @ConformanceTest
    void theLastStepsCompletionCommitsWithTheRunsFinishAndTheMessagesArchive(TestBackend backend) throws Exception {
        Store store = backend.open();
        Workflow<String, String> wf = Workflow.define("one_step", String.class, String.class,
                (ctx, in) -> ctx.step("only", String.class, () -> in + "!"));
        store.workflows().startWorker(wf, lingering(LONG_LINGER));

        RunHandle<String> run = store.workflows().trigger(wf, "done");

        assertThat(run.await(AWAIT)).isEqualTo("done!");
        StepInfo step = store.workflows().details(run.id()).step("only").orElseThrow();
        assertThat(step.status()).isEqualTo(RunStatus.SUCCESS);
        assertThat(step.output().asText()).isEqualTo("done!");
        assertThat(store.queues().metrics("one_step").archived()).isEqualTo(1);
        if (backend.kind() == BackendKind.POSTGRES) {
            // One commit: the step's row, the run's row and the message were written by the same transaction.
            assertThat(WorkflowTesting.queryLong(backend, """
                    SELECT count(DISTINCT x) FROM (
                        SELECT s.xmin::text AS x FROM pgqrs_workflow_steps s WHERE s.step_name = 'only'
                        UNION ALL SELECT r.xmin::text FROM pgqrs_workflow_runs r
                        UNION ALL SELECT m.xmin::text FROM pgqrs_messages m) t""")).isEqualTo(1);
        }
    }

    @ConformanceTest
    void aCompletionStillHeldWhenTheLingerEndsIsWrittenWhileTheFunctionGoesOn(TestBackend backend) throws Exception {
        Store store = backend.open();
        WorkflowTesting.Gate afterFirst = new WorkflowTesting.Gate();
        WorkflowTesting.BodyCounter bodies = new WorkflowTesting.BodyCounter();
        Workflow<String, String> wf = Workflow.define("slow_between", String.class, String.class, (ctx, in) -> {
            String first = ctx.step("first", String.class, () -> in + bodies.hit("first"));
            afterFirst.pass(); // the function's own code, slower than the linger
            return ctx.step("second", String.class, () -> first + bodies.hit("second"));
        });
        Workflows workflows = store.workflows();
        workflows.startWorker(wf, lingering(Duration.ofMillis(20)));

        RunHandle<String> run = workflows.trigger(wf, "x");
        afterFirst.awaitEntered();

        // Nothing but the timer can write it: the function is parked at the gate.
        StepInfo first = WorkflowTesting.awaitStep(workflows, run.id(), "first", RunStatus.SUCCESS);
        assertThat(first.output().asText()).isEqualTo("x1");
        assertThat(workflows.details(run.id()).step("second")).isEmpty();
        afterFirst.open();

        assertThat(run.await(AWAIT)).isEqualTo("x11");
        assertThat(bodies.all()).isEqualTo(Map.of("first", 1, "second", 1));
    }

    @ConformanceTest
    void aCrashWithinTheLingerRunsTheStepAgainAsTheOptionStates(TestBackend backend) {
        WorkflowTesting.BodyCounter bodies = new WorkflowTesting.BodyCounter();
        AtomicReference<WorkflowWorker> lingeringWorker = new AtomicReference<>();
        AtomicInteger executions = new AtomicInteger();
        Workflow<String, String> wf = Workflow.define("crash_in_linger", String.class, String.class, (ctx, in) -> {
            String first = ctx.step("first", String.class, () -> in + bodies.hit("first"));
            if (executions.incrementAndGet() == 1) {
                lingeringWorker.get().halt(); // "crashes" right after the step, its completion still held
            }
            return ctx.step("second", String.class, () -> first + bodies.hit("second"));
        });
        Store crashing = backend.open();
        crashing.workflows().register(wf);
        RunHandle<String> run = crashing.workflows().trigger(wf, "x");
        lingeringWorker.set(crashing.workflows().startWorker(wf, lingering(LONG_LINGER)));

        Store restarted = backend.open();
        restarted.workflows().startWorker(wf, fastWorker());

        assertThat(restarted.workflows().handle(run.id(), String.class).await(AWAIT)).isEqualTo("x21");
        assertThat(bodies.all()).as("the held completion was lost with the worker").isEqualTo(Map.of("first", 2, "second", 1));
        assertThat(executions.get()).isEqualTo(2);
    }

    @ConformanceTest
    void aCancellationRequestedWhileTheLastStepRanEndsTheRunCancelled(TestBackend backend) throws Exception {
        Store store = backend.open();
        WorkflowTesting.Gate inFlight = new WorkflowTesting.Gate();
        Workflow<String, String> wf = Workflow.define("cancel_last", String.class, String.class,
                (ctx, in) -> ctx.step("last", String.class, () -> {
                    inFlight.pass();
                    return "finished anyway";
                }));
        Workflows workflows = store.workflows();
        workflows.startWorker(wf, lingering(LONG_LINGER));
        RunHandle<String> run = workflows.trigger(wf, "x");
        inFlight.awaitEntered();

        assertThat(workflows.cancel(run.id())).isEqualTo(RunStatus.CANCELLING);
        inFlight.open();

        assertThatThrownBy(() -> run.await(AWAIT)).isInstanceOf(RunCancelledException.class);
        assertThat(run.info().output()).isNull();
        assertThat(workflows.details(run.id()).step("last").orElseThrow().status()).isEqualTo(RunStatus.SUCCESS);
        assertThat(store.queues().metrics("cancel_last").archived()).isEqualTo(1);
    }

    @ConformanceTest
    void aRetriedFunctionsLastStepCommitsWithItsAttemptsAndTheFinish(TestBackend backend) {
        Store store = backend.open();
        AtomicInteger calls = new AtomicInteger();
        WorkflowTesting.BodyCounter bodies = new WorkflowTesting.BodyCounter();
        Workflow<String, String> wf = Workflow.define("retried_route", String.class, String.class, (ctx, in) -> {
            String reserved = ctx.step("reserve", String.class, () -> "R" + bodies.hit("reserve"));
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("downstream refused");
            }
            return ctx.step("ship", String.class, () -> reserved + "-S" + bodies.hit("ship"));
        }).withRunRetryPolicy(quickRetries(3));
        store.workflows().startWorker(wf, lingering(LONG_LINGER));

        RunHandle<String> run = store.workflows().trigger(wf, "x");

        assertThat(run.await(AWAIT)).isEqualTo("R1-S1");
        assertThat(bodies.all()).isEqualTo(Map.of("reserve", 1, "ship", 1));
        RunDetails details = store.workflows().details(run.id());
        assertThat(details.step("ship").orElseThrow().status()).isEqualTo(RunStatus.SUCCESS);
        assertThat(details.step(Workflow.RUN_ATTEMPTS_STEP).orElseThrow().status()).isEqualTo(RunStatus.SUCCESS);
    }

    @ConformanceTest
    void aChildsLastStepAndFinishWakeItsParent(TestBackend backend) {
        Store store = backend.open();
        Workflow<Integer, Integer> child = Workflow.define("lingering_child", Integer.class, Integer.class,
                (ctx, n) -> ctx.step("double", Integer.class, () -> n * 2));
        Workflow<Integer, String> parent = Workflow.define("lingering_parent", Integer.class, String.class, (ctx, n) -> {
            int doubled = ctx.runChild("double-it", child, n);
            return ctx.step("report", String.class, () -> n + " doubled is " + doubled);
        });
        Workflows workflows = store.workflows();
        workflows.startWorker(child, lingering(LONG_LINGER));
        workflows.startWorker(parent, lingering(LONG_LINGER));

        RunHandle<String> run = workflows.trigger(parent, 21);

        assertThat(run.await(AWAIT)).isEqualTo("21 doubled is 42");
        RunInfo kid = workflows.children(run.id()).get(0);
        assertThat(kid.status()).isEqualTo(RunStatus.SUCCESS);
        assertThat(workflows.details(kid.id()).step("double").orElseThrow().output().asInt()).isEqualTo(42);
    }

    @ConformanceTest
    void aLingerOutsideZeroToOneSecondIsRefusedByName(TestBackend backend) {
        assertThatThrownBy(() -> fastWorker().checkpointLinger(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("checkpointLinger must be from 0 to 1 second, was PT-0.001S");
        assertThatThrownBy(() -> fastWorker().checkpointLinger(Duration.ofSeconds(2)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("checkpointLinger");
        assertThatThrownBy(() -> fastWorker().checkpointLinger(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("checkpointLinger");
        assertThat(WorkflowWorkerOptions.defaults().checkpointLinger()).isEqualTo(Duration.ZERO);
    }
}
