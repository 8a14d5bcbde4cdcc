package dev.pgqrs.workflow;

/**
 * The body of a workflow: runs its steps through the {@link RunContext} and returns the run's output.
 *
 * <p>It is executed again from the top whenever a run resumes (after a crash, a retry back-off, a sleep,
 * a pause or an event wait); completed steps then return their stored output without running. So the
 * code between steps must be deterministic — the same input and step outputs must lead to the same
 * steps, in the same order — and anything with a side effect, or a result that may change (time,
 * random numbers, reads from outside), belongs in a step.
 */
@FunctionalInterface
public interface WorkflowFunction<I, O> {
    O run(RunContext context, I input) throws Exception;
}
