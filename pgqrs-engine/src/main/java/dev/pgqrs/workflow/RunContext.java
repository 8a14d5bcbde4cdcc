package dev.pgqrs.workflow;

import dev.pgqrs.RetryPolicy;

import com.fasterxml.jackson.core.type.TypeReference;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What a {@link WorkflowFunction} uses to run durable steps. One per execution of a run, valid while
 * the function runs; never call it inside a step body (steps do not nest). Calls must not overlap:
 * make them from the function's thread, or hand the context from thread to thread one call at a time
 * (as a pipeline that continues on another thread does); overlapping calls fail with
 * {@link IllegalStateException}.
 *
 * <p>Steps are keyed by name within a run: a step that completed returns its stored output (read back
 * as the requested type) and does not run again. Names must be unique within a run and at most 255
 * characters. A step's result must survive a JSON round trip with Jackson.
 *
 * <p>Methods that make the run wait ({@code sleep}, {@code pause}, {@code recv}, and a failed step
 * waiting for its retry) record the wait and end the current execution by throwing an internal
 * {@link Error}; do not catch {@code Throwable} around them. The run continues from the top when it is
 * due, on whichever worker takes it. Code that must carry such an error across a framework that
 * catches everything (an integration running a pipeline) may stop the pipeline and rethrow it from the
 * function; anything the function does once the execution has ended is ignored.
 */
public interface RunContext {

    long runId();

    String workflow();

    /** The policy of steps that name none: the workflow's ({@link Workflow#withRetryPolicy}). */
    RetryPolicy retryPolicy();

    /** Runs {@code body} once for this run and returns its result; on replay returns the stored result. */
    default <T> T step(String name, Class<T> type, StepBody<T> body) {
        return step(name, type, retryPolicy(), body);
    }

    /** As {@link #step(String, Class, StepBody)} with a retry policy of its own. */
    <T> T step(String name, Class<T> type, RetryPolicy policy, StepBody<T> body);

    /**
     * As {@link #step(String, Class, RetryPolicy, StepBody)}, each attempt limited to {@code timeout}: an attempt
     * still running then has its thread interrupted and fails with {@link StepTimeoutException} (recorded with
     * {@code "timed_out": true}), retried under {@code policy} like any retryable failure. A body that ignores
     * interrupts still fails when it returns, its result discarded.
     */
    <T> T step(String name, Class<T> type, RetryPolicy policy, Duration timeout, StepBody<T> body);

    /**
     * A step that starts a child run of {@code child} with {@code input} and returns the child's output (its
     * version is recorded on the child run). Durable: the run waits without a thread while the child runs, and
     * the step records the child's id when it starts it, so an execution after a crash or a restart waits for the
     * same child and starts none. The child inherits this run's deadline; cancelling this run cancels it.
     *
     * @throws ChildRunFailedException (ending the run ERROR) when the child fails or is cancelled: not retried
     *                                 under this run's policy, as a retry would start a second child
     */
    <T> T runChild(String step, Workflow<?, T> child, Object input);

    /** As {@link #runChild(String, Workflow, Object)} for a workflow registered by name, recording no version. */
    <T> T runChild(String step, String workflow, Object input, Class<T> outputType);

    /**
     * A marker for a change made without a new {@linkplain Workflow#withVersion version}, in the style of DBOS's
     * {@code patch()}: true when this run takes the new code at this point — it had not reached this point before
     * the change, or it took the new branch before — and false for a run that had already gone past this point
     * with the old code (it has recorded steps this execution has not reached yet). The answer is recorded (a
     * step {@code patch:<name>}) and is the same in every later execution of the run.
     *
     * <pre>{@code
     * if (ctx.patched("charge-v2")) {
     *     ctx.step("charge-v2", Receipt.class, () -> payments.chargeWithTax(order));
     * } else {
     *     ctx.step("charge", Receipt.class, () -> payments.charge(order));
     * }
     * }</pre>
     */
    boolean patched(String name);

    /** For generic results, e.g. {@code new TypeReference<List<Item>>() {}}. */
    default <T> T step(String name, TypeReference<T> type, StepBody<T> body) {
        return step(name, type, retryPolicy(), body);
    }

    <T> T step(String name, TypeReference<T> type, RetryPolicy policy, StepBody<T> body);

    /** A step without a result. */
    default void step(String name, StepAction action) {
        step(name, retryPolicy(), action);
    }

    default void step(String name, RetryPolicy policy, StepAction action) {
        Objects.requireNonNull(action, "action");
        step(name, Void.class, policy, () -> {
            action.run();
            return null;
        });
    }

    /**
     * A step whose database writes commit atomically with its completion: {@code body} receives the
     * connection of the checkpoint transaction. Exactly-once for what it writes through that connection.
     * On SQLite the transaction holds the database's write lock while the body runs: keep it short.
     */
    default <T> T transactionalStep(String name, Class<T> type, TransactionalStepBody<T> body) {
        return transactionalStep(name, type, retryPolicy(), body);
    }

    <T> T transactionalStep(String name, Class<T> type, RetryPolicy policy, TransactionalStepBody<T> body);

    /**
     * Durable sleep: the first time, records the wake-up time and ends this execution; the run continues
     * after {@code duration}, across restarts, holding no thread meanwhile.
     */
    void sleep(String name, Duration duration);

    /** Pauses the run ({@code PAUSED}) until {@link Workflows#resume} is called for it. */
    void pause(String name);

    /** Pauses the run for {@code atMost}, or until resumed if that comes first. */
    void pause(String name, Duration atMost);

    /**
     * Receives the oldest event sent to this run under {@code topic} ({@link Workflows#send}), waiting
     * up to {@code timeout} for one (durably: the wait survives restarts and holds no thread). Empty on
     * timeout. The received value is recorded as a step ({@code recv:<topic>}, then {@code recv:<topic>#2}
     * for the second call, …) and replayed from there.
     */
    <T> Optional<T> recv(String topic, Class<T> type, Duration timeout);

    /** Inside a step body: which attempt this is (1 for the first). */
    int attempt();
}
