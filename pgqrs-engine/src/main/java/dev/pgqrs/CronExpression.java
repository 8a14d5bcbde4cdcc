package dev.pgqrs;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinition;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A cron expression in a time zone: the slots of a schedule. Parsed with cron-utils, in one of two forms told
 * apart by the number of fields:
 * <ul>
 *   <li><b>Unix</b>, 5 fields: minute, hour, day of month, month, day of week ({@code 0 2 * * *}: 02:00 daily;
 *       {@code *}{@code /15 * * * 1-5}: every quarter hour on weekdays);</li>
 *   <li><b>Quartz</b>, 6 or 7 fields: second, minute, hour, day of month, month, day of week, and an optional
 *       year; one of the two day fields is {@code ?} ({@code *}{@code /1 * * * * ?}: every second;
 *       {@code 0 0 9 ? * MON#1}: 09:00 on the first Monday of the month).</li>
 * </ul>
 * Slots are wall-clock times of the zone, so the zone's rules decide daylight saving time: on a spring-forward
 * day a slot whose wall time falls in the skipped hour does not exist and is not fired (a daily 02:30 in Paris
 * skips the last Sunday of March; an hourly slot moves on with real time, one hour apart), and on a fall-back
 * day a wall time that happens twice fires once, at its first occurrence.
 */
public final class CronExpression {

    /** The forms, by field count. */
    public enum Form { UNIX, QUARTZ }

    private static final CronParser UNIX = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));
    private static final CronParser QUARTZ = new CronParser(quartz());

    private final String expression;
    private final ZoneId zone;
    private final Form form;
    private final ExecutionTime times;

    private CronExpression(String expression, ZoneId zone, Form form, ExecutionTime times) {
        this.expression = expression;
        this.zone = zone;
        this.form = form;
        this.times = times;
    }

    /** Parses {@code expression} for {@code zone}; refused with {@link InvalidScheduleException} naming it and why. */
    public static CronExpression parse(String expression, ZoneId zone) {
        if (expression == null || expression.isBlank()) {
            throw new InvalidScheduleException("cron expression must not be empty: give 5 fields (Unix: minute hour "
                    + "day-of-month month day-of-week) or 6-7 (Quartz: second first, '?' in one day field)");
        }
        if (zone == null) {
            throw new InvalidScheduleException("the time zone of cron expression '" + expression + "' must not be null");
        }
        String trimmed = expression.trim().replaceAll("\\s+", " ");
        int fields = trimmed.split(" ").length;
        Form form;
        CronParser parser;
        if (fields == 5) {
            form = Form.UNIX;
            parser = UNIX;
        } else if (fields == 6 || fields == 7) {
            form = Form.QUARTZ;
            parser = QUARTZ;
        } else {
            throw new InvalidScheduleException("invalid cron expression '" + Names.display(trimmed) + "': " + fields
                    + " fields; give 5 (Unix: minute hour day-of-month month day-of-week) or 6-7 (Quartz: second minute "
                    + "hour day-of-month month day-of-week [year], '?' in one day field)");
        }
        try {
            com.cronutils.model.Cron cron = parser.parse(trimmed).validate();
            return new CronExpression(trimmed, zone, form, ExecutionTime.forCron(cron));
        } catch (IllegalArgumentException e) {
            throw new InvalidScheduleException("invalid cron expression '" + Names.display(trimmed) + "' ("
                    + form.name().toLowerCase(java.util.Locale.ROOT) + " form, " + fields + " fields): " + e.getMessage(), e);
        }
    }

    /** As {@link #parse(String, ZoneId)}, with the zone by its id ({@code Europe/Paris}, {@code UTC}). */
    public static CronExpression parse(String expression, String zoneId) {
        return parse(expression, zone(zoneId));
    }

    /** A zone id, refused with {@link InvalidScheduleException} naming it. */
    public static ZoneId zone(String zoneId) {
        if (zoneId == null || zoneId.isBlank()) {
            throw new InvalidScheduleException("time zone must not be empty (e.g. UTC, Europe/Paris)");
        }
        try {
            return ZoneId.of(zoneId.trim());
        } catch (DateTimeException e) {
            throw new InvalidScheduleException("invalid time zone '" + Names.display(zoneId) + "': " + e.getMessage()
                    + " (give a region id such as Europe/Paris, or UTC)", e);
        }
    }

    /** The first slot strictly after {@code after}, if the expression has one (a past year has none). */
    public Optional<Instant> next(Instant after) {
        // cron-utils keeps the fraction of a second it is given (10:00:00.4 would lead to 10:00:01.4): slots fall on
        // whole seconds, and every slot after the whole second is after the instant too.
        return times.nextExecution(at(after.truncatedTo(ChronoUnit.SECONDS))).map(CronExpression::instant);
    }

    /** The last slot strictly before {@code before}, if any. */
    public Optional<Instant> previous(Instant before) {
        Instant whole = before.truncatedTo(ChronoUnit.SECONDS);
        Instant bound = whole.equals(before) ? whole : whole.plusSeconds(1);
        return times.lastExecution(at(bound)).map(CronExpression::instant);
    }

    /** The first slot at or after {@code from}. */
    public Optional<Instant> nextOrSame(Instant from) {
        return isSlot(from) ? Optional.of(from) : next(from);
    }

    /** The last slot at or before {@code at}. */
    public Optional<Instant> previousOrSame(Instant at) {
        Instant whole = at.truncatedTo(ChronoUnit.SECONDS);
        return isSlot(whole) ? Optional.of(whole) : previous(whole);
    }

    /** Whether {@code t} is itself a slot (slots fall on whole seconds). */
    public boolean isSlot(Instant t) {
        return t.truncatedTo(ChronoUnit.SECONDS).equals(t) && next(t.minusSeconds(1)).filter(t::equals).isPresent();
    }

    /** The next {@code count} slots strictly after {@code after}, fewer if the expression runs out. */
    public List<Instant> next(Instant after, int count) {
        List<Instant> out = new ArrayList<>(count);
        Instant t = after;
        while (out.size() < count) {
            Optional<Instant> n = next(t);
            if (n.isEmpty()) {
                break;
            }
            out.add(n.get());
            t = n.get();
        }
        return out;
    }

    public String expression() {
        return expression;
    }

    public ZoneId zone() {
        return zone;
    }

    public Form form() {
        return form;
    }

    private static Instant instant(ZonedDateTime t) {
        return t.toInstant().truncatedTo(ChronoUnit.SECONDS);
    }

    private ZonedDateTime at(Instant t) {
        return ZonedDateTime.ofInstant(t, zone);
    }

    /** Quartz's definition, with the validation cron-utils ships for it (one day field is '?'). */
    private static CronDefinition quartz() {
        return CronDefinitionBuilder.instanceDefinitionFor(CronType.QUARTZ);
    }

    @Override
    public String toString() {
        return expression + " (" + zone + ")";
    }
}
