package dev.pgqrs.fault;

import dev.pgqrs.Store;
import dev.pgqrs.RetryPolicy;
import dev.pgqrs.workflow.Workflow;

import java.time.Duration;
import java.util.List;

/**
 * The workflow the fault suite runs: three steps, each recording its execution in {@code fault_steps} —
 * {@code a} and {@code c} in a transaction of their own (a side effect outside the checkpoint:
 * at-least-once), {@code b} on the checkpoint's connection ({@code transactionalStep}: exactly-once). Its
 * input is a sequence number, its output {@code "ABC"}.
 *
 * <p>Hang points ({@link ChildControl}): {@code inside-a} (a's effect committed, the step not recorded),
 * {@code between-a-b}, {@code inside-b} (b's write made, not committed), {@code inside-c} (c started, no
 * effect yet), {@code before-finish} (every step recorded, the run's completion and its message's archive
 * not made).
 */
public final class FaultFlow {

    public static final String NAME = "fault-flow";
    static final List<String> POINTS = List.of("inside-a", "between-a-b", "inside-b", "inside-c", "before-finish");

    /**
     * Steps that fail because the database is away are retried (quickly, many times): an outage must
     * delay runs, not fail them.
     */
    public static final RetryPolicy RETRIES = RetryPolicy.exponential(30, Duration.ofMillis(100), Duration.ofSeconds(2));

    /** Where a flow's execution may be stopped dead. */
    @FunctionalInterface
    public interface Hang {
        void at(String point);

        Hang NEVER = point -> { };
    }

    private FaultFlow() {
    }

    /** The definition; {@code store} and {@code process} are only used where runs execute. */
    public static Workflow<Long, String> define(Store store, String process, Hang hang) {
        return Workflow.define(NAME, Long.class, String.class, (ctx, seq) -> {
            long run = ctx.runId();
            String a = ctx.step("a", String.class, () -> {
                store.inTransaction(c -> Effects.step(c, run, "a", process));
                hang.at("inside-a");
                return "A";
            });
            hang.at("between-a-b");
            String b = ctx.transactionalStep("b", String.class, c -> {
                Effects.step(c, run, "b", process);
                hang.at("inside-b");
                return "B";
            });
            String c = ctx.step("c", String.class, () -> {
                hang.at("inside-c");
                store.inTransaction(cn -> Effects.step(cn, run, "c", process));
                return "C";
            });
            hang.at("before-finish");
            return a + b + c;
        }).withRetryPolicy(RETRIES);
    }
}
