package dev.pgqrs.checkpoint;

import dev.pgqrs.Consumer;
import dev.pgqrs.Message;
import dev.pgqrs.Store;
import dev.pgqrs.testing.ConformanceTest;
import dev.pgqrs.testing.TestBackend;

import java.sql.Connection;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Durable-step checkpoints keyed by (run key, step name), and their lifetime: on every backend. */
class StepCheckpointsConformanceTest {

    @ConformanceTest
    void aRecordedStepIsFoundAndTheFirstRecordWins(TestBackend backend) {
        Store store = backend.open();
        StepCheckpoints checkpoints = store.checkpoints();
        assertThat(checkpoints.find("message:1", "reserve")).isEmpty();

        Checkpoint first = new Checkpoint("message:1", null, "reserve", "string", "R-1", "{\"id\":\"R-1\"}");
        assertThat(checkpoints.record(first)).isSameAs(first);
        Checkpoint late = new Checkpoint("message:1", null, "reserve", "string", "R-2", null);
        assertThat(checkpoints.record(late)).as("a racing second delivery gets the first result").isEqualTo(first);

        assertThat(checkpoints.find("message:1", "reserve")).contains(first);
        assertThat(checkpoints.find("message:1", "charge")).isEmpty();
        assertThat(checkpoints.find("message:2", "reserve")).isEmpty();
    }

    @ConformanceTest
    void forgettingARunInATransactionRollsBackWithIt(TestBackend backend) throws Exception {
        Store store = backend.open();
        StepCheckpoints checkpoints = store.checkpoints();
        checkpoints.record(new Checkpoint("run-a", null, "s1", "null", null, null));
        checkpoints.record(new Checkpoint("run-a", null, "s2", "null", null, null));
        checkpoints.record(new Checkpoint("run-b", null, "s1", "null", null, null));

        try (Connection c = store.dataSource().getConnection()) {
            c.setAutoCommit(false);
            assertThat(checkpoints.forget(c, "run-a", null)).isEqualTo(2);
            c.rollback();
            c.setAutoCommit(true);
        }
        assertThat(checkpoints.find("run-a", "s1")).isPresent();
        assertThat(checkpoints.forget("run-a")).isEqualTo(2);
        assertThat(checkpoints.find("run-a", "s2")).isEmpty();
        assertThat(checkpoints.find("run-b", "s1")).isPresent();
    }

    @ConformanceTest
    void checkpointsNeverOutliveTheirMessage(TestBackend backend) throws Exception {
        Store store = backend.open();
        store.queues().create("orders");
        StepCheckpoints checkpoints = store.checkpoints();
        long kept = store.enqueue("orders", Map.of("n", 1));
        long deleted = store.enqueue("orders", Map.of("n", 2));
        checkpoints.record(new Checkpoint("message:" + kept, kept, "s", "null", null, null));
        checkpoints.record(new Checkpoint("order-2", deleted, "s", "null", null, null)); // an application key

        try (Consumer consumer = store.consumer("orders")) {
            List<Message> leased = consumer.dequeue(2);
            assertThat(leased).hasSize(2);
            // Settling a message and forgetting its run commit together: dead-lettered here.
            try (Connection c = store.dataSource().getConnection()) {
                c.setAutoCommit(false);
                assertThat(consumer.deadLetter(c, List.of(leased.get(0)), "poison")).extracting(Message::id)
                        .containsExactly(kept);
                assertThat(checkpoints.forget(c, "message:" + kept, kept)).isEqualTo(1);
                c.commit();
                c.setAutoCommit(true);
            }
            // Deleting a message deletes what it recorded, under whatever key.
            assertThat(consumer.delete(leased.get(1))).isTrue();
        }
        assertThat(checkpoints.find("message:" + kept, "s")).isEmpty();
        assertThat(checkpoints.find("order-2", "s")).isEmpty();
        assertThat(store.deadLetters().list("orders", 10)).extracting(Message::id).containsExactly(kept);
    }

    @ConformanceTest
    void replayingADeadLetterStartsANewRunWithoutItsCheckpoints(TestBackend backend) {
        Store store = backend.open();
        store.queues().create("orders");
        long id = store.enqueue("orders", Map.of("n", 1));
        try (Consumer consumer = store.consumer("orders")) {
            Message leased = consumer.dequeue(1).get(0);
            store.checkpoints().record(new Checkpoint("message:" + id, id, "reserve", "null", null, null));
            consumer.deadLetter(leased, "gave up");
        }
        assertThat(store.checkpoints().find("message:" + id, "reserve")).as("a dead letter settled without forgetting them (e.g. by the store after crashes) keeps them")
                .isPresent();

        assertThat(store.deadLetters().replayAll("orders")).isEqualTo(1);

        assertThat(store.checkpoints().find("message:" + id, "reserve")).isEmpty();
        assertThat(store.queues().metrics("orders").pending()).isEqualTo(1);
    }

    @ConformanceTest
    void keysAreValidated(TestBackend backend) {
        Store store = backend.open();
        assertThatThrownBy(() -> store.checkpoints().find("", "s")).hasMessageContaining("run key");
        assertThatThrownBy(() -> store.checkpoints().find("r", "x".repeat(256))).hasMessageContaining("step name");
    }
}
