package dev.pgqrs.workflow;

import dev.pgqrs.Store;
import dev.pgqrs.testing.ConformanceTest;
import dev.pgqrs.testing.TestBackend;

import java.util.Map;

import static dev.pgqrs.workflow.WorkflowTesting.AWAIT;
import static dev.pgqrs.workflow.WorkflowTesting.fastWorker;
import static org.assertj.core.api.Assertions.assertThat;

/** Running workflows: results, replay, crashes, concurrency — on every backend. */
class WorkflowExecutionConformanceTest {

    @ConformanceTest
    void threeStepWorkflowRunsToItsResult(TestBackend backend) {
        Store store = backend.open();
        WorkflowTesting.BodyCounter bodies = new WorkflowTesting.BodyCounter();
        Workflow<String, String> greet = Workflow.define("greet", String.class, String.class, (ctx, name) -> {
            String hello = ctx.step("hello", String.class, () -> {
                bodies.hit("hello");
                return "hello";
            });
            int length = ctx.step("length", Integer.class, () -> {
                bodies.hit("length");
                return name.length();
            });
            return ctx.step("compose", String.class, () -> {
                bodies.hit("compose");
                return hello + " " + name + " (" + length + ")";
            });
        });
        Workflows workflows = store.workflows();
        workflows.register(greet);

        RunHandle<String> run = workflows.trigger(greet, "ada");
        assertThat(run.status()).isEqualTo(RunStatus.QUEUED);
        assertThat(run.result()).isEmpty();

        try (WorkflowWorker worker = workflows.startWorker(greet, fastWorker())) {
            assertThat(run.await(AWAIT)).isEqualTo("hello ada (3)");
        }

        assertThat(bodies.all()).isEqualTo(Map.of("hello", 1, "length", 1, "compose", 1));
        RunDetails details = workflows.details(run.id());
        assertThat(details.run().status()).isEqualTo(RunStatus.SUCCESS);
        assertThat(details.run().outputJson()).isEqualTo("\"hello ada (3)\"");
        assertThat(details.steps()).extracting(StepInfo::name).containsExactly("hello", "length", "compose");
        assertThat(details.steps()).allSatisfy(s -> {
            assertThat(s.status()).isEqualTo(RunStatus.SUCCESS);
            assertThat(s.attempts()).isEqualTo(1);
        });
        assertThat(store.queues().metrics("greet").archived()).isEqualTo(1);
    }
}
