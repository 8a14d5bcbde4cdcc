package dev.pgqrs;

import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;

/**
 * What a schedule is: a name, a cron expression in a time zone, what a firing does (enqueue a payload on a queue,
 * or trigger a workflow with it as the run's input), and its policies for missed slots and overlapping firings.
 * Checked when built: a bad expression or zone is refused with {@link InvalidScheduleException} naming it.
 *
 * <pre>{@code
 * store.schedules().create(ScheduleSpec.enqueue("nightly-report", "reports", "0 2 * * *")
 *         .timeZone("Europe/Paris")
 *         .payload(Map.of("report", "daily"))
 *         .build());
 * }</pre>
 */
public record ScheduleSpec(String name, CronExpression cron, Target target, String targetName, Object payload,
                           MissedFirings missedFirings, int maxCatchUp, OverlapPolicy overlap) {

    /** What a firing does. */
    public enum Target {
        /** Enqueues the payload on the queue. */
        QUEUE,
        /** Triggers a run of the workflow with the payload as its input. */
        WORKFLOW
    }

    /** Slots {@link MissedFirings#FIRE_ALL} catches up at most, unless told otherwise. */
    public static final int DEFAULT_MAX_CATCH_UP = 10;
    /** The bound of {@code maxCatchUp}: a catch-up is one transaction. */
    public static final int MAX_CATCH_UP_LIMIT = 1_000;

    public ScheduleSpec {
        Names.requireKey("schedule name", name);
        if (cron == null) {
            throw new InvalidScheduleException("schedule '" + Names.display(name) + "' needs a cron expression");
        }
        if (target == Target.QUEUE) {
            Names.requireQueueName(targetName);
        } else if (target == Target.WORKFLOW) {
            Names.requireWorkflowName(targetName);
        } else {
            throw new InvalidScheduleException("schedule '" + Names.display(name) + "' needs a target: a queue or a workflow");
        }
        if (missedFirings == null || overlap == null) {
            throw new InvalidScheduleException("schedule '" + Names.display(name) + "': missedFirings and overlap must not be null");
        }
        if (maxCatchUp < 1 || maxCatchUp > MAX_CATCH_UP_LIMIT) {
            throw new InvalidScheduleException("schedule '" + Names.display(name) + "': maxCatchUp=" + maxCatchUp
                    + " is invalid: must be between 1 and " + MAX_CATCH_UP_LIMIT);
        }
        if (payload == null) {
            payload = Map.of();
        }
    }

    /** A schedule that enqueues on {@code queue}. */
    public static Builder enqueue(String name, String queue, String cron) {
        return new Builder(name, Target.QUEUE, queue, cron);
    }

    /** A schedule that triggers runs of {@code workflow}. */
    public static Builder workflow(String name, String workflow, String cron) {
        return new Builder(name, Target.WORKFLOW, workflow, cron);
    }

    public static final class Builder {
        private final String name;
        private final Target target;
        private final String targetName;
        private final String cron;
        private ZoneId zone = ZoneOffset.UTC;
        private Object payload = Map.of();
        private MissedFirings missedFirings = MissedFirings.FIRE_ONCE;
        private int maxCatchUp = DEFAULT_MAX_CATCH_UP;
        private OverlapPolicy overlap = OverlapPolicy.ALLOW;

        private Builder(String name, Target target, String targetName, String cron) {
            this.name = name;
            this.target = target;
            this.targetName = targetName;
            this.cron = cron;
        }

        /** The zone whose wall clock the expression reads (default UTC). */
        public Builder timeZone(ZoneId zone) {
            this.zone = zone;
            return this;
        }

        public Builder timeZone(String zoneId) {
            this.zone = CronExpression.zone(zoneId);
            return this;
        }

        /**
         * The message payload, or the workflow run's input: anything the store's codec writes as JSON (a map, a
         * record, a {@code JsonNode}); default {@code {}}. Checked against the store's payload rules on create.
         */
        public Builder payload(Object payload) {
            this.payload = payload;
            return this;
        }

        public Builder missedFirings(MissedFirings policy) {
            this.missedFirings = policy;
            return this;
        }

        /** How many of the most recent missed slots {@link MissedFirings#FIRE_ALL} fires (default 10, at most 1000). */
        public Builder maxCatchUp(int maxCatchUp) {
            this.maxCatchUp = maxCatchUp;
            return this;
        }

        public Builder overlap(OverlapPolicy overlap) {
            this.overlap = overlap;
            return this;
        }

        public ScheduleSpec build() {
            CronExpression parsed;
            try {
                parsed = CronExpression.parse(cron, zone);
            } catch (InvalidScheduleException e) {
                throw new InvalidScheduleException("schedule '" + Names.display(name) + "': " + e.getMessage(), e);
            }
            return new ScheduleSpec(name, parsed, target, targetName, payload, missedFirings, maxCatchUp, overlap);
        }
    }
}
