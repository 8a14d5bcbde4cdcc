package dev.pgqrs;

import java.time.Instant;
import java.time.ZoneId;

/**
 * A schedule as stored.
 *
 * @param payloadJson the message payload, or the workflow run's input, as JSON text
 * @param nextFireAt  the earliest slot not handled yet (the cursor); when paused, the slot it would fire next
 * @param pausedAt    when it was paused, or null while it is active
 */
public record ScheduleInfo(String name, String cron, ZoneId timeZone, ScheduleSpec.Target target, String targetName,
                           String payloadJson, MissedFirings missedFirings, int maxCatchUp, OverlapPolicy overlap,
                           Instant nextFireAt, Instant pausedAt, Instant createdAt, Instant updatedAt) {

    public boolean paused() {
        return pausedAt != null;
    }
}
