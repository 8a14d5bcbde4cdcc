package dev.pgqrs;

import dev.pgqrs.testing.ConformanceTest;
import dev.pgqrs.testing.TestBackend;
import dev.pgqrs.workflow.RunStatus;
import dev.pgqrs.workflow.Workflow;
import dev.pgqrs.workflow.WorkflowWorker;
import dev.pgqrs.workflow.WorkflowWorkerOptions;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * What an operator does from outside the application's process (the {@code pgqrs} command line): look at a
 * queue without leasing, replay dead letters by id, and suspend, resume or shut down another process's worker
 * through its row. The "other process" is a second store on the same database.
 */
class OperatorControlConformanceTest {

    private static final Duration DEADLINE = Duration.ofSeconds(30);

    @ConformanceTest
    void peekShowsUnarchivedMessagesOldestFirstWithoutLeasingThem(TestBackend backend) {
        Store store = backend.open();
        store.queues().create("orders");
        List<Long> ids = store.enqueueBatch("orders", List.of(Map.of("n", 1), Map.of("n", 2), Map.of("n", 3)));
        try (Consumer consumer = store.consumer("orders")) {
            consumer.archive(consumer.dequeue(1));
        }

        List<Message> seen = store.queues().peek("orders", 10);
        assertThat(seen).extracting(Message::id).containsExactly(ids.get(1), ids.get(2));
        assertThat(seen.get(0).payload().get("n").asInt()).isEqualTo(2);
        assertThat(store.queues().peek("orders", 1)).hasSize(1);
        assertThat(store.queues().metrics("orders").pending()).as("nothing leased").isEqualTo(2);
        assertThatThrownBy(() -> store.queues().peek("orders", 0)).hasMessageContaining("at least 1");
        assertThatThrownBy(() -> store.queues().peek("nope", 1)).isInstanceOf(QueueNotFoundException.class);
    }

    @ConformanceTest
    void deadLettersAreReplayedByIdAcrossQueuesAndOtherIdsAreLeftOut(TestBackend backend) {
        Store store = backend.open();
        store.queues().create("orders");
        store.queues().create("billing");
        long order = store.enqueue("orders", Map.of("n", 1));
        long bill = store.enqueue("billing", Map.of("n", 2));
        long live = store.enqueue("billing", Map.of("n", 3));
        try (Consumer orders = store.consumer("orders"); Consumer billing = store.consumer("billing")) {
            orders.deadLetter(orders.dequeue(1), "poison");
            billing.deadLetter(billing.dequeue(1), "poison");
        }

        assertThat(store.deadLetters().replay(List.of(order, bill, live, 999_999L))).containsExactlyInAnyOrder(order, bill);
        assertThat(store.queues().metrics("orders").deadLettered()).isZero();
        assertThat(store.queues().metrics("billing").pending()).isEqualTo(2);
        assertThat(store.deadLetters().replay(List.of(order))).as("not a dead letter any more").isEmpty();
    }

    @ConformanceTest
    void aWorkerSuspendedThroughItsRowTakesNothingUntilResumed(TestBackend backend) {
        Store app = backend.open(c -> c.heartbeatInterval(Duration.ofMillis(100)));
        Store operator = backend.open(c -> c.maintenance(false));
        app.queues().create("orders");
        Set<Integer> handled = ConcurrentHashMap.newKeySet();
        try (QueueWorker worker = app.worker("orders", d -> handled.add(d.message().payload().get("n").asInt()),
                QueueWorkerOptions.defaults().pollInterval(Duration.ofMillis(50)))) {
            long id = operator.workers().list("orders").get(0).id();

            assertThat(operator.workers().suspend(id)).isIn(WorkerStatus.READY, WorkerStatus.POLLING);
            await().atMost(DEADLINE).until(worker::isSuspended);
            operator.enqueue("orders", Map.of("n", 1));
            // the worker polls every 50 ms: a few heartbeats later the message is still there, untaken
            await().atMost(DEADLINE).until(() -> operator.workers().get(id).orElseThrow().heartbeatAge().toMillis() < 150
                    && operator.queues().metrics("orders").pending() == 1);
            assertThat(handled).isEmpty();
            assertThat(operator.workers().get(id).orElseThrow().status()).isEqualTo(WorkerStatus.SUSPENDED);

            assertThat(operator.workers().resume(id)).isEqualTo(WorkerStatus.SUSPENDED);
            await().atMost(DEADLINE).until(() -> handled.contains(1));
            assertThat(worker.isSuspended()).isFalse();
        }
    }

    @ConformanceTest
    void aWorkerAskedToShutDownThroughItsRowStopsAndItsRowSaysSo(TestBackend backend) {
        Store app = backend.open(c -> c.heartbeatInterval(Duration.ofMillis(100)));
        Store operator = backend.open(c -> c.maintenance(false));
        app.queues().create("orders");
        app.enqueue("orders", Map.of("n", 1));
        Set<Integer> handled = ConcurrentHashMap.newKeySet();
        QueueWorker worker = app.worker("orders", d -> handled.add(d.message().payload().get("n").asInt()),
                QueueWorkerOptions.defaults().pollInterval(Duration.ofMillis(50)));
        await().atMost(DEADLINE).until(() -> handled.contains(1));
        long id = operator.workers().list("orders").get(0).id();

        operator.workers().shutdown(id);
        await().atMost(DEADLINE).until(() -> !worker.isRunning()
                && operator.workers().get(id).orElseThrow().status() == WorkerStatus.STOPPED);
        operator.enqueue("orders", Map.of("n", 2));
        assertThat(operator.queues().metrics("orders").pending()).isEqualTo(1);
        worker.close();
        assertThat(handled).containsExactly(1);
    }

    @ConformanceTest
    void aWorkflowWorkerSuspendedThroughItsRowStartsNoRunUntilResumedAndStopsWhenAskedTo(TestBackend backend) {
        Store app = backend.open(c -> c.heartbeatInterval(Duration.ofMillis(100)));
        Store operator = backend.open(c -> c.maintenance(false));
        Workflow<String, String> greet = Workflow.define("greet", String.class, String.class,
                (ctx, name) -> ctx.step("hello", String.class, () -> "hello " + name));
        WorkflowWorker worker = app.workflows().startWorker(greet, WorkflowWorkerOptions.defaults()
                .pollInterval(Duration.ofMillis(50)));
        long id = worker.workerId();

        operator.workers().suspend(id);
        awaitHeartbeats(operator, id, 2);
        long run = operator.workflows().trigger("greet", "ada").id();
        awaitHeartbeats(operator, id, 3); // and some thirty polls
        assertThat(operator.workflows().get(run).status()).isEqualTo(RunStatus.QUEUED);

        operator.workers().resume(id);
        await().atMost(DEADLINE).until(() -> operator.workflows().get(run).status() == RunStatus.SUCCESS);

        operator.workers().shutdown(id);
        await().atMost(DEADLINE).until(() -> !worker.isRunning()
                && operator.workers().get(id).orElseThrow().status() == WorkerStatus.STOPPED);
        worker.close();
    }

    /** Waits until the worker's row has been beaten {@code n} more times (each beat reads the row's status). */
    private static void awaitHeartbeats(Store store, long id, int n) {
        for (int i = 0; i < n; i++) {
            Instant before = store.workers().get(id).orElseThrow().heartbeatAt();
            await().atMost(DEADLINE).until(() -> store.workers().get(id).orElseThrow().heartbeatAt().isAfter(before));
        }
    }

    @ConformanceTest
    void illegalMovesNameTheWorkerAndBothStatuses(TestBackend backend) {
        Store store = backend.open();
        store.queues().create("orders");
        Consumer consumer = store.consumer("orders");
        long id = consumer.workerId();

        assertThat(store.workers().resume(id)).as("a running worker stays as it is").isEqualTo(WorkerStatus.READY);
        store.workers().shutdown(id);
        assertThatThrownBy(() -> store.workers().suspend(id)).isInstanceOf(IllegalWorkerTransitionException.class)
                .hasMessageContaining(consumer.workerName()).hasMessageContaining("from interrupted to suspended");
        assertThatThrownBy(() -> store.workers().suspend(424_242)).hasMessageContaining("no worker with id 424242");
    }
}
