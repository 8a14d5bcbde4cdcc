package dev.pgqrs.workflow;

import dev.pgqrs.RetryPolicy;

import dev.pgqrs.Names;

import java.util.Objects;

/**
 * A workflow definition: a name, the input and output types, the function, and the retry policy its
 * steps use unless they name their own. Immutable; define it once (a constant is fine) and
 * {@link Workflows#register register} it in each process that triggers or executes it.
 *
 * <pre>{@code
 * static final Workflow<Order, Receipt> CHECKOUT = Workflow.define("checkout", Order.class, Receipt.class,
 *         (ctx, order) -> {
 *             Reservation r = ctx.step("reserve", Reservation.class, () -> inventory.reserve(order));
 *             Payment p = ctx.step("charge", Payment.class, () -> payments.charge(order));
 *             return ctx.step("ship", Receipt.class, () -> shipping.ship(order, r, p));
 *         });
 * }</pre>
 *
 * <p>The name is also the name of the workflow's queue, so it follows the queue-name rules.
 *
 * <p>A definition has a {@linkplain #withVersion version} ({@value #DEFAULT_VERSION} unless set): a run records
 * the version that started it, and a worker executes only runs of its definition's version (and runs that
 * record none), so a deployment of new code leaves the runs started by the old code to processes that still
 * have it. For a change small enough to keep the version, see {@link RunContext#patched}.
 */
public final class Workflow<I, O> {

    /** The step that records failed attempts of the function under a {@linkplain #withRunRetryPolicy run retry policy}. */
    public static final String RUN_ATTEMPTS_STEP = "run:attempts";
    /** The reserved step that counts the deliveries of a run that took over a lease its worker had lost. */
    public static final String RUN_RECOVERIES_STEP = "run:recoveries";
    /** The version of a definition that names none. */
    public static final String DEFAULT_VERSION = "1";
    private static final int MAX_VERSION = 64;

    private final String name;
    private final Class<I> inputType;
    private final Class<O> outputType;
    private final WorkflowFunction<I, O> function;
    private final RetryPolicy retryPolicy;
    private final RetryPolicy runRetryPolicy;
    private final String version;

    private Workflow(String name, Class<I> inputType, Class<O> outputType, WorkflowFunction<I, O> function,
                     RetryPolicy retryPolicy, RetryPolicy runRetryPolicy, String version) {
        this.name = Names.requireWorkflowName(name);
        this.inputType = Objects.requireNonNull(inputType, "inputType");
        this.outputType = Objects.requireNonNull(outputType, "outputType");
        this.function = Objects.requireNonNull(function, "function");
        this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy");
        this.runRetryPolicy = runRetryPolicy;
        this.version = requireVersion(version);
    }

    /** A version is 1 to 64 characters; it is compared as text ("2" and "2.0" are different versions). */
    static String requireVersion(String version) {
        if (version == null || version.isBlank() || version.length() > MAX_VERSION) {
            throw new IllegalArgumentException("workflow version must be 1 to " + MAX_VERSION
                    + " characters, not blank, was '" + version + "'");
        }
        return version;
    }

    public static <I, O> Workflow<I, O> define(String name, Class<I> inputType, Class<O> outputType,
                                               WorkflowFunction<I, O> function) {
        return new Workflow<>(name, inputType, outputType, function, RetryPolicy.DEFAULT, null, DEFAULT_VERSION);
    }

    /** The policy for steps that name none ({@link RetryPolicy#DEFAULT} unless set). */
    public Workflow<I, O> withRetryPolicy(RetryPolicy policy) {
        return new Workflow<>(name, inputType, outputType, function, policy, runRetryPolicy, version);
    }

    /**
     * Retries the whole function when it throws outside any step, under {@code policy}, instead of
     * failing the run at once: the run waits for the back-off (holding no thread) and the function is
     * called again from the top, its completed steps replayed. After the last attempt the run fails
     * with {@code retries exhausted: workflow '…' failed N attempts}; {@link PermanentStepException},
     * the policy's non-retryable types and {@link PauseRunException} behave as they do in a step.
     *
     * <p>Meant for functions that are not deterministic code between steps but a unit of work of
     * their own, such as a route an integration runs for each run. Failed attempts are recorded, once
     * there is one, in the run's step {@value #RUN_ATTEMPTS_STEP} (retry count, last error, due time).
     * Without it (the default) a failure outside steps fails the run.
     */
    public Workflow<I, O> withRunRetryPolicy(RetryPolicy policy) {
        return new Workflow<>(name, inputType, outputType, function, retryPolicy,
                Objects.requireNonNull(policy, "policy"), version);
    }

    /**
     * The same definition under another version (1 to 64 characters; {@value #DEFAULT_VERSION} by default). Runs
     * triggered through it record the version; its workers execute only runs of that version, or of none.
     */
    public Workflow<I, O> withVersion(String version) {
        return new Workflow<>(name, inputType, outputType, function, retryPolicy, runRetryPolicy, version);
    }

    public String version() {
        return version;
    }

    public String name() {
        return name;
    }

    public Class<I> inputType() {
        return inputType;
    }

    public Class<O> outputType() {
        return outputType;
    }

    public WorkflowFunction<I, O> function() {
        return function;
    }

    public RetryPolicy retryPolicy() {
        return retryPolicy;
    }

    /** The policy retrying the function as a whole, or null when a failure outside steps fails the run. */
    public RetryPolicy runRetryPolicy() {
        return runRetryPolicy;
    }

    @Override
    public String toString() {
        return "Workflow{" + name + " v" + version + ": " + inputType.getSimpleName() + " -> "
                + outputType.getSimpleName() + "}";
    }
}
