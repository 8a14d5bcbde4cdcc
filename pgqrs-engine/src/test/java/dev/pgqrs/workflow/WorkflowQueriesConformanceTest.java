package dev.pgqrs.workflow;

import dev.pgqrs.Store;
import dev.pgqrs.testing.ConformanceTest;
import dev.pgqrs.testing.TestBackend;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.pgqrs.workflow.WorkflowTesting.AWAIT;
import static dev.pgqrs.workflow.WorkflowTesting.fastWorker;
import static dev.pgqrs.workflow.WorkflowTesting.quickRetries;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Listing runs and showing a run with its steps — on every backend. */
class WorkflowQueriesConformanceTest {

    @ConformanceTest
    void runsAreListedByWorkflowAndStatusNewestFirst(TestBackend backend) {
        Store store = backend.open();
        Workflow<String, String> wf = Workflow.define("orders", String.class, String.class, (ctx, in) -> {
            if (in.startsWith("bad")) {
                throw new PermanentStepException("rejected " + in);
            }
            return in;
        });
        Workflow<String, String> other = Workflow.define("invoices", String.class, String.class, (ctx, in) -> in);
        Workflows workflows = store.workflows();
        workflows.register(other);
        workflows.trigger(other, "not mine");
        workflows.startWorker(wf, fastWorker());
        RunHandle<String> ok1 = workflows.trigger(wf, "ok-1");
        RunHandle<String> bad = workflows.trigger(wf, "bad-1");
        RunHandle<String> ok2 = workflows.trigger(wf, "ok-2");
        RunHandle<String> later = workflows.trigger(wf, "later", Duration.ofHours(1));
        ok1.await(AWAIT);
        ok2.await(AWAIT);
        assertThatThrownBy(() -> bad.await(AWAIT)).isInstanceOf(RunFailedException.class);

        assertThat(workflows.list("orders", RunStatus.SUCCESS, 10)).extracting(RunInfo::id).containsExactly(ok2.id(), ok1.id());
        assertThat(workflows.list("orders", RunStatus.ERROR, 10)).extracting(RunInfo::id).containsExactly(bad.id());
        assertThat(workflows.list("orders", RunStatus.QUEUED, 10)).extracting(RunInfo::id).containsExactly(later.id());
        assertThat(workflows.list("orders", 10)).extracting(RunInfo::id)
                .containsExactly(later.id(), ok2.id(), bad.id(), ok1.id());
        assertThat(workflows.list("orders", 2)).hasSize(2);
        assertThat(workflows.list("invoices", 10)).extracting(RunInfo::workflow).containsExactly("invoices");
        assertThat(workflows.list("nothing", 10)).isEmpty();
        assertThat(later.info().wakeAt()).isAfter(later.info().createdAt().plusSeconds(3000));
    }

    @ConformanceTest
    void aRunIsShownWithItsStepsStatusesAttemptsOutputsErrorsAndTimings(TestBackend backend) {
        Store store = backend.open();
        AtomicInteger flaky = new AtomicInteger();
        Workflow<String, String> wf = Workflow.define("shown", String.class, String.class, (ctx, in) -> {
            ctx.step("quick", Integer.class, () -> 7);
            ctx.step("slow", String.class, () -> {
                Thread.sleep(60); // the step's work, whose recorded duration is checked below (nothing waits on it)
                return "slow";
            });
            ctx.step("flaky", String.class, () -> {
                if (flaky.incrementAndGet() == 1) {
                    throw new IllegalStateException("hiccup");
                }
                return "recovered";
            });
            return ctx.step("fatal", String.class, () -> {
                throw new PermanentStepException("broken beyond repair");
            });
        }).withRetryPolicy(quickRetries(3));
        store.workflows().startWorker(wf, fastWorker());
        RunHandle<String> run = store.workflows().trigger(wf, "x");
        assertThatThrownBy(() -> run.await(AWAIT)).isInstanceOf(RunFailedException.class);

        RunDetails details = store.workflows().details(run.id());

        assertThat(details.run().workflow()).isEqualTo("shown");
        assertThat(details.run().status()).isEqualTo(RunStatus.ERROR);
        assertThat(details.run().input().asText()).isEqualTo("x");
        assertThat(details.run().errorMessage())
                .isEqualTo("step 'fatal' failed permanently on attempt 1: PermanentStepException: broken beyond repair");
        assertThat(details.run().workerId()).isNotNull();
        assertThat(details.run().completedAt()).isAfterOrEqualTo(details.run().startedAt());
        assertThat(details.steps()).extracting(StepInfo::name).containsExactly("quick", "slow", "flaky", "fatal");
        assertThat(details.steps()).extracting(StepInfo::status)
                .containsExactly(RunStatus.SUCCESS, RunStatus.SUCCESS, RunStatus.SUCCESS, RunStatus.ERROR);
        assertThat(details.steps()).extracting(StepInfo::attempts).containsExactly(1, 1, 2, 1);
        assertThat(details.step("quick").orElseThrow().output().asInt()).isEqualTo(7);
        assertThat(details.step("slow").orElseThrow().duration()).isGreaterThanOrEqualTo(Duration.ofMillis(55));
        StepInfo flakyStep = details.step("flaky").orElseThrow();
        assertThat(flakyStep.errorMessage()).isEqualTo("IllegalStateException: hiccup");
        assertThat(flakyStep.output().asText()).isEqualTo("recovered");
        StepInfo fatal = details.step("fatal").orElseThrow();
        assertThat(fatal.errorMessage()).isEqualTo("PermanentStepException: broken beyond repair");
        assertThat(fatal.output()).isNull();
        assertThat(details.steps()).allSatisfy(s -> {
            assertThat(s.startedAt()).isNotNull();
            assertThat(s.completedAt()).isAfterOrEqualTo(s.startedAt());
        });
        assertThatThrownBy(() -> store.workflows().details(123_456)).isInstanceOf(RunNotFoundException.class);
    }
}
