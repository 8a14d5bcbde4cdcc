package dev.pgqrs.workflow;

/** The work of a step that returns nothing. */
@FunctionalInterface
public interface StepAction {
    void run() throws Exception;
}
