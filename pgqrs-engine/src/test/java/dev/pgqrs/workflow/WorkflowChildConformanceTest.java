package dev.pgqrs.workflow;

import dev.pgqrs.Store;
import dev.pgqrs.testing.ConformanceTest;
import dev.pgqrs.testing.TestBackend;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.pgqrs.workflow.WorkflowTesting.AWAIT;
import static dev.pgqrs.workflow.WorkflowTesting.fastWorker;
import static dev.pgqrs.workflow.WorkflowTesting.quickRetries;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Child runs started from steps: their results, their failures, a parent's restart and cancellation — on every backend. */
class WorkflowChildConformanceTest {

    private static Workflow<Integer, Integer> doubler(AtomicInteger executions) {
        return Workflow.define("doubler", Integer.class, Integer.class, (ctx, n) -> {
            executions.incrementAndGet();
            return ctx.step("double", Integer.class, () -> n * 2);
        });
    }

    private static Workflow<Integer, String> parent(Workflow<Integer, Integer> child) {
        return Workflow.define("parent", Integer.class, String.class, (ctx, n) -> {
            int doubled = ctx.runChild("double-it", child, n);
            return ctx.step("report", String.class, () -> n + " doubled is " + doubled);
        });
    }

    @ConformanceTest
    void aStepStartsAChildAndReturnsItsResult(TestBackend backend) {
        Store store = backend.open();
        AtomicInteger childExecutions = new AtomicInteger();
        Workflow<Integer, Integer> child = doubler(childExecutions);
        Workflows workflows = store.workflows();
        workflows.startWorker(child, fastWorker());
        workflows.startWorker(parent(child), fastWorker());

        RunHandle<String> run = workflows.trigger(parent(child), 21);

        assertThat(run.await(AWAIT)).isEqualTo("21 doubled is 42");
        List<RunInfo> children = workflows.children(run.id());
        assertThat(children).hasSize(1);
        RunInfo kid = children.get(0);
        assertThat(kid.workflow()).isEqualTo("doubler");
        assertThat(kid.status()).isEqualTo(RunStatus.SUCCESS);
        assertThat(kid.parentRunId()).isEqualTo(run.id());
        assertThat(kid.parentStep()).isEqualTo("double-it");
        assertThat(kid.version()).isEqualTo(Workflow.DEFAULT_VERSION);
        StepInfo step = workflows.details(run.id()).step("double-it").orElseThrow();
        assertThat(step.status()).isEqualTo(RunStatus.SUCCESS);
        assertThat(step.output().asInt()).isEqualTo(42);
        assertThat(dev.pgqrs.payload.Json.parse(step.inputJson()).get("child_run_id").asLong()).isEqualTo(kid.id());
        assertThat(childExecutions.get()).isEqualTo(1);
        assertThat(workflows.children(kid.id())).isEmpty();
    }

    @ConformanceTest
    void aParentWaitingForItsChildSurvivesTheLossOfItsProcessAndStartsNoSecondChild(TestBackend backend) {
        AtomicInteger childExecutions = new AtomicInteger();
        Workflow<Integer, Integer> child = doubler(childExecutions);
        Store first = backend.open();
        first.workflows().register(child);
        first.workflows().startWorker(parent(child), fastWorker()); // no worker for the child here
        RunHandle<String> run = first.workflows().trigger(parent(child), 5);

        StepInfo waiting = WorkflowTesting.awaitStep(first.workflows(), run.id(), "double-it", RunStatus.PAUSED);
        assertThat(waiting.waitKind()).isEqualTo("child");
        assertThat(run.status()).isEqualTo(RunStatus.RUNNING);
        first.close(); // the process goes away while its run waits

        Store second = backend.open();
        Workflows workflows = second.workflows();
        workflows.startWorker(parent(child), fastWorker());
        workflows.startWorker(child, fastWorker());

        assertThat(workflows.handle(run.id(), String.class).await(AWAIT)).isEqualTo("5 doubled is 10");
        assertThat(workflows.children(run.id())).hasSize(1);
        assertThat(childExecutions.get()).isEqualTo(1);
        assertThat(second.queues().metrics("doubler").archived()).isEqualTo(1);
    }

    @ConformanceTest
    void aFailedChildFailsTheParentsStepWithoutARetry(TestBackend backend) {
        Store store = backend.open();
        AtomicInteger childExecutions = new AtomicInteger();
        Workflow<Integer, Integer> failing = Workflow.define("failing", Integer.class, Integer.class, (ctx, n) -> {
            childExecutions.incrementAndGet();
            return ctx.step("refuse", Integer.class, () -> {
                throw new PermanentStepException("card declined");
            });
        });
        Workflow<Integer, String> parent = Workflow.define("hopeful", Integer.class, String.class,
                (ctx, n) -> "got " + ctx.runChild("try", failing, n)).withRetryPolicy(quickRetries(5));
        Workflows workflows = store.workflows();
        workflows.startWorker(failing, fastWorker());
        workflows.startWorker(parent, fastWorker());

        RunHandle<String> run = workflows.trigger(parent, 1);

        assertThatThrownBy(() -> run.await(AWAIT)).isInstanceOf(RunFailedException.class);
        RunInfo failed = run.info();
        assertThat(failed.errorMessage()).contains("step 'try' failed permanently").contains("card declined")
                .contains("child run");
        StepInfo step = workflows.details(run.id()).step("try").orElseThrow();
        assertThat(step.status()).isEqualTo(RunStatus.ERROR);
        assertThat(step.retryCount()).isEqualTo(1);
        assertThat(workflows.children(run.id())).hasSize(1)
                .allSatisfy(c -> assertThat(c.status()).isEqualTo(RunStatus.ERROR));
        assertThat(childExecutions.get()).isEqualTo(1);
    }

    @ConformanceTest
    void cancellingAParentCancelsItsChildrenAndTheirs(TestBackend backend) {
        Store store = backend.open();
        AtomicInteger leafExecutions = new AtomicInteger();
        Workflow<String, String> leaf = Workflow.define("leaf", String.class, String.class, (ctx, in) -> {
            leafExecutions.incrementAndGet();
            return in;
        });
        Workflow<String, String> middle = Workflow.define("middle", String.class, String.class,
                (ctx, in) -> ctx.runChild("leaf", leaf, in));
        Workflow<String, String> top = Workflow.define("top", String.class, String.class,
                (ctx, in) -> ctx.runChild("middle", middle, in));
        Workflows workflows = store.workflows();
        workflows.register(leaf); // no worker for the leaf yet: its run stays queued
        workflows.startWorker(middle, fastWorker());
        workflows.startWorker(top, fastWorker());
        RunHandle<String> run = workflows.trigger(top, "x");
        WorkflowTesting.awaitStep(workflows, run.id(), "middle", RunStatus.PAUSED);
        long middleRun = workflows.children(run.id()).get(0).id();
        WorkflowTesting.awaitStep(workflows, middleRun, "leaf", RunStatus.PAUSED);
        long leafRun = workflows.children(middleRun).get(0).id();

        assertThat(workflows.cancel(run.id())).isEqualTo(RunStatus.CANCELLING);

        WorkflowTesting.awaitStatus(workflows, run.id(), RunStatus.CANCELLED);
        RunInfo middleCancelled = WorkflowTesting.awaitStatus(workflows, middleRun, RunStatus.CANCELLED);
        assertThat(middleCancelled.errorMessage()).isEqualTo("cancelled with its parent run " + run.id());
        assertThat(workflows.get(leafRun).status()).isEqualTo(RunStatus.CANCELLING);
        workflows.startWorker(leaf, fastWorker());
        RunInfo leafCancelled = WorkflowTesting.awaitStatus(workflows, leafRun, RunStatus.CANCELLED);
        assertThat(leafCancelled.errorMessage()).isEqualTo("cancelled with its parent run " + middleRun);
        assertThat(leafExecutions.get()).isZero();
    }
}
