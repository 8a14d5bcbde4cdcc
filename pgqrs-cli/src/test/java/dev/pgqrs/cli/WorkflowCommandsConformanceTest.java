package dev.pgqrs.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgqrs.Store;
import dev.pgqrs.testing.ConformanceTest;
import dev.pgqrs.testing.TestBackend;
import dev.pgqrs.workflow.PauseRunException;
import dev.pgqrs.workflow.RunHandle;
import dev.pgqrs.workflow.RunStatus;
import dev.pgqrs.workflow.Workflow;
import dev.pgqrs.workflow.WorkflowWorkerOptions;
import dev.pgqrs.workflow.Workflows;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code pgqrs workflow …} on every backend. */
class WorkflowCommandsConformanceTest {

    private static final Duration DEADLINE = Duration.ofSeconds(30);

    private static WorkflowWorkerOptions fast() {
        return WorkflowWorkerOptions.defaults().pollInterval(Duration.ofMillis(50)).leaseDuration(Duration.ofSeconds(5));
    }

    @ConformanceTest
    void runsAreListedByStatusShownWithTheirStepsAndResumed(TestBackend backend) {
        Store store = backend.open();
        AtomicInteger attempts = new AtomicInteger();
        Workflow<String, String> stock = Workflow.define("stock", String.class, String.class, (ctx, item) ->
                ctx.step("reserve", String.class, () -> {
                    if (attempts.incrementAndGet() == 1) {
                        throw PauseRunException.untilResumed("out of stock");
                    }
                    return item + " reserved";
                }));
        Workflows workflows = store.workflows();
        workflows.startWorker(stock, fast());
        RunHandle<String> run = workflows.trigger(stock, "chair");
        await().atMost(DEADLINE).until(() -> workflows.get(run.id()).status() == RunStatus.PAUSED);
        Cli cli = Cli.on(backend);

        JsonNode list = cli.json("workflow", "list");
        assertThat(list).hasSize(1);
        assertThat(list.get(0).get("name").asText()).isEqualTo("stock");
        assertThat(list.get(0).get("queue").asText()).isEqualTo("stock");
        assertThat(cli.json("workflow", "runs", "stock", "--status", "paused")).hasSize(1);
        assertThat(cli.json("workflow", "runs", "stock", "--status", "SUCCESS")).isEmpty();

        JsonNode shown = cli.json("workflow", "run", String.valueOf(run.id()));
        assertThat(shown.get("status").asText()).isEqualTo("PAUSED");
        assertThat(shown.get("input").asText()).isEqualTo("chair");
        JsonNode step = shown.get("steps").get(0);
        assertThat(step.get("name").asText()).isEqualTo("reserve");
        assertThat(step.get("status").asText()).isEqualTo("PAUSED");
        assertThat(step.get("error").asText()).isEqualTo("out of stock");

        JsonNode resumed = cli.json("workflow", "resume", String.valueOf(run.id()));
        assertThat(resumed.get("resumed").asBoolean()).isTrue();
        await().atMost(DEADLINE).until(() -> workflows.get(run.id()).status() == RunStatus.SUCCESS);
        JsonNode done = cli.json("workflow", "run", String.valueOf(run.id()));
        assertThat(done.get("output").asText()).isEqualTo("chair reserved");
        assertThat(done.get("steps").get(0).get("attempts").asInt()).isEqualTo(1);
        assertThat(cli.run("workflow", "run", "987654").err()).contains("987654").hasLineCount(1);
        Cli.Result badStatus = cli.run("workflow", "runs", "stock", "--status", "SLEEPING");
        assertThat(badStatus.status()).isEqualTo(2);
        assertThat(badStatus.err()).contains("SLEEPING");
    }

    @ConformanceTest
    void aQueuedRunIsCancelledAndAFinishedOneStaysAsItIs(TestBackend backend) {
        Store store = backend.open();
        store.workflows().register("checkout");
        long id = store.workflows().trigger("checkout", "order-1").id();
        Cli cli = Cli.on(backend);

        JsonNode cancelled = cli.json("workflow", "cancel", String.valueOf(id));
        assertThat(cancelled.get("status").asText()).isIn("CANCELLING", "CANCELLED");
        assertThat(cli.json("workflow", "runs", "checkout").get(0).get("status").asText()).isIn("CANCELLING", "CANCELLED");
        JsonNode notPaused = cli.json("workflow", "resume", String.valueOf(id));
        assertThat(notPaused.get("resumed").asBoolean()).isFalse();
    }
}
