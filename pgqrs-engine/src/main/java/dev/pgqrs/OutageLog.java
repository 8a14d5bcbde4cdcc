package dev.pgqrs;

import org.slf4j.Logger;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Logs a component's database outages without flooding the log: one WARN when its first operation
 * fails for want of the database, one INFO when an operation succeeds again (how long it lasted, how many
 * attempts failed meanwhile); the failures in between go to DEBUG. Outages that follow each other within
 * a minute of a recovery (connections killed every few hundred milliseconds, a flapping network) are
 * counted instead, and summed up in one INFO line per minute — unless one of them lasts 10 s or more,
 * which is then announced as any outage is.
 *
 * <p>Every component of the engine logs its outages this way; an application or integration that works
 * with a store can log its own (an HTTP intake, a file poller) the same way.
 */
public final class OutageLog {

    private static final long FLAP_WINDOW_NANOS = TimeUnit.MINUTES.toNanos(1);
    /** A short outage after a recent recovery is only counted, unless it goes on this long. */
    private static final long LONG_OUTAGE_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final Logger log;
    private final String component;
    private final LongSupplier nanoClock;
    private volatile long downSinceNanos = -1;
    private long failedAttempts;
    private boolean announced;
    private long lastRecoveryNanos = Long.MIN_VALUE;
    private long lastSummaryNanos;
    private long shortOutages;

    public OutageLog(Logger log, String component) {
        this(log, component, System::nanoTime);
    }

    OutageLog(Logger log, String component, LongSupplier nanoClock) {
        this.log = log;
        this.component = component;
        this.nanoClock = nanoClock;
        this.lastSummaryNanos = nanoClock.getAsLong();
    }

    /** Whether {@code e} means the database is away (and so belongs to this log rather than a stack trace). */
    public static boolean isOutage(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof StoreUnavailableException) {
                return true;
            }
        }
        return false;
    }

    /** An attempt failed because the database is away; {@code retry} says what happens next. */
    public synchronized void failed(Throwable e, String retry) {
        failedAttempts++;
        long now = nanoClock.getAsLong();
        if (downSinceNanos >= 0) {
            if (!announced && now - downSinceNanos >= LONG_OUTAGE_NANOS) {
                // It began as one more short outage of a flapping connection, but it lasts: say so once.
                announced = true;
                shortOutages--;
                log.warn("{}: database unreachable for {} ms ({}); {}; this is logged again when it is back", component,
                        TimeUnit.NANOSECONDS.toMillis(now - downSinceNanos), firstLine(e), retry);
                return;
            }
            log.debug("{}: database still unreachable (attempt {}): {}", component, failedAttempts, firstLine(e));
            return;
        }
        downSinceNanos = now;
        announced = lastRecoveryNanos == Long.MIN_VALUE || now - lastRecoveryNanos > FLAP_WINDOW_NANOS;
        if (announced) {
            log.warn("{}: database unreachable ({}); {}; this is logged again when it is back", component,
                    firstLine(e), retry);
        } else {
            shortOutages++;
            log.debug("{}: database unreachable again ({})", component, firstLine(e));
        }
    }

    /** An attempt succeeded: ends an outage, if there was one. */
    public void succeeded() {
        if (downSinceNanos >= 0 || shortOutages > 0) {
            recovered();
        }
    }

    private synchronized void recovered() {
        long now = nanoClock.getAsLong();
        if (downSinceNanos >= 0) {
            long lastedMillis = TimeUnit.NANOSECONDS.toMillis(now - downSinceNanos);
            if (announced) {
                log.info("{}: database reachable again after {} ms ({} failed attempt(s))", component, lastedMillis,
                        failedAttempts);
                lastSummaryNanos = now;
            } else {
                log.debug("{}: database reachable again after {} ms", component, lastedMillis);
            }
            downSinceNanos = -1;
            failedAttempts = 0;
            lastRecoveryNanos = now;
        }
        if (shortOutages > 0 && now - lastSummaryNanos >= FLAP_WINDOW_NANOS) {
            log.info("{}: {} more short database outage(s) in the last {} s, each recovered", component, shortOutages,
                    TimeUnit.NANOSECONDS.toSeconds(now - lastSummaryNanos));
            shortOutages = 0;
            lastSummaryNanos = now;
        }
    }

    public boolean isDown() {
        return downSinceNanos >= 0;
    }

    private static String firstLine(Throwable e) {
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
