package dev.pgqrs.fault;

import ch.qos.logback.classic.Level;
import dev.pgqrs.testing.LogCapture.Event;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The log lines of a fault, read the way an operator would: per process and component (the text before
 * {@code ": database"} of the library's outage lines, e.g. {@code background task 'heartbeat'}), how many
 * said the database went away (WARN) and came back (INFO); every other WARN or ERROR of the library;
 * and HikariCP's lines, counted separately.
 */
public final class OutageLines {

    private static final String DOWN = ": database unreachable (";
    private static final String UP = ": database reachable again after ";

    private final Map<String, Integer> down = new TreeMap<>();
    private final Map<String, Integer> up = new TreeMap<>();
    private final List<Event> otherWarnings = new ArrayList<>();
    private final Map<String, Integer> libraryWarnPerLogger = new TreeMap<>();
    private final Map<String, Integer> hikari = new TreeMap<>();
    private final Map<String, Integer> hikariPerLogger = new TreeMap<>();

    public OutageLines(List<Event> events) {
        for (Event e : events) {
            if (e.isFrom("com.zaxxer.hikari")) {
                if (e.level().isGreaterOrEqual(Level.INFO)) {
                    hikari.merge(e.process() + " " + e.level(), 1, Integer::sum);
                    hikariPerLogger.merge(e.process() + " " + e.level() + " " + e.logger(), 1, Integer::sum);
                }
                continue;
            }
            if (!e.isFrom("dev.pgqrs")) {
                continue;
            }
            if (e.level().isGreaterOrEqual(Level.WARN)) {
                libraryWarnPerLogger.merge(e.process() + " " + e.logger(), 1, Integer::sum);
            }
            int downAt = e.message().indexOf(DOWN);
            int upAt = e.message().indexOf(UP);
            if (e.level() == Level.WARN && downAt > 0) {
                down.merge(e.process() + " " + e.message().substring(0, downAt), 1, Integer::sum);
            } else if (e.level() == Level.INFO && upAt > 0) {
                up.merge(e.process() + " " + e.message().substring(0, upAt), 1, Integer::sum);
            } else if (e.level().isGreaterOrEqual(Level.WARN)) {
                otherWarnings.add(e);
            }
        }
    }

    /** "Database unreachable" WARN lines per process and component. */
    public Map<String, Integer> down() {
        return down;
    }

    /** "Database reachable again" INFO lines per process and component. */
    public Map<String, Integer> up() {
        return up;
    }

    /** The library's WARN and ERROR lines that are not outage lines. */
    public List<Event> otherWarnings() {
        return otherWarnings;
    }

    /** Every WARN and ERROR line of the library, per process and logger. */
    public Map<String, Integer> libraryWarningsPerLogger() {
        return libraryWarnPerLogger;
    }

    /** HikariCP's INFO and higher lines per process and level. */
    public Map<String, Integer> hikari() {
        return hikari;
    }

    public Map<String, Integer> hikariPerLogger() {
        return hikariPerLogger;
    }

    public int hikariTotal() {
        return hikari.values().stream().mapToInt(Integer::intValue).sum();
    }

    public int downTotal() {
        return down.values().stream().mapToInt(Integer::intValue).sum();
    }

    public int upTotal() {
        return up.values().stream().mapToInt(Integer::intValue).sum();
    }
}
