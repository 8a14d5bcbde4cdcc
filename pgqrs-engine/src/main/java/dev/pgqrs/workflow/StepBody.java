package dev.pgqrs.workflow;

/** The work of a step that returns a value; the value is stored as JSON and replayed from there. */
@FunctionalInterface
public interface StepBody<T> {
    T call() throws Exception;
}
