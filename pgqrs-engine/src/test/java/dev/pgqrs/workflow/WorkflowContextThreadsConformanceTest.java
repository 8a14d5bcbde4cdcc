package dev.pgqrs.workflow;

import dev.pgqrs.Store;
import dev.pgqrs.testing.ConformanceTest;
import dev.pgqrs.testing.TestBackend;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static dev.pgqrs.workflow.WorkflowTesting.AWAIT;
import static dev.pgqrs.workflow.WorkflowTesting.fastWorker;
import static dev.pgqrs.workflow.WorkflowTesting.quickRetries;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A RunContext handed from thread to thread, one call at a time (as a pipeline that continues on
 * another thread does), works like one used from the function's thread; overlapping calls and calls
 * after the function returned are refused.
 */
class WorkflowContextThreadsConformanceTest {

    @ConformanceTest
    void stepsCalledFromOtherThreadsOneAtATimeAreRecordedAndReplayed(TestBackend backend) throws Exception {
        Store store = backend.open();
        ExecutorService hop = Executors.newSingleThreadExecutor();
        AtomicInteger failures = new AtomicInteger();
        List<String> bodies = new CopyOnWriteArrayList<>();
        try {
            Workflow<String, String> wf = Workflow.define("hopping", String.class, String.class, (ctx, in) -> {
                String a = CompletableFuture.supplyAsync(() -> ctx.step("a", String.class, () -> {
                    bodies.add("a");
                    return "A";
                }), hop).join();
                String b = ctx.step("b", String.class, () -> {
                    bodies.add("b");
                    return "B";
                });
                return CompletableFuture.supplyAsync(() -> ctx.step("c", String.class, () -> {
                    bodies.add("c");
                    if (failures.incrementAndGet() == 1) {
                        throw new IllegalStateException("once");
                    }
                    return a + b + "C";
                }), hop).join();
            }).withRetryPolicy(quickRetries(3));
            store.workflows().startWorker(wf, fastWorker());

            RunHandle<String> run = store.workflows().trigger(wf, "x");

            assertThat(run.await(AWAIT)).isEqualTo("ABC");
            assertThat(bodies).containsExactly("a", "b", "c", "c");
            assertThat(store.workflows().details(run.id()).steps()).extracting(StepInfo::name).containsExactly("a", "b", "c");
        } finally {
            hop.shutdownNow();
        }
    }

    @ConformanceTest
    void overlappingCallsAndCallsAfterTheFunctionReturnedAreRefused(TestBackend backend) throws Exception {
        Store store = backend.open();
        AtomicReference<Throwable> overlapping = new AtomicReference<>();
        AtomicReference<RunContext> kept = new AtomicReference<>();
        Workflow<String, String> wf = Workflow.define("overlap", String.class, String.class, (ctx, in) -> {
            kept.set(ctx);
            return ctx.step("slow", String.class, () -> {
                // Another thread calls while this step's body runs.
                Thread other = new Thread(() -> {
                    try {
                        ctx.step("meanwhile", String.class, () -> "no");
                    } catch (Throwable t) {
                        overlapping.set(t);
                    }
                });
                other.start();
                other.join();
                return "done";
            });
        });
        store.workflows().startWorker(wf, fastWorker());

        assertThat(store.workflows().trigger(wf, "x").await(AWAIT)).isEqualTo("done");

        assertThat(overlapping.get()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("was used by two threads at once, one of them inside a step body");
        assertThatThrownBy(() -> kept.get().step("late", String.class, () -> "late"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("was used after its workflow function returned");
    }
}
