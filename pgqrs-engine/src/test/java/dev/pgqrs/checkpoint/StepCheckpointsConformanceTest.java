package dev.pgqrs.checkpoint;

import dev.pgqrs.Store;
import dev.pgqrs.testing.ConformanceTest;
import dev.pgqrs.testing.TestBackend;

import java.sql.Connection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Durable-step checkpoints keyed by (run key, step name): on every backend. */
class StepCheckpointsConformanceTest {

    @ConformanceTest
    void aRecordedStepIsFoundAndTheFirstRecordWins(TestBackend backend) {
        Store store = backend.open();
        StepCheckpoints checkpoints = store.checkpoints();
        assertThat(checkpoints.find("message:1", "reserve")).isEmpty();

        Checkpoint first = new Checkpoint("message:1", "reserve", "string", "R-1", "{\"id\":\"R-1\"}");
        assertThat(checkpoints.record(first)).isSameAs(first);
        Checkpoint late = new Checkpoint("message:1", "reserve", "string", "R-2", null);
        assertThat(checkpoints.record(late)).as("a racing second delivery gets the first result").isEqualTo(first);

        assertThat(checkpoints.find("message:1", "reserve")).contains(first);
        assertThat(checkpoints.find("message:1", "charge")).isEmpty();
        assertThat(checkpoints.find("message:2", "reserve")).isEmpty();
    }

    @ConformanceTest
    void forgettingARunInATransactionRollsBackWithIt(TestBackend backend) throws Exception {
        Store store = backend.open();
        StepCheckpoints checkpoints = store.checkpoints();
        checkpoints.record(new Checkpoint("run-a", "s1", "null", null, null));
        checkpoints.record(new Checkpoint("run-a", "s2", "null", null, null));
        checkpoints.record(new Checkpoint("run-b", "s1", "null", null, null));

        try (Connection c = store.database().dataSource().getConnection()) {
            c.setAutoCommit(false);
            assertThat(checkpoints.forget(c, "run-a")).isEqualTo(2);
            c.rollback();
            c.setAutoCommit(true);
        }
        assertThat(checkpoints.find("run-a", "s1")).isPresent();
        assertThat(checkpoints.forget("run-a")).isEqualTo(2);
        assertThat(checkpoints.find("run-a", "s2")).isEmpty();
        assertThat(checkpoints.find("run-b", "s1")).isPresent();
    }

    @ConformanceTest
    void keysAreValidated(TestBackend backend) {
        Store store = backend.open();
        assertThatThrownBy(() -> store.checkpoints().find("", "s")).hasMessageContaining("run key");
        assertThatThrownBy(() -> store.checkpoints().find("r", "x".repeat(256))).hasMessageContaining("step name");
    }
}
