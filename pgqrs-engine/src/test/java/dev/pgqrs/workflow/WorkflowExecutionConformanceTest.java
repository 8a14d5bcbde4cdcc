package dev.pgqrs.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgqrs.Store;
import dev.pgqrs.testing.ConformanceTest;
import dev.pgqrs.testing.TestBackend;

import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.pgqrs.workflow.WorkflowTesting.AWAIT;
import static dev.pgqrs.workflow.WorkflowTesting.fastWorker;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Running workflows: results, replay after crashes, stored outputs, concurrency — on every backend. */
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
        assertThat(run.result()).contains("hello ada (3)");
        RunDetails details = workflows.details(run.id());
        assertThat(details.run().status()).isEqualTo(RunStatus.SUCCESS);
        assertThat(details.run().outputJson()).isEqualTo("\"hello ada (3)\"");
        assertThat(details.run().startedAt()).isNotNull();
        assertThat(details.run().completedAt()).isNotNull();
        assertThat(details.steps()).extracting(StepInfo::name).containsExactly("hello", "length", "compose");
        assertThat(details.steps()).allSatisfy(s -> {
            assertThat(s.status()).isEqualTo(RunStatus.SUCCESS);
            assertThat(s.attempts()).isEqualTo(1);
        });
        assertThat(store.queues().metrics("greet").archived()).isEqualTo(1);
    }

    @ConformanceTest
    void registerIsIdempotentAndRunsCanBeTriggeredByName(TestBackend backend) throws Exception {
        Store store = backend.open();
        Workflow<Integer, Integer> twice = Workflow.define("twice", Integer.class, Integer.class,
                (ctx, n) -> ctx.step("double", Integer.class, () -> n * 2));
        Workflows workflows = store.workflows();
        workflows.register(twice);
        workflows.register(twice);
        backend.open().workflows().register(twice);

        assertThat(WorkflowTesting.queryLong(backend, "SELECT count(*) FROM pgqrs_workflows")).isEqualTo(1);
        assertThat(store.queues().exists("twice")).isTrue();
        assertThatThrownBy(() -> workflows.trigger("nope", 1))
                .isInstanceOf(WorkflowNotFoundException.class)
                .hasMessageContaining("workflow not found: 'nope'");

        RunHandle<JsonNode> byName = backend.open().workflows().trigger("twice", 21);
        workflows.startWorker(twice, fastWorker());
        assertThat(byName.await(AWAIT).asInt()).isEqualTo(42);
        assertThat(workflows.get(byName.id()).input().asInt()).isEqualTo(21);
        assertThat(dev.pgqrs.payload.Json.parse(workflows.get(byName.id()).inputJson()).get("input").asInt())
                .as("stored as pgqrs stores it: the trigger payload").isEqualTo(21);
    }

    @ConformanceTest
    void aProcessThatOnlyTriggersRegistersByNameAndTriggersWithADelayOrInItsTransaction(TestBackend backend)
            throws Exception {
        Store triggering = backend.open();
        Workflows byName = triggering.workflows();
        byName.register("echo");
        byName.register("echo");
        assertThat(triggering.queues().exists("echo")).isTrue();

        RunHandle<JsonNode> delayed = byName.trigger("echo", "later", Duration.ofMillis(600));
        RunInfo queued = delayed.info();
        assertThat(queued.wakeAt()).as("not taken before its delay").isAfter(queued.createdAt().plusMillis(500));
        RunHandle<JsonNode> inTransaction;
        try (Connection c = triggering.dataSource().getConnection()) {
            c.setAutoCommit(false);
            byName.trigger(c, "echo", "rolled back", Duration.ZERO);
            c.rollback();
            inTransaction = byName.trigger(c, "echo", "committed", Duration.ZERO);
            c.commit();
            c.setAutoCommit(true);
        }
        Store store = backend.open();
        Workflow<String, String> echo = Workflow.define("echo", String.class, String.class, (ctx, in) -> in);
        store.workflows().startWorker(echo, fastWorker());

        assertThat(inTransaction.await(AWAIT).asText()).isEqualTo("committed");
        assertThat(delayed.await(AWAIT).asText()).isEqualTo("later");
        assertThat(byName.list("echo", 10)).extracting(r -> r.input().asText())
                .containsExactlyInAnyOrder("later", "committed");
    }

    @ConformanceTest
    void crashBetweenStepsResumesAfterTheLastCompletedStep(TestBackend backend) throws Exception {
        WorkflowTesting.BodyCounter bodies = new WorkflowTesting.BodyCounter();
        WorkflowTesting.Gate betweenSteps = new WorkflowTesting.Gate();
        AtomicInteger executions = new AtomicInteger();
        Workflow<String, String> wf = Workflow.define("between", String.class, String.class, (ctx, in) -> {
            int execution = executions.incrementAndGet();
            String first = ctx.step("first", String.class, () -> in + "-" + bodies.hit("first"));
            if (execution == 1) {
                betweenSteps.pass(); // the first worker "crashes" here, after step 1 completed
            }
            return ctx.step("second", String.class, () -> first + "-" + bodies.hit("second"));
        });
        Store crashing = backend.open();
        crashing.workflows().register(wf);
        RunHandle<String> run = crashing.workflows().trigger(wf, "x");
        WorkflowWorker first = crashing.workflows().startWorker(wf, fastWorker());
        betweenSteps.awaitEntered();
        first.halt();

        Store restarted = backend.open();
        restarted.workflows().startWorker(wf, fastWorker());

        assertThat(restarted.workflows().handle(run.id(), String.class).await(AWAIT)).isEqualTo("x-1-1");
        assertThat(bodies.all()).isEqualTo(Map.of("first", 1, "second", 1));
        assertThat(executions.get()).isEqualTo(2);
        // The crash cost one delivery of the run's message; nothing else did.
        assertThat(WorkflowTesting.queryLong(backend, "SELECT read_ct FROM pgqrs_messages")).isEqualTo(2);
    }

    @ConformanceTest
    void crashInsideAStepRerunsThatStepOnly(TestBackend backend) throws Exception {
        WorkflowTesting.BodyCounter bodies = new WorkflowTesting.BodyCounter();
        WorkflowTesting.Gate insideStep = new WorkflowTesting.Gate();
        Workflow<String, String> wf = Workflow.define("inside", String.class, String.class, (ctx, in) -> {
            String a = ctx.step("a", String.class, () -> "a" + bodies.hit("a"));
            String b = ctx.step("b", String.class, () -> {
                if (bodies.hit("b") == 1) {
                    insideStep.pass(); // the first worker dies while this body runs
                }
                return "b";
            });
            return a + b + ctx.step("c", String.class, () -> "c" + bodies.hit("c"));
        });
        Store crashing = backend.open();
        crashing.workflows().register(wf);
        RunHandle<String> run = crashing.workflows().trigger(wf, "x");
        WorkflowWorker first = crashing.workflows().startWorker(wf, fastWorker());
        insideStep.awaitEntered();
        first.halt();

        Store restarted = backend.open();
        restarted.workflows().startWorker(wf, fastWorker());

        assertThat(restarted.workflows().handle(run.id(), String.class).await(AWAIT)).isEqualTo("a1bc1");
        assertThat(bodies.all()).isEqualTo(Map.of("a", 1, "b", 2, "c", 1));
    }

    @ConformanceTest
    void replayReturnsTheStoredOutputEvenWhenItWasTamperedWith(TestBackend backend) throws Exception {
        Store store = backend.open();
        WorkflowTesting.BodyCounter bodies = new WorkflowTesting.BodyCounter();
        Workflow<String, Integer> wf = Workflow.define("priced", String.class, Integer.class, (ctx, item) -> {
            int price = ctx.step("price", Integer.class, () -> {
                bodies.hit("price");
                return 100;
            });
            ctx.pause("approval");
            return price;
        });
        Workflows workflows = store.workflows();
        workflows.startWorker(wf, fastWorker());
        RunHandle<Integer> run = workflows.trigger(wf, "book");
        WorkflowTesting.awaitStatus(workflows, run.id(), RunStatus.PAUSED);

        assertThat(WorkflowTesting.sql(backend,
                "UPDATE pgqrs_workflow_steps SET output = '250' WHERE step_name = 'price'")).isEqualTo(1);
        assertThat(workflows.resume(run.id())).isTrue();

        // 250 can only come from the stored output: the body returns 100 and ran once.
        assertThat(run.await(AWAIT)).isEqualTo(250);
        assertThat(bodies.get("price")).isEqualTo(1);
    }

    @ConformanceTest
    void whenAnotherExecutionRecordedTheStepFirstItsOutputWins(TestBackend backend) throws Exception {
        Store store = backend.open();
        Workflow<String, Integer> wf = Workflow.define("raced", String.class, Integer.class, (ctx, item) ->
                ctx.step("price", Integer.class, () -> {
                    // Another execution of this run (e.g. one whose lease we took over) finished the step meanwhile.
                    WorkflowTesting.sql(backend, "INSERT INTO pgqrs_workflow_steps (run_id, step_name, status, output) VALUES ("
                            + ctx.runId() + ", 'price', 'SUCCESS', '7')");
                    return 3;
                }));
        Workflows workflows = store.workflows();
        workflows.startWorker(wf, fastWorker());

        RunHandle<Integer> run = workflows.trigger(wf, "book");

        // First writer wins: the run goes on with the recorded 7, never with its own 3.
        assertThat(run.await(AWAIT)).isEqualTo(7);
        assertThat(workflows.details(run.id()).step("price")).get()
                .satisfies(step -> assertThat(step.status()).isEqualTo(RunStatus.SUCCESS));
    }

    @ConformanceTest
    void concurrentRunsOnTwoWorkersExecuteEveryStepExactlyOnce(TestBackend backend) {
        Map<String, AtomicInteger> executed = new ConcurrentHashMap<>();
        Workflow<Integer, Integer> wf = Workflow.define("fanout", Integer.class, Integer.class, (ctx, n) -> {
            int sum = 0;
            for (String step : List.of("one", "two", "three")) {
                sum += ctx.step(step, Integer.class, () -> {
                    executed.computeIfAbsent(ctx.runId() + "/" + step, k -> new AtomicInteger()).incrementAndGet();
                    return n;
                });
            }
            return sum;
        });
        Store producer = backend.open();
        producer.workflows().register(wf);
        List<RunHandle<Integer>> runs = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            runs.add(producer.workflows().trigger(wf, i));
        }
        // Two stores: two pools and two worker rows, as two processes would have.
        backend.open().workflows().startWorker(wf, fastWorker());
        backend.open().workflows().startWorker(wf, fastWorker());

        for (int i = 0; i < runs.size(); i++) {
            assertThat(runs.get(i).await(AWAIT)).isEqualTo(3 * i);
        }
        assertThat(executed).hasSize(40 * 3);
        assertThat(executed.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
        assertThat(producer.workflows().list("fanout", RunStatus.SUCCESS, 100)).hasSize(40);
    }

    @ConformanceTest
    void aMessageEnqueuedWithoutARunBecomesARun(TestBackend backend) throws Exception {
        Store store = backend.open();
        Workflow<String, String> wf = Workflow.define("legacy", String.class, String.class,
                (ctx, in) -> ctx.step("shout", String.class, in::toUpperCase));
        store.workflows().register(wf);
        // What a pgqrs service of another edition may do: enqueue {"input": …} on the workflow's queue.
        long messageId = store.enqueue("legacy", Map.of("input", "hello"));
        store.workflows().startWorker(wf, fastWorker());

        await("a successful run of the message").atMost(AWAIT)
                .until(() -> !store.workflows().list("legacy", RunStatus.SUCCESS, 10).isEmpty());
        RunInfo run = store.workflows().list("legacy", 10).get(0);
        assertThat(run.status()).isEqualTo(RunStatus.SUCCESS);
        assertThat(run.messageId()).isEqualTo(messageId);
        assertThat(run.output().asText()).isEqualTo("HELLO");
    }

    @ConformanceTest
    void aFailureOutsideStepsFailsTheRun(TestBackend backend) {
        Store store = backend.open();
        Workflow<String, String> wf = Workflow.define("broken", String.class, String.class, (ctx, in) -> {
            ctx.step("fine", String.class, () -> "ok");
            throw new IllegalStateException("no route for " + in);
        });
        store.workflows().startWorker(wf, fastWorker());
        RunHandle<String> run = store.workflows().trigger(wf, "mars");

        assertThatThrownBy(() -> run.await(AWAIT))
                .isInstanceOf(RunFailedException.class)
                .hasMessageContaining("run " + run.id() + " of workflow 'broken' failed")
                .hasMessageContaining("IllegalStateException: no route for mars");
        assertThat(run.info().error().isTextual()).as("the run's error is its text, as pgqrs writes it").isTrue();
        assertThat(store.queues().metrics("broken").archived()).isEqualTo(1);
    }

    @ConformanceTest
    void aStepNameUsedTwiceFailsTheRunWithTheReason(TestBackend backend) {
        Store store = backend.open();
        Workflow<String, String> wf = Workflow.define("twice-named", String.class, String.class, (ctx, in) -> {
            ctx.step("same", String.class, () -> "a");
            return ctx.step("same", String.class, () -> "b");
        });
        store.workflows().startWorker(wf, fastWorker());
        RunHandle<String> run = store.workflows().trigger(wf, "x");

        assertThatThrownBy(() -> run.await(AWAIT))
                .isInstanceOf(RunFailedException.class)
                .hasMessageContaining("step name 'same' is used twice in run " + run.id());
    }

    @ConformanceTest
    void aTriggerInTheCallersTransactionExistsOnlyIfItCommits(TestBackend backend) throws Exception {
        Store store = backend.open();
        Workflow<String, String> wf = Workflow.define("outbox", String.class, String.class,
                (ctx, in) -> ctx.step("echo", String.class, () -> in));
        Workflows workflows = store.workflows();
        workflows.register(wf);

        try (Connection c = store.dataSource().getConnection()) {
            c.setAutoCommit(false);
            workflows.trigger(c, wf, "lost");
            c.rollback();
            c.setAutoCommit(true);
        }
        RunHandle<String> committed;
        try (Connection c = store.dataSource().getConnection()) {
            c.setAutoCommit(false);
            committed = workflows.trigger(c, wf, "kept");
            c.commit();
            c.setAutoCommit(true);
        }
        workflows.startWorker(wf, fastWorker());

        assertThat(committed.await(AWAIT)).isEqualTo("kept");
        // (SQLite may give the committed run the id the rolled-back one had, so compare by content.)
        assertThat(workflows.list("outbox", 10)).extracting(r -> r.input().asText()).containsExactly("kept");
        assertThat(store.queues().metrics("outbox").total()).isEqualTo(1);
    }

    @ConformanceTest
    void aRunWhoseWorkersKeepDyingIsFailedAfterMaxReadCountRecoveries(TestBackend backend) throws Exception {
        WorkflowTesting.Gate inside = new WorkflowTesting.Gate();
        Workflow<String, String> wf = Workflow.define("poison", String.class, String.class, (ctx, in) ->
                ctx.step("hang", String.class, () -> {
                    inside.pass();
                    return "never";
                }));
        Store first = backend.open(c -> c.maxReadCount(1));
        first.workflows().register(wf);
        RunHandle<String> run = first.workflows().trigger(wf, "x");
        WorkflowWorker dying = first.workflows().startWorker(wf, fastWorker());
        inside.awaitEntered();
        dying.halt();

        // One recovery is all this store allows (max_read_ct 1): the worker that takes the lost lease over fails
        // the run instead of running it again. Waits and retries, which give the message back, never count.
        Store second = backend.open(c -> c.maxReadCount(1));
        second.workflows().startWorker(wf, fastWorker());
        assertThatThrownBy(() -> second.workflows().handle(run.id(), String.class).await(AWAIT))
                .isInstanceOf(RunFailedException.class)
                .hasMessageContaining("was taken over 1 times after its worker crashed or lost its lease");
        assertThat(second.queues().metrics("poison").archived()).isEqualTo(1);
        assertThat(second.workflows().details(run.id()).step(Workflow.RUN_RECOVERIES_STEP).orElseThrow().retryCount())
                .isEqualTo(1);
    }
}
