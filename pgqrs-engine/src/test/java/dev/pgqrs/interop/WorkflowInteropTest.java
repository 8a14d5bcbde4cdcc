package dev.pgqrs.interop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgqrs.Store;
import dev.pgqrs.workflow.RunHandle;
import dev.pgqrs.workflow.RunInfo;
import dev.pgqrs.workflow.RunStatus;
import dev.pgqrs.workflow.Workflow;
import dev.pgqrs.workflow.WorkflowWorkerOptions;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Workflow runs cross between the editions (pgqrs-interop.md §4): a run triggered by one is
 * executed by the other, workers of both on one workflow execute each run once, and a run one
 * edition abandoned is finished by the other without repeating a completed step.
 */
class WorkflowInteropTest {

    static final String NAME = "greet";

    /** The same workflow in both editions: one step, "hello " + input.who. */
    static JsonNode greeting(JsonNode input) {
        return OriginalEdition.JSON.createObjectNode().put("greeting", "hello " + input.get("who").asText());
    }

    static JsonNode input(String who) {
        return OriginalEdition.JSON.createObjectNode().put("who", who);
    }

    static JsonNode wrapped(JsonNode input) {
        ObjectNode payload = OriginalEdition.JSON.createObjectNode();
        payload.set("input", input);
        return payload;
    }

    static WorkflowWorkerOptions fastWorker() {
        return WorkflowWorkerOptions.defaults().concurrency(2).leaseDuration(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(50)).shutdownTimeout(Duration.ofSeconds(5));
    }

    static Workflow<JsonNode, JsonNode> javaGreet(Map<String, AtomicInteger> executions) {
        return Workflow.define(NAME, JsonNode.class, JsonNode.class, (ctx, in) -> ctx.step("work", JsonNode.class, () -> {
            executions.computeIfAbsent(in.get("who").asText(), k -> new AtomicInteger()).incrementAndGet();
            return greeting(in);
        }));
    }

    static OriginalWorkflows.Body rustGreet(Map<String, AtomicInteger> executions) {
        return (steps, in) -> steps.step("work", () -> {
            executions.computeIfAbsent(in.get("who").asText(), k -> new AtomicInteger()).incrementAndGet();
            return greeting(in);
        });
    }

    @InteropTest(releases = {OriginalRelease.V0_15_3, OriginalRelease.HEAD})
    void aRunTheOriginalTriggeredIsExecutedByJava(OriginalDatabase db) throws Exception {
        Store store = db.javaStore();
        OriginalWorkflows original = db.edition().workflows();
        original.create(NAME);
        long message = original.trigger(NAME, input("rust"), null);

        Map<String, AtomicInteger> executions = new ConcurrentHashMap<>();
        store.workflows().register(javaGreet(executions));
        store.workflows().startWorker(javaGreet(executions), fastWorker());

        await().atMost(Interop.AWAIT).until(() -> original.runOfMessage(message).map(r -> r.status().equals("SUCCESS")).orElse(false));
        OriginalWorkflows.RunRow run = original.runOfMessage(message).orElseThrow();
        assertThat(OriginalEdition.JSON.readTree(run.output())).isEqualTo(greeting(input("rust")));
        assertThat(OriginalEdition.JSON.readTree(run.input())).as("the original's run input is the whole payload")
                .isEqualTo(wrapped(input("rust")));
        assertThat(executions).containsOnlyKeys("rust");
        assertThat(executions.get("rust")).hasValue(1);
        assertThat(db.edition().messageRow(message).get("archived_at")).isNotNull();
    }

    @InteropTest(releases = {OriginalRelease.V0_15_3, OriginalRelease.HEAD})
    void aRunJavaTriggeredIsExecutedByTheOriginal(OriginalDatabase db) throws Exception {
        Store store = db.javaStore();
        Map<String, AtomicInteger> executions = new ConcurrentHashMap<>();
        store.workflows().register(javaGreet(executions));
        RunHandle<JsonNode> handle = store.workflows().trigger(javaGreet(executions), input("java"));

        OriginalEdition original = db.edition();
        long consumer = original.register("rust-workflow-worker", original.queueId(NAME).orElseThrow());
        assertThat(original.workflows().processNext(NAME, consumer, rustGreet(executions))).isEqualTo(OriginalWorkflows.Outcome.SUCCESS);

        assertThat(handle.await(Interop.AWAIT)).isEqualTo(greeting(input("java")));
        assertThat(executions).containsOnlyKeys("java");
        RunInfo info = store.workflows().get(handle.id());
        assertThat(info.status()).isEqualTo(RunStatus.SUCCESS);
        assertThat(OriginalEdition.JSON.readTree(Interop.one(db, "SELECT " + (db.postgres() ? "input::text" : "input")
                + " FROM pgqrs_workflow_runs"))).as("a run row holds the whole payload, as the original writes it")
                .isEqualTo(wrapped(input("java")));
    }

    @InteropTest(releases = OriginalRelease.V0_15_3)
    void aRunTheOriginalMadeReadsCompleteInJava(OriginalDatabase db) throws Exception {
        Store store = db.javaStore();
        OriginalEdition original = db.edition();
        OriginalWorkflows workflows = original.workflows();
        workflows.create(NAME);
        long message = workflows.trigger(NAME, input("rust"), null);
        long consumer = original.register("rust-workflow-worker", original.queueId(NAME).orElseThrow());
        assertThat(workflows.processNext(NAME, consumer, rustGreet(new ConcurrentHashMap<>()))).isEqualTo(OriginalWorkflows.Outcome.SUCCESS);
        long runId = workflows.runOfMessage(message).orElseThrow().id();

        RunInfo info = store.workflows().get(runId);

        assertThat(info.workflow()).isEqualTo(NAME);
        assertThat(info.status()).isEqualTo(RunStatus.SUCCESS);
        assertThat(info.input()).as("the run's input, not the message wrapper").isEqualTo(input("rust"));
        assertThat(info.output()).isEqualTo(greeting(input("rust")));
        assertThat(store.workflows().handle(runId, JsonNode.class).result()).contains(greeting(input("rust")));
    }

    @InteropTest(releases = {OriginalRelease.V0_15_3, OriginalRelease.HEAD})
    void workersOfBothEditionsOnOneWorkflowExecuteEachRunOnce(OriginalDatabase db) throws Exception {
        Store store = db.javaStore();
        OriginalEdition original = db.edition();
        Map<String, AtomicInteger> executions = new ConcurrentHashMap<>();
        store.workflows().register(javaGreet(executions));
        for (int i = 0; i < 4; i++) {
            store.workflows().trigger(javaGreet(executions), input("java-" + i));
            original.workflows().trigger(NAME, input("rust-" + i), null);
        }
        long consumer = original.register("rust-workflow-worker", original.queueId(NAME).orElseThrow());
        store.workflows().startWorker(javaGreet(executions), fastWorker());

        await().atMost(Interop.AWAIT).until(() -> {
            original.workflows().processNext(NAME, consumer, rustGreet(executions));
            return Interop.one(db, "SELECT count(*) FROM pgqrs_workflow_runs WHERE status = 'SUCCESS'").equals("8");
        });
        assertThat(executions).hasSize(8).allSatisfy((who, count) -> assertThat(count).as(who).hasValue(1));
        assertThat(Interop.one(db, "SELECT count(*) FROM pgqrs_messages WHERE archived_at IS NULL")).isEqualTo("0");
    }

    /**
     * A Java worker dies in the middle of a run (its first step done, the second under way): the
     * original's reclaim gives the message up, an original worker finishes the run, the completed
     * step is not run again, and the late Java step changes nothing.
     */
    @InteropTest(releases = OriginalRelease.V0_15_3)
    void aRunAJavaWorkerAbandonedIsFinishedByTheOriginalWithoutRepeatingADoneStep(OriginalDatabase db) throws Exception {
        Store store = db.javaStore(b -> b.heartbeatInterval(Duration.ofHours(1)).staleWorkerTimeout(Duration.ofHours(3)));
        Map<String, AtomicInteger> executions = new ConcurrentHashMap<>();
        CountDownLatch secondStepEntered = new CountDownLatch(1);
        CountDownLatch javaMayFinish = new CountDownLatch(1);
        Workflow<JsonNode, JsonNode> twoSteps = Workflow.define(NAME, JsonNode.class, JsonNode.class, (ctx, in) -> {
            JsonNode first = ctx.step("first", JsonNode.class, () -> {
                executions.computeIfAbsent("first", k -> new AtomicInteger()).incrementAndGet();
                return greeting(in);
            });
            return ctx.step("second", JsonNode.class, () -> {
                executions.computeIfAbsent("second-java", k -> new AtomicInteger()).incrementAndGet();
                secondStepEntered.countDown();
                javaMayFinish.await(Interop.AWAIT.toSeconds(), TimeUnit.SECONDS);
                return first;
            });
        });
        store.workflows().register(twoSteps);
        RunHandle<JsonNode> handle = store.workflows().trigger(twoSteps, input("java"));
        // One slot: while its step is under way this worker takes nothing more (as a dead process would not).
        var worker = store.workflows().startWorker(twoSteps, fastWorker().concurrency(1));
        assertThat(secondStepEntered.await(Interop.AWAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();

        OriginalEdition original = db.edition();
        long queue = original.queueId(NAME).orElseThrow();
        Interop.sql(db, "UPDATE pgqrs_workers SET heartbeat_at = " + db.backend().ago(Duration.ofMinutes(1))
                + " WHERE id = " + worker.workerId());
        assertThat(original.reclaim(queue, Duration.ofSeconds(5))).isEqualTo(1);
        long rust = original.register("rust-workflow-worker", queue);
        OriginalWorkflows.Body rustBody = (steps, in) -> {
            JsonNode first = steps.step("first", () -> {
                executions.computeIfAbsent("first", k -> new AtomicInteger()).incrementAndGet();
                return greeting(in);
            });
            return steps.step("second", () -> {
                executions.computeIfAbsent("second-rust", k -> new AtomicInteger()).incrementAndGet();
                return first;
            });
        };
        assertThat(original.workflows().processNext(NAME, rust, rustBody)).isEqualTo(OriginalWorkflows.Outcome.SUCCESS);

        javaMayFinish.countDown();
        assertThat(handle.await(Interop.AWAIT)).isEqualTo(greeting(input("java")));
        await().atMost(Interop.AWAIT).until(() -> worker.inFlight() == 0);
        assertThat(executions.get("first")).as("a completed step is never run again").hasValue(1);
        assertThat(store.workflows().get(handle.id()).status()).isEqualTo(RunStatus.SUCCESS);
        assertThat(Interop.one(db, "SELECT count(*) FROM pgqrs_messages WHERE archived_at IS NULL")).isEqualTo("0");
    }

    /** HEAD cancels in two phases: a run Java cancels becomes CANCELLING, and an original worker finishes it. */
    @InteropTest(releases = OriginalRelease.HEAD)
    void aRunJavaCancelsIsCancelledInTwoPhasesAsTheOriginalExpects(OriginalDatabase db) throws Exception {
        Store store = db.javaStore();
        OriginalEdition original = db.edition();
        OriginalWorkflows workflows = original.workflows();
        workflows.create(NAME);
        long queue = original.queueId(NAME).orElseThrow();
        long message = workflows.trigger(NAME, input("rust"), null);
        // An original worker picked it up and died before starting it: a QUEUED run, its message free again.
        long rust = original.register("rust-workflow-worker", queue);
        OriginalEdition.Msg picked = original.dequeue(queue, rust, 1).get(0);
        long runId = workflows.materialise(picked);
        original.release(message, rust);

        store.workflows().cancel(runId);

        assertThat(workflows.run(runId).status()).isEqualTo("CANCELLING");
        Map<String, AtomicInteger> executions = new ConcurrentHashMap<>();
        assertThat(workflows.processNext(NAME, rust, rustGreet(executions))).isEqualTo(OriginalWorkflows.Outcome.CANCELLED);
        assertThat(workflows.run(runId).status()).isEqualTo("CANCELLED");
        assertThat(executions).isEmpty();
    }

    @InteropTest(releases = OriginalRelease.HEAD)
    void aRunTheOriginalCancelsIsFinishedByAJavaWorkerWithoutRunningIt(OriginalDatabase db) throws Exception {
        Store store = db.javaStore();
        OriginalEdition original = db.edition();
        OriginalWorkflows workflows = original.workflows();
        workflows.create(NAME);
        long queue = original.queueId(NAME).orElseThrow();
        long message = workflows.trigger(NAME, input("rust"), null);
        long rust = original.register("rust-workflow-worker", queue);
        assertThat(workflows.processNext(NAME, rust, (steps, in) -> {
            throw new OriginalWorkflows.Pause("waiting for approval", 3600);
        })).isEqualTo(OriginalWorkflows.Outcome.PAUSED);
        long runId = workflows.runOfMessage(message).orElseThrow().id();
        workflows.cancel(runId);

        Map<String, AtomicInteger> executions = new ConcurrentHashMap<>();
        store.workflows().register(javaGreet(executions));
        store.workflows().startWorker(javaGreet(executions), fastWorker());

        await().atMost(Interop.AWAIT).until(() -> workflows.run(runId).status().equals("CANCELLED"));
        await().atMost(Interop.AWAIT).until(() -> db.edition().messageRow(message).get("archived_at") != null);
        assertThat(executions).isEmpty();
    }
}
