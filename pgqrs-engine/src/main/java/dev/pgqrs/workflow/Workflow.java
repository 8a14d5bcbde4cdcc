package dev.pgqrs.workflow;

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
 */
public final class Workflow<I, O> {

    private final String name;
    private final Class<I> inputType;
    private final Class<O> outputType;
    private final WorkflowFunction<I, O> function;
    private final RetryPolicy retryPolicy;

    private Workflow(String name, Class<I> inputType, Class<O> outputType, WorkflowFunction<I, O> function,
                     RetryPolicy retryPolicy) {
        this.name = Names.requireWorkflowName(name);
        this.inputType = Objects.requireNonNull(inputType, "inputType");
        this.outputType = Objects.requireNonNull(outputType, "outputType");
        this.function = Objects.requireNonNull(function, "function");
        this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy");
    }

    public static <I, O> Workflow<I, O> define(String name, Class<I> inputType, Class<O> outputType,
                                               WorkflowFunction<I, O> function) {
        return new Workflow<>(name, inputType, outputType, function, RetryPolicy.DEFAULT);
    }

    /** The policy for steps that name none ({@link RetryPolicy#DEFAULT} unless set). */
    public Workflow<I, O> withRetryPolicy(RetryPolicy policy) {
        return new Workflow<>(name, inputType, outputType, function, policy);
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

    @Override
    public String toString() {
        return "Workflow{" + name + ": " + inputType.getSimpleName() + " -> " + outputType.getSimpleName() + "}";
    }
}
