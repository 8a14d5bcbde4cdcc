package dev.pgqrs.schedule;

import dev.pgqrs.CronExpression;
import dev.pgqrs.MissedFirings;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * Which slots one pass fires for a due schedule, and where its cursor goes next: the slots from the cursor up to
 * the database's time, filtered by the schedule's {@link MissedFirings} policy. Pure computation on the
 * expression's times; the firing itself is {@link ScheduleFirer}'s.
 *
 * @param slots      the slots to fire, oldest first
 * @param nextCursor the first slot after the database's time ({@link #NEVER} when the expression has no more)
 * @param dropped    whether due slots were left unfired (missed ones under SKIP, FIRE_ONCE or the FIRE_ALL bound)
 */
public record FiringPlan(List<Instant> slots, Instant nextCursor, boolean dropped) {

    /** The most recent slot still counts as on time for {@link MissedFirings#SKIP} while at most this old. */
    public static final Duration ON_TIME = Duration.ofMinutes(1);

    /** The cursor of an expression with no slot left (a past year): never due. */
    public static final Instant NEVER = Instant.parse("9999-12-31T23:59:59Z");

    public static FiringPlan of(CronExpression cron, Instant cursor, Instant now, MissedFirings policy, int maxCatchUp) {
        Optional<Instant> first = cron.nextOrSame(cursor);
        Optional<Instant> latest = cron.previousOrSame(now);
        if (first.isEmpty() || latest.isEmpty() || latest.get().isBefore(first.get())) {
            // Nothing due between the cursor and now (a cursor that is not a slot, set back by an operator).
            Instant next = first.filter(t -> t.isAfter(now)).or(() -> cron.next(now)).orElse(NEVER);
            return new FiringPlan(List.of(), next, false);
        }
        Instant last = latest.get();
        Instant next = cron.next(last).orElse(NEVER);
        boolean earlierDue = last.isAfter(first.get());
        return switch (policy) {
            case SKIP -> Duration.between(last, now).compareTo(ON_TIME) <= 0
                    ? new FiringPlan(List.of(last), next, earlierDue)
                    : new FiringPlan(List.of(), next, true);
            case FIRE_ONCE -> new FiringPlan(List.of(last), next, earlierDue);
            case FIRE_ALL -> catchUp(cron, first.get(), last, next, maxCatchUp);
        };
    }

    /** The {@code max} most recent slots from {@code first} to {@code last}, walking back from the last. */
    private static FiringPlan catchUp(CronExpression cron, Instant first, Instant last, Instant next, int max) {
        List<Instant> slots = new ArrayList<>();
        slots.add(last);
        Instant t = last;
        boolean dropped = false;
        while (true) {
            Optional<Instant> previous = cron.previous(t);
            if (previous.isEmpty() || previous.get().isBefore(first)) {
                break;
            }
            if (slots.size() == max) {
                dropped = true;
                break;
            }
            slots.add(previous.get());
            t = previous.get();
        }
        Collections.reverse(slots);
        return new FiringPlan(List.copyOf(slots), next, dropped);
    }
}
