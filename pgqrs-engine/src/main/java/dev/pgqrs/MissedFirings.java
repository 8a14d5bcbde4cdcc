package dev.pgqrs;

/**
 * What a schedule does with the slots that passed while no process fired it (every process was down, the
 * schedule's cursor is behind). The most recent slot counts as on time for {@link #SKIP} while it is at most a
 * minute old; every earlier one is missed.
 */
public enum MissedFirings {
    /** Missed slots are dropped; only an on-time slot fires. */
    SKIP,
    /** One firing, for the most recent slot, stands for all the missed ones (the default, like Quartz's "fire now"). */
    FIRE_ONCE,
    /** Every missed slot fires, oldest first, at most the schedule's {@code maxCatchUp} most recent ones. */
    FIRE_ALL
}
