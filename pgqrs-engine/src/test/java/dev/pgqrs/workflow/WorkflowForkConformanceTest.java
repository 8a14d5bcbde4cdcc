package dev.pgqrs.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgqrs.Store;
import dev.pgqrs.testing.ConformanceTest;
import dev.pgqrs.testing.TestBackend;

import java.util.concurrent.atomic.AtomicBoolean;

import static dev.pgqrs.workflow.WorkflowTesting.AWAIT;
import static dev.pgqrs.workflow.WorkflowTesting.fastWorker;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Forking a finished run from one of its steps — on every backend. */
class WorkflowForkConformanceTest {

    /** reserve, charge, ship; ship fails for good while {@code shippingDown} is set. */
    private static Workflow<String, String> checkout(WorkflowTesting.BodyCounter bodies, AtomicBoolean shippingDown) {
        return Workflow.define("checkout", String.class, String.class, (ctx, order) -> {
            String reserved = ctx.step("reserve", String.class, () -> "reserved#" + bodies.hit("reserve"));
            String charged = ctx.step("charge", String.class, () -> "charged#" + bodies.hit("charge"));
            return ctx.step("ship", String.class, () -> {
                bodies.hit("ship");
                if (shippingDown.get()) {
                    throw new PermanentStepException("carrier unavailable");
                }
                return order + ": " + reserved + ", " + charged + ", shipped";
            });
        });
    }

    @ConformanceTest
    void aForkReplaysTheStepsBeforeTheNamedOneAndExecutesFromIt(TestBackend backend) {
        Store store = backend.open();
        WorkflowTesting.BodyCounter bodies = new WorkflowTesting.BodyCounter();
        AtomicBoolean shippingDown = new AtomicBoolean(true);
        Workflow<String, String> wf = checkout(bodies, shippingDown);
        Workflows workflows = store.workflows();
        workflows.startWorker(wf, fastWorker());
        RunHandle<String> failed = workflows.trigger(wf, "order-7");
        assertThatThrownBy(() -> failed.await(AWAIT)).isInstanceOf(RunFailedException.class);

        shippingDown.set(false);
        RunHandle<String> fork = workflows.fork(wf, failed.id(), "charge");

        assertThat(fork.await(AWAIT)).isEqualTo("order-7: reserved#1, charged#2, shipped");
        assertThat(bodies.all()).containsEntry("reserve", 1).containsEntry("charge", 2).containsEntry("ship", 2);
        RunInfo forked = fork.info();
        assertThat(forked.forkedFromRunId()).isEqualTo(failed.id());
        assertThat(forked.forkedFromStep()).isEqualTo("charge");
        assertThat(forked.version()).isEqualTo(failed.info().version());
        assertThat(forked.input()).isEqualTo(failed.info().input());
        assertThat(workflows.details(fork.id()).steps()).extracting(StepInfo::name)
                .containsExactly("reserve", "charge", "ship");
        assertThat(failed.status()).as("the old run is left as it was").isEqualTo(RunStatus.ERROR);
    }

    @ConformanceTest
    void aSuccessfulOrCancelledRunCanBeForkedFromItsFirstStep(TestBackend backend) {
        Store store = backend.open();
        WorkflowTesting.BodyCounter bodies = new WorkflowTesting.BodyCounter();
        Workflow<String, String> wf = checkout(bodies, new AtomicBoolean(false));
        Workflows workflows = store.workflows();
        workflows.startWorker(wf, fastWorker());
        RunHandle<String> done = workflows.trigger(wf, "order-8");
        assertThat(done.await(AWAIT)).isEqualTo("order-8: reserved#1, charged#1, shipped");

        RunHandle<JsonNode> again = workflows.fork(done.id(), "reserve");

        assertThat(again.await(AWAIT).asText()).isEqualTo("order-8: reserved#2, charged#2, shipped");
        RunHandle<JsonNode> fromTheLastStep = workflows.fork(again.id(), "ship");
        assertThat(fromTheLastStep.await(AWAIT).asText()).isEqualTo("order-8: reserved#2, charged#2, shipped");
        assertThat(bodies.get("ship")).isEqualTo(3);
    }

    @ConformanceTest
    void forkingNamesWhatIsWrong(TestBackend backend) {
        Store store = backend.open();
        Workflow<String, String> wf = checkout(new WorkflowTesting.BodyCounter(), new AtomicBoolean(false));
        Workflows workflows = store.workflows();
        workflows.register(wf);
        RunHandle<String> queued = workflows.trigger(wf, "order-9");

        assertThatThrownBy(() -> workflows.fork(queued.id(), "charge"))
                .isInstanceOf(IllegalRunStateException.class)
                .hasMessageContaining("is QUEUED; only a finished run (SUCCESS, ERROR or CANCELLED) can be forked");
        workflows.startWorker(wf, fastWorker());
        queued.await(AWAIT);
        assertThatThrownBy(() -> workflows.fork(queued.id(), "refund"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("run " + queued.id() + " of workflow 'checkout' has no step 'refund' to fork from; its "
                        + "recorded steps are [reserve, charge, ship]");
        assertThatThrownBy(() -> workflows.fork(999_999, "charge")).isInstanceOf(RunNotFoundException.class);
        assertThat(workflows.list("checkout", 10)).hasSize(1);
    }
}
