package dev.pgqrs.workflow;

import dev.pgqrs.Store;
import dev.pgqrs.testing.ConformanceTest;
import dev.pgqrs.testing.TestBackend;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.pgqrs.workflow.WorkflowTesting.AWAIT;
import static dev.pgqrs.workflow.WorkflowTesting.fastWorker;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Versions of a definition and patch markers — on every backend. */
class WorkflowVersionConformanceTest {

    private static Workflow<String, String> billing(String version, AtomicInteger executions) {
        return Workflow.define("billing", String.class, String.class, (ctx, in) -> {
            executions.incrementAndGet();
            return ctx.step("bill", String.class, () -> in + " billed by v" + version);
        }).withVersion(version);
    }

    @ConformanceTest
    void runsAreExecutedOnlyByWorkersOfTheVersionThatStartedThem(TestBackend backend) throws Exception {
        AtomicInteger v1Executions = new AtomicInteger();
        AtomicInteger v2Executions = new AtomicInteger();
        Store old = backend.open();
        old.workflows().register(billing("1", v1Executions));
        RunHandle<String> a = old.workflows().trigger(billing("1", v1Executions), "a");
        RunHandle<String> b = old.workflows().trigger(billing("1", v1Executions), "b");

        // A deployment of v2 only: it leaves the v1 runs, and executes its own.
        Store deployed = backend.open();
        Workflows workflows = deployed.workflows();
        workflows.startWorker(billing("2", v2Executions), fastWorker());
        RunHandle<String> c = workflows.trigger(billing("2", v2Executions), "c");
        assertThat(c.await(AWAIT)).isEqualTo("c billed by v2");
        // The claim that took c passed a and b first (they are older): it did not lease them, so they stayed visible
        // to a worker that has v1 — leasing and giving them back would hide them from it meanwhile.
        assertThat(WorkflowTesting.queryLong(backend, "SELECT count(*) FROM pgqrs_messages m "
                + "JOIN pgqrs_workflow_runs r ON r.message_id = m.id WHERE r.version = '1' AND m.read_ct = 0 "
                + "AND m.consumer_worker_id IS NULL AND m.vt <= " + backend.ago(Duration.ZERO)))
                .as("v1 runs' messages never delivered to the v2 worker").isEqualTo(2);
        List<RunInfo> queued = workflows.list("billing", RunStatus.QUEUED, 10);
        assertThat(queued).extracting(RunInfo::id).containsExactlyInAnyOrder(a.id(), b.id());
        assertThat(queued).allSatisfy(r -> {
            assertThat(r.version()).isEqualTo("1");
            assertThat(r.startedAt()).isNull();
        });
        assertThat(c.info().version()).isEqualTo("2");
        assertThat(v2Executions.get()).isEqualTo(1);

        // A process that still has v1 finishes them.
        old.workflows().startWorker(billing("1", v1Executions), fastWorker());
        assertThat(a.await(AWAIT)).isEqualTo("a billed by v1");
        assertThat(b.await(AWAIT)).isEqualTo("b billed by v1");
        assertThat(v1Executions.get()).isEqualTo(2);
        assertThat(v2Executions.get()).isEqualTo(1);
    }

    @ConformanceTest
    void aRunTriggeredByNameWithoutAVersionIsExecutedByAnyVersion(TestBackend backend) {
        Store store = backend.open();
        Workflows workflows = store.workflows();
        workflows.startWorker(billing("7", new AtomicInteger()), fastWorker());

        RunHandle<String> byName = workflows.handle(workflows.trigger("billing", "d").id(), String.class);
        RunHandle<String> pinned = workflows.handle(
                workflows.trigger("billing", "e", RunOptions.defaults().version("7")).id(), String.class);

        assertThat(byName.await(AWAIT)).isEqualTo("d billed by v7");
        assertThat(byName.info().version()).isNull();
        assertThat(pinned.await(AWAIT)).isEqualTo("e billed by v7");
        assertThat(pinned.info().version()).isEqualTo("7");
        assertThatThrownBy(() -> billing(" ", new AtomicInteger()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("workflow version must be 1 to 64");
    }

    @ConformanceTest
    void aPatchedStepTakesTheOldBranchForRunsStartedBeforeTheChangeAndTheNewOneAfter(TestBackend backend) {
        Workflow<String, String> before = Workflow.define("orders", String.class, String.class, (ctx, in) -> {
            String charged = ctx.step("charge", String.class, () -> in + " charged");
            ctx.pause("review");
            return charged;
        });
        Workflow<String, String> after = Workflow.define("orders", String.class, String.class, (ctx, in) -> {
            String charged = ctx.patched("tax")
                    ? ctx.step("charge-with-tax", String.class, () -> in + " charged with tax")
                    : ctx.step("charge", String.class, () -> in + " charged");
            ctx.pause("review");
            return charged;
        });
        Store oldCode = backend.open();
        oldCode.workflows().startWorker(before, fastWorker());
        RunHandle<String> started = oldCode.workflows().trigger(before, "old order");
        WorkflowTesting.awaitStatus(oldCode.workflows(), started.id(), RunStatus.PAUSED);
        oldCode.close(); // the new code is deployed

        Store newCode = backend.open();
        Workflows workflows = newCode.workflows();
        workflows.startWorker(after, fastWorker());
        RunHandle<String> fresh = workflows.trigger(after, "new order");
        WorkflowTesting.awaitStatus(workflows, fresh.id(), RunStatus.PAUSED);
        workflows.resume(started.id());
        workflows.resume(fresh.id());

        assertThat(workflows.handle(started.id(), String.class).await(AWAIT)).isEqualTo("old order charged");
        assertThat(fresh.await(AWAIT)).isEqualTo("new order charged with tax");
        assertThat(workflows.details(started.id()).steps()).extracting(StepInfo::name).containsExactly("charge", "review");
        assertThat(workflows.details(fresh.id()).steps()).extracting(StepInfo::name)
                .containsExactly("patch:tax", "charge-with-tax", "review");
    }
}
