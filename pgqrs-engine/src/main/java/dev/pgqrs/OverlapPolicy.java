package dev.pgqrs;

/** Whether a schedule fires while the message of a previous firing is still pending or its run still running. */
public enum OverlapPolicy {
    /** Every slot fires, whatever became of the earlier firings (the default). */
    ALLOW,
    /**
     * A slot is skipped (recorded as {@link ScheduleFiring.Outcome#OVERLAP_SKIPPED}) while a previous firing's
     * message is not archived: still waiting, leased, or a workflow run not finished (paused, retrying).
     */
    SKIP
}
