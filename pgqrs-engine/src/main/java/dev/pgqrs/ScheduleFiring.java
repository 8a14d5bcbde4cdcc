package dev.pgqrs;

import java.time.Instant;

/**
 * One slot a schedule handled: when it was due, when it was fired, and what it enqueued.
 *
 * @param scheduledAt the slot (for a manual firing, the database's time of the request)
 * @param firedAt     when the firing committed its message, on the database's clock
 * @param messageId   the message enqueued (a workflow run's message for a workflow), null when skipped
 * @param runId       the workflow run triggered, null for a queue or when skipped
 */
public record ScheduleFiring(String schedule, Instant scheduledAt, Instant firedAt, Outcome outcome, Long messageId,
                             Long runId) {

    public enum Outcome {
        /** Fired at its slot (or caught up after it, per the schedule's {@link MissedFirings}). */
        FIRED,
        /** Fired by {@code schedules().triggerNow(name)}. */
        MANUAL,
        /** Not fired: a previous firing was still pending or running ({@link OverlapPolicy#SKIP}). */
        OVERLAP_SKIPPED
    }
}
