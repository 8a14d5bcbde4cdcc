package dev.pgqrs.workflow;

/**
 * Ends the current execution of a run from inside a {@link RunContext} call: the run now waits (a
 * retry, a sleep, a pause, an event), has finished, or was given up by this worker. The transition
 * that explains it has already committed (or, when given up, nothing was written).
 *
 * <p>An {@link Error}, so that ordinary {@code catch (Exception e)} blocks in workflow code let it
 * through; without a stack trace, as it is control flow and not a failure.
 */
final class RunInterrupted extends Error {

    enum Kind {
        /** The run waits; a worker continues it when it is due. */
        WAITING,
        /** The run reached a final status. */
        FINISHED,
        /** This worker gave the run up (lost its lease, could not reach the database, was stopped). */
        ABANDONED
    }

    private final Kind kind;
    private final String outcome;

    RunInterrupted(Kind kind, String reason) {
        this(kind, reason, kind.name());
    }

    RunInterrupted(Kind kind, String reason, String outcome) {
        super(reason, null, false, false);
        this.kind = kind;
        this.outcome = outcome;
    }

    /** How the execution ended, in one word: the run's final status, WAITING or ABANDONED (its span says it). */
    String outcome() {
        return outcome;
    }

    Kind kind() {
        return kind;
    }
}
