package dev.pgqrs.workflow;

/**
 * The ways a step attempt ends early other than by an error of the runtime, as exceptions: thrown out
 * of a transactional step's transaction (which rolls back on any exception, taking the attempt's writes
 * with it) and caught by {@link StepRunner} just outside it. Control flow, so without stack traces.
 */
abstract sealed class StepAttemptExit extends RuntimeException {

    private StepAttemptExit(Throwable cause) {
        super(null, cause, false, false);
    }

    /** The step body threw, or its result cannot be stored (cause); or the worker was halted (no cause). */
    static final class BodyFailed extends StepAttemptExit {
        BodyFailed(Throwable cause) {
            super(cause);
        }
    }

    /** Another execution recorded the step first: its stored output wins over this attempt's result. */
    static final class AlreadyRecorded extends StepAttemptExit {
        final StepInfo step;

        AlreadyRecorded(StepInfo step) {
            super(null);
            this.step = step;
        }
    }
}
