package dev.pgqrs.workflow;

import dev.pgqrs.PgqrsException;

import java.time.Duration;

/**
 * Thrown by a step to pause its run: the run becomes {@code PAUSED}, no thread waits for it, and the
 * step runs again (the attempt is not counted) after {@code duration}, or when the run is
 * {@link Workflows#resume resumed}, whichever comes first.
 */
public class PauseRunException extends PgqrsException {

    private final Duration duration;

    private PauseRunException(String reason, Duration duration) {
        super(reason);
        this.duration = duration;
    }

    /** Pause until {@link Workflows#resume} is called for the run. */
    public static PauseRunException untilResumed(String reason) {
        return new PauseRunException(reason, null);
    }

    /** Pause for a while (or until resumed, if that comes first). */
    public static PauseRunException forDuration(Duration duration, String reason) {
        if (duration == null || duration.isNegative()) {
            throw new IllegalArgumentException("pause duration must not be negative, was " + duration);
        }
        return new PauseRunException(reason, duration);
    }

    /** How long to pause, or null for "until resumed". */
    public Duration duration() {
        return duration;
    }
}
