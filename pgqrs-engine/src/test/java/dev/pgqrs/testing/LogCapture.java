package dev.pgqrs.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.AppenderBase;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.LoggerFactory;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Everything a fault test could leak a secret into, and the log lines it counts: every log event of this
 * JVM (a logback appender on the root logger), every line of its child JVMs ({@link ChildJvm} hands them
 * over, their events parsed back into {@link Event}s), and every exception text a test saw
 * ({@link #exception}).
 *
 * <p>While installed, the library's loggers ({@code dev.pgqrs}) and HikariCP's log at DEBUG, so the
 * capture sees what a DEBUG configuration would print; the console keeps showing only what it showed
 * before (a filter on the existing appenders drops the extra DEBUG lines).
 *
 * <p>One capture per JVM ({@link #global()}), accumulating for the whole suite; tests take a
 * {@link #mark()} and count and search from there.
 */
public final class LogCapture {

    /** Loggers raised to DEBUG for the capture, with nothing extra shown on the console. */
    private static final List<String> DEBUG_LOGGERS = List.of("dev.pgqrs", "com.zaxxer.hikari");
    /** The process of events of this JVM; child events carry the child's label. */
    public static final String THIS_JVM = "test";

    private static volatile LogCapture global;

    /** One captured log event. */
    public record Event(String process, Level level, String logger, String thread, String message, String stackTrace) {

        public boolean isFrom(String loggerPrefix) {
            return logger.startsWith(loggerPrefix);
        }

        public String text() {
            return stackTrace == null || stackTrace.isEmpty() ? message : message + "\n" + stackTrace;
        }

        @Override
        public String toString() {
            return process + " " + level + " " + logger + " [" + thread + "] " + message;
        }
    }

    /** A position in what was captured: count and search from here. */
    public record Mark(int events, int texts) {
        /** The very beginning: everything captured in this JVM. */
        public static final Mark START = new Mark(0, 0);
    }

    private final List<Event> events = new ArrayList<>();
    /** Other texts in the order first seen; each kept once (the same exception text recurs often). */
    private final List<String> texts = new ArrayList<>();
    private final Set<String> distinctTexts = new HashSet<>();

    private LogCapture() {
    }

    /** The capture of this JVM, installed on first use. */
    public static LogCapture global() {
        LogCapture c = global;
        if (c == null) {
            synchronized (LogCapture.class) {
                c = global;
                if (c == null) {
                    c = new LogCapture();
                    c.install();
                    global = c;
                }
            }
        }
        return c;
    }

    private void install() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Map<String, Level> shownBefore = new TreeMap<>();
        for (String name : DEBUG_LOGGERS) {
            Logger logger = context.getLogger(name);
            shownBefore.put(name, logger.getEffectiveLevel());
            logger.setLevel(Level.DEBUG);
        }
        Filter<ILoggingEvent> asBefore = new Filter<>() {
            @Override
            public FilterReply decide(ILoggingEvent event) {
                for (Map.Entry<String, Level> e : shownBefore.entrySet()) {
                    if (event.getLoggerName().startsWith(e.getKey())) {
                        return event.getLevel().isGreaterOrEqual(e.getValue()) ? FilterReply.NEUTRAL : FilterReply.DENY;
                    }
                }
                return FilterReply.NEUTRAL;
            }
        };
        asBefore.start();
        for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
            it.next().addFilter(asBefore);
        }
        AppenderBase<ILoggingEvent> appender = new AppenderBase<>() {
            @Override
            protected void append(ILoggingEvent e) {
                String stack = e.getThrowableProxy() == null ? null : ThrowableProxyUtil.asString(e.getThrowableProxy());
                add(new Event(THIS_JVM, e.getLevel(), e.getLoggerName(), e.getThreadName(), e.getFormattedMessage(), stack));
            }
        };
        appender.setName("fault-log-capture");
        appender.setContext(context);
        appender.start();
        root.addAppender(appender);
    }

    private synchronized void add(Event event) {
        events.add(event);
    }

    /** A line a child JVM wrote: a log event ({@code LOG|LEVEL|logger|thread|message}) or any other output. */
    public synchronized void childLine(String child, String line) {
        if (line.startsWith(ChildJvm.LOG_PREFIX)) {
            String[] parts = line.split("\\|", 5);
            if (parts.length == 5) {
                events.add(new Event(child, Level.toLevel(parts[1], Level.INFO), parts[2], parts[3], parts[4], null));
                return;
            }
        }
        text(child + ": " + line);
    }

    /** An exception the test saw (its whole text: messages, causes, suppressed, stack). */
    public void exception(Throwable e) {
        StringWriter w = new StringWriter();
        e.printStackTrace(new PrintWriter(w));
        text(w.toString());
    }

    /** Any other text the test saw that the library produced (a health report, a toString()). */
    public synchronized void text(String text) {
        if (distinctTexts.add(text)) {
            texts.add(text);
        }
    }

    /** The current position: count and search from here with the {@code Mark} methods. */
    public synchronized Mark mark() {
        return new Mark(events.size(), texts.size());
    }

    public synchronized List<Event> events(Mark since) {
        return List.copyOf(events.subList(since.events(), events.size()));
    }

    /** Events since the mark that match, e.g. WARN events of the library's loggers. */
    public List<Event> events(Mark since, Predicate<Event> matching) {
        return events(since).stream().filter(matching).toList();
    }

    /** Count of events since the mark per process and logger, of the given level, from loggers with the prefix. */
    public Map<String, Long> countByLogger(Mark since, Level level, String loggerPrefix) {
        Map<String, Long> counts = new TreeMap<>();
        for (Event e : events(since)) {
            if (e.level().equals(level) && e.isFrom(loggerPrefix)) {
                counts.merge(e.process() + " " + e.logger(), 1L, Long::sum);
            }
        }
        return counts;
    }

    /**
     * Every text captured since the mark that contains {@code secret}, with the secret replaced by
     * {@code <SECRET>} (so a failure message shows where it leaked without leaking it once more). Empty when
     * nothing does.
     */
    public List<String> containing(String secret, Mark since) {
        List<String> found = new ArrayList<>();
        List<Event> newEvents;
        List<String> newTexts;
        synchronized (this) {
            newEvents = List.copyOf(events.subList(since.events(), events.size()));
            newTexts = List.copyOf(texts.subList(since.texts(), texts.size()));
        }
        for (Event e : newEvents) {
            if (e.text().contains(secret) || e.logger().contains(secret) || e.thread().contains(secret)) {
                found.add((e.process() + " " + e.level() + " " + e.logger() + ": " + e.text()).replace(secret, "<SECRET>"));
            }
        }
        for (String t : newTexts) {
            if (t.contains(secret)) {
                found.add(t.replace(secret, "<SECRET>"));
            }
        }
        return found;
    }

    /** Everything captured in this JVM that contains {@code secret} (see {@link #containing(String, Mark)}). */
    public List<String> containing(String secret) {
        return containing(secret, Mark.START);
    }

    /** How much has been captured: events and distinct other texts. */
    public synchronized String size() {
        return events.size() + " log events, " + texts.size() + " other texts";
    }
}
