package dev.pgqrs.workflow;

import dev.pgqrs.RetryPolicy;

/**
 * What a failed step attempt leads to under its retry policy: a pause (the step threw
 * {@link PauseRunException}), a retry after a delay, or the run's failure — with the error documents
 * to store for the step and, when the run fails, for the run. The same rules apply to a failed attempt
 * of the whole function under a {@linkplain Workflow#withRunRetryPolicy run retry policy}.
 *
 * @param delayMillis for RETRY the wait before the next attempt; for PAUSE the pause's length, or
 *                    null for "until resumed"
 */
record StepFailure(Outcome outcome, Long delayMillis, String stepErrorJson, String runErrorJson) {

    /** Whether the failure pauses or fails the run, and so gives it an error of its own. */
    boolean setsRunError() {
        return runErrorJson != null;
    }

    enum Outcome { PAUSE, RETRY, FAIL }

    /** A step's attempt failed. */
    static StepFailure of(String step, RetryPolicy policy, Throwable error, int attempt) {
        return of("step '" + step + "'", step, policy, error, attempt);
    }

    /** An attempt of the workflow function failed outside its steps (run retry policy). */
    static StepFailure ofRun(String workflow, RetryPolicy policy, Throwable error, int attempt) {
        return of("workflow '" + workflow + "'", null, policy, error, attempt);
    }

    private static StepFailure of(String subject, String step, RetryPolicy policy, Throwable error, int attempt) {
        if (error instanceof PauseRunException pause) {
            Long millis = pause.duration() == null ? null : pause.duration().toMillis();
            return new StepFailure(Outcome.PAUSE, millis, WorkflowDocuments.stepPause(pause.getMessage(), millis),
                    WorkflowDocuments.runPause(pause.getMessage(), millis));
        }
        boolean retryable = policy.isRetryable(error);
        if (retryable && attempt < policy.maxAttempts()) {
            long delay = policy.delayAfter(attempt, error).toMillis();
            return new StepFailure(Outcome.RETRY, delay, WorkflowDocuments.stepFailure(error, attempt, true, delay), null);
        }
        String message = retryable
                ? "retries exhausted: " + subject + " failed " + attempt + " attempt" + (attempt == 1 ? "" : "s")
                  + "; last error: " + WorkflowDocuments.describe(error)
                : subject + " failed permanently on attempt " + attempt + ": " + WorkflowDocuments.describe(error);
        return new StepFailure(Outcome.FAIL, null, WorkflowDocuments.stepFailure(error, attempt, retryable, null),
                WorkflowDocuments.runFailure(retryable ? "retries_exhausted" : "permanent", message, error, step, attempt));
    }
}
