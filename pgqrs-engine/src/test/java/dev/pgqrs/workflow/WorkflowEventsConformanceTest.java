package dev.pgqrs.workflow;

import dev.pgqrs.Store;
import dev.pgqrs.testing.ConformanceTest;
import dev.pgqrs.testing.TestBackend;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.pgqrs.workflow.WorkflowTesting.AWAIT;
import static dev.pgqrs.workflow.WorkflowTesting.fastWorker;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Durable events: send to a run, recv in it — on every backend. */
class WorkflowEventsConformanceTest {

    public record Decision(String by, boolean approved) {
    }

    private static Workflow<String, String> approvalFlow(AtomicInteger executions, Duration timeout) {
        return Workflow.define("expense", String.class, String.class, (ctx, claim) -> {
            executions.incrementAndGet();
            Optional<Decision> decision = ctx.recv("decision", Decision.class, timeout);
            return decision.map(d -> claim + (d.approved() ? " approved by " : " rejected by ") + d.by())
                    .orElse(claim + " expired");
        });
    }

    @ConformanceTest
    void aRunWaitsDurablyForAnEventUntilItIsSent(TestBackend backend) throws Exception {
        Store store = backend.open();
        AtomicInteger executions = new AtomicInteger();
        Workflow<String, String> wf = approvalFlow(executions, Duration.ofMinutes(5));
        Workflows workflows = store.workflows();
        WorkflowWorker worker = workflows.startWorker(wf, fastWorker());
        RunHandle<String> run = workflows.trigger(wf, "taxi");

        StepInfo waiting = WorkflowTesting.awaitStep(workflows, run.id(), "recv:decision", RunStatus.PAUSED);
        assertThat(waiting.waitKind()).isEqualTo("event");
        assertThat(waiting.retryAt()).isAfter(waiting.createdAt().plusSeconds(60));
        assertThat(run.status()).isEqualTo(RunStatus.RUNNING);
        // The wait holds no thread: the execution ends once the wait is recorded (polled: it ends just after the commit).
        org.awaitility.Awaitility.await().atMost(AWAIT).until(() -> worker.inFlight() == 0);

        // Another process sends the event.
        backend.open().workflows().send(run.id(), "decision", new Decision("maria", true));

        assertThat(run.await(AWAIT)).isEqualTo("taxi approved by maria");
        assertThat(executions.get()).isEqualTo(2);
        StepInfo received = workflows.details(run.id()).step("recv:decision").orElseThrow();
        assertThat(received.status()).isEqualTo(RunStatus.SUCCESS);
        assertThat(received.output().get("value").get("by").asText()).isEqualTo("maria");
    }

    @ConformanceTest
    void anEventSentBeforeTheRunAsksIsReceivedAtOnce(TestBackend backend) {
        Store store = backend.open();
        AtomicInteger executions = new AtomicInteger();
        Workflow<String, String> wf = approvalFlow(executions, Duration.ofMinutes(5));
        Workflows workflows = store.workflows();
        workflows.register(wf);
        RunHandle<String> run = workflows.trigger(wf, "hotel");
        workflows.send(run.id(), "decision", new Decision("li", false));

        workflows.startWorker(wf, fastWorker());

        assertThat(run.await(AWAIT)).isEqualTo("hotel rejected by li");
        assertThat(executions.get()).isEqualTo(1);
    }

    @ConformanceTest
    void recvReturnsEmptyWhenTheTimeoutPasses(TestBackend backend) {
        Store store = backend.open();
        AtomicInteger executions = new AtomicInteger();
        Workflow<String, String> wf = approvalFlow(executions, Duration.ofMillis(300));
        store.workflows().startWorker(wf, fastWorker());
        long start = System.nanoTime();

        assertThat(store.workflows().trigger(wf, "lunch").await(AWAIT)).isEqualTo("lunch expired");
        assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(290);
    }

    @ConformanceTest
    void eventsAreReceivedOldestFirstAndEachOnlyOnce(TestBackend backend) {
        Store store = backend.open();
        Workflow<String, String> wf = Workflow.define("inbox", String.class, String.class, (ctx, in) -> {
            String first = ctx.recv("note", String.class, Duration.ofSeconds(10)).orElse("-");
            String second = ctx.recv("note", String.class, Duration.ofSeconds(10)).orElse("-");
            String third = ctx.recv("note", String.class, Duration.ZERO).orElse("none");
            return first + "," + second + "," + third;
        });
        Workflows workflows = store.workflows();
        workflows.register(wf);
        RunHandle<String> run = workflows.trigger(wf, "x");
        workflows.send(run.id(), "note", "a");
        workflows.send(run.id(), "other", "ignored");
        workflows.send(run.id(), "note", "b");
        workflows.startWorker(wf, fastWorker());

        assertThat(run.await(AWAIT)).isEqualTo("a,b,none");
        assertThat(workflows.details(run.id()).steps()).extracting(StepInfo::name)
                .containsExactly("recv:note", "recv:note#2", "recv:note#3");
    }

    @ConformanceTest
    void eventsSentWhileRunsStartToWaitAreNeverLost(TestBackend backend) throws Exception {
        Store store = backend.open();
        // Each third run is held in its first step, so its event certainly lands before it waits.
        Map<Integer, WorkflowTesting.Gate> held = new ConcurrentHashMap<>();
        Workflow<Integer, Integer> wf = Workflow.define("racing", Integer.class, Integer.class, (ctx, n) -> {
            int doubled = ctx.step("prepare", Integer.class, () -> {
                WorkflowTesting.Gate gate = held.get(n);
                if (gate != null) {
                    gate.pass();
                }
                return n * 2;
            });
            // A lost wake-up would leave the run waiting for the whole minute and fail the await below.
            return doubled + ctx.recv("go", Integer.class, Duration.ofMinutes(1)).orElseThrow();
        });
        Workflows workflows = store.workflows();
        workflows.startWorker(wf, fastWorker());
        Workflows sender = backend.open().workflows();
        java.util.List<RunHandle<Integer>> runs = new java.util.ArrayList<>();
        for (int i = 0; i < 30; i++) {
            WorkflowTesting.Gate gate = new WorkflowTesting.Gate();
            if (i % 3 == 0) {
                held.put(i, gate);
            }
            RunHandle<Integer> run = workflows.trigger(wf, i);
            runs.add(run);
            switch (i % 3) {
                case 0 -> { // before the run waits: it is inside its first step
                    gate.awaitEntered();
                    sender.send(run.id(), "go", 1);
                    gate.open();
                }
                case 1 -> sender.send(run.id(), "go", 1); // at once: while the run starts, racing its wait
                default -> { // once the run waits
                    WorkflowTesting.awaitStep(workflows, run.id(), "recv:go", RunStatus.PAUSED);
                    sender.send(run.id(), "go", 1);
                }
            }
        }

        for (int i = 0; i < runs.size(); i++) {
            assertThat(runs.get(i).await(AWAIT)).isEqualTo(2 * i + 1);
        }
    }

    @ConformanceTest
    void sendingToAFinishedOrMissingRunFails(TestBackend backend) {
        Store store = backend.open();
        Workflow<String, String> wf = Workflow.define("quick", String.class, String.class, (ctx, in) -> in);
        store.workflows().startWorker(wf, fastWorker());
        RunHandle<String> run = store.workflows().trigger(wf, "x");
        run.await(AWAIT);

        assertThatThrownBy(() -> store.workflows().send(run.id(), "late", 1))
                .isInstanceOf(IllegalRunStateException.class)
                .hasMessageContaining("is SUCCESS; events can no longer be delivered to it");
        assertThatThrownBy(() -> store.workflows().send(987_654, "x", 1))
                .isInstanceOf(RunNotFoundException.class)
                .hasMessageContaining("workflow run not found: 987654");
    }
}
