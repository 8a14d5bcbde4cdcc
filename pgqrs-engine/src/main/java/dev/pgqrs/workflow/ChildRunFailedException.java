package dev.pgqrs.workflow;

/**
 * A child run ended without a result (failed or cancelled): the parent's step that awaited it fails for good.
 * It is not retried, whatever the parent's policy: a retry would start a second child, and the child's own
 * steps have retried already. The parent run then fails with this as its step's error.
 */
public class ChildRunFailedException extends PermanentStepException {

    private final RunInfo child;

    public ChildRunFailedException(String step, RunInfo child) {
        super("child run " + child.id() + " of workflow '" + child.workflow() + "' started by step '" + step + "' "
                + (child.status() == RunStatus.CANCELLED ? "was cancelled" : "failed")
                + (child.errorMessage() == null ? "" : ": " + child.errorMessage()));
        this.child = child;
    }

    public RunInfo child() {
        return child;
    }
}
