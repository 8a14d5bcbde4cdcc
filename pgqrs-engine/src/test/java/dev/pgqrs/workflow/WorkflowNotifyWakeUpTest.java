package dev.pgqrs.workflow;

import dev.pgqrs.Store;
import dev.pgqrs.internal.StoreInternals;
import dev.pgqrs.testing.BackendInvocations;
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
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
        assumeTrue(BackendInvocations.enabledBackends().contains(BackendKind.POSTGRES), "PostgreSQL is not among PGQRS_TEST_BACKENDS");
        backend = TestBackend.create(BackendKind.POSTGRES);
        // A short debounce window: each trigger or resume below notifies at once, or at most a millisecond later.
        triggering = backend.open(b -> b.notifyDebounce(Duration.ofMillis(1)));
        triggering.workflows().register("wake");
        Store working = backend.open();
        Workflow<Map<String, Object>, String> wf = Workflow.define("wake", mapType(), String.class, (ctx, in) -> {
            if (Boolean.TRUE.equals(in.get("warm-up"))) {
                return "warm";
            }
            started.add(System.nanoTime());
            if (Boolean.TRUE.equals(in.get("pause"))) {
                ctx.pause("hold");
            }
            return "ok";
        });
        working.workflows().startWorker(wf, WorkflowWorkerOptions.defaults().pollInterval(POLL));
        await("the worker's store listening").atMost(Duration.ofSeconds(10)).until(StoreInternals.of(working).notifications()::listening);
        // A run of the worker's own store, woken in-process: once it is done, the worker's first claims are behind
        // it, and it waits for a signal or its poll.
        assertThat(working.workflows().trigger("wake", Map.of("warm-up", true)).await(Duration.ofSeconds(10))).isNotNull();
    }

    @SuppressWarnings("unchecked")
    private static Class<Map<String, Object>> mapType() {
        return (Class<Map<String, Object>>) (Class<?>) Map.class;
    }

    @AfterEach
    void tearDown() {
        if (backend != null) {
            backend.close();
        }
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
        }
        assertThat(StoreInternals.of(triggering).notifications().sent()).isGreaterThanOrEqualTo(3);
    }

    @Test
    void aTriggerInTheCallersTransactionWakesTheRemoteWorkerWhenItCommits() throws Exception {
        try (Connection tx = triggering.dataSource().getConnection()) {
            tx.setAutoCommit(false);
            triggering.workflows().trigger(tx, "wake", Map.of("n", 1), Duration.ZERO);
            assertThat(triggering.workflows().list("wake", 10)).as("invisible before commit: the warm-up run alone")
                    .singleElement().satisfies(r -> assertThat(r.status()).isEqualTo(RunStatus.SUCCESS));
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

        long resumedAt = System.nanoTime();
        assertThat(triggering.workflows().resume(run.id())).isTrue();
        Long at = started.poll(POLL.toMillis() * 2, TimeUnit.MILLISECONDS);
        assertThat(at).isNotNull();
        assertThat((at - resumedAt) / 1_000_000).isLessThan(EARLY_MILLIS);
        assertThat(run.await(Duration.ofSeconds(10))).isNotNull();
    }
}
