package dev.pgqrs.workflow;

import dev.pgqrs.Store;
import dev.pgqrs.internal.StoreInternals;
import dev.pgqrs.testing.BackendKind;
import dev.pgqrs.testing.TestBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Triggers, resumes and events wake workflow workers in other processes through LISTEN/NOTIFY, as
 * enqueues wake consumers. PostgreSQL only: SQLite has no notifications (its workers are woken
 * in-process and otherwise poll). The worker runs on a second store with a long poll interval, so
 * only a database notification can make it start a run early.
 */
class WorkflowNotifyWakeUpTest {

    private static final Duration POLL = Duration.ofSeconds(3);
    private static final long EARLY_MILLIS = POLL.toMillis() / 4;

    private TestBackend backend;
    private Store triggering;
    /** Nano time at which the worker's function was entered, per run input. */
    private final BlockingQueue<Long> started = new LinkedBlockingQueue<>();

    @BeforeEach
    void setUp() throws Exception {
        backend = TestBackend.create(BackendKind.POSTGRES);
        triggering = backend.open();
        triggering.workflows().register("wake");
        Store working = backend.open();
        Workflow<Map<String, Object>, String> wf = Workflow.define("wake", mapType(), String.class, (ctx, in) -> {
            started.add(System.nanoTime());
            if (Boolean.TRUE.equals(in.get("pause"))) {
                ctx.pause("hold");
            }
            return "ok";
        });
        working.workflows().startWorker(wf, WorkflowWorkerOptions.defaults().pollInterval(POLL));
        Thread.sleep(300); // the worker's first (empty) claim is behind it: it now waits for a signal or its poll
    }

    @SuppressWarnings("unchecked")
    private static Class<Map<String, Object>> mapType() {
        return (Class<Map<String, Object>>) (Class<?>) Map.class;
    }

    @AfterEach
    void tearDown() {
        backend.close();
    }

    @Test
    void aTriggerWakesAWorkerInAnotherProcessFarSoonerThanItsPollInterval() throws Exception {
        for (int i = 0; i < 3; i++) {
            long sentAt = System.nanoTime();
            RunHandle<?> run = triggering.workflows().trigger("wake", Map.of("n", i));
            Long at = started.poll(POLL.toMillis() * 2, TimeUnit.MILLISECONDS);
            assertThat(at).as("run %d started", i).isNotNull();
            assertThat((at - sentAt) / 1_000_000).as("wake-up latency of run %d, ms", i).isLessThan(EARLY_MILLIS);
            assertThat(run.await(Duration.ofSeconds(10))).isNotNull();
            Thread.sleep(120); // the next trigger opens a new debounce window
        }
        assertThat(StoreInternals.of(triggering).notifications().sent()).isGreaterThanOrEqualTo(3);
    }

    @Test
    void aTriggerInTheCallersTransactionWakesTheRemoteWorkerWhenItCommits() throws Exception {
        try (Connection tx = triggering.dataSource().getConnection()) {
            tx.setAutoCommit(false);
            triggering.workflows().trigger(tx, "wake", Map.of("n", 1), Duration.ZERO);
            assertThat(started.poll(300, TimeUnit.MILLISECONDS)).as("invisible before commit").isNull();
            long committedAt = System.nanoTime();
            tx.commit();
            Long at = started.poll(POLL.toMillis() * 2, TimeUnit.MILLISECONDS);
            assertThat(at).isNotNull();
            assertThat((at - committedAt) / 1_000_000).isLessThan(EARLY_MILLIS);
            tx.setAutoCommit(true);
        }
    }

    @Test
    void resumingAPausedRunWakesTheRemoteWorker() throws Exception {
        RunHandle<?> run = triggering.workflows().trigger("wake", Map.of("pause", true));
        assertThat(started.poll(POLL.toMillis() * 2, TimeUnit.MILLISECONDS)).isNotNull();
        WorkflowTesting.awaitStatus(triggering.workflows(), run.id(), RunStatus.PAUSED);
        Thread.sleep(100);

        long resumedAt = System.nanoTime();
        assertThat(triggering.workflows().resume(run.id())).isTrue();
        Long at = started.poll(POLL.toMillis() * 2, TimeUnit.MILLISECONDS);
        assertThat(at).isNotNull();
        assertThat((at - resumedAt) / 1_000_000).isLessThan(EARLY_MILLIS);
        assertThat(run.await(Duration.ofSeconds(10))).isNotNull();
    }
}
