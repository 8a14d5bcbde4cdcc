package dev.pgqrs.worker;

import dev.pgqrs.signal.Linger;
import dev.pgqrs.signal.QueueSignals;
import dev.pgqrs.OutageLog;
import org.slf4j.Logger;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * The poll loop of queue workers and workflow workers: fetch, and when a fetch found nothing, wait until
 * the queue is signalled (an enqueue in this process, a NOTIFY from another) or the idle wait passes,
 * which grows by {@code idleFactor} after each empty poll up to {@code maxIdleWait} (polling is the
 * fallback that finds what no signal announced). After a fetch that found work the loop lingers: for one
 * NOTIFY debounce window its waits are short (see {@link Linger}), so what other processes enqueue in the
 * window is taken before the window's trailing notification. A fetch that fails because the database is
 * away is logged once per outage and retried with the same back-off.
 */
public final class PollLoop {

    /** What one turn of the loop does. */
    @FunctionalInterface
    public interface Fetch {
        /**
         * Fetches and starts work: returns how many items it started; 0 when there was nothing (the loop then
         * waits for a signal); {@link #BUSY} when it could not take any now (the loop tries again at once:
         * the fetch itself waited for capacity).
         */
        int once() throws InterruptedException;
    }

    public static final int BUSY = -1;

    private final String name;
    private final QueueSignals signals;
    private final long queueId;
    private final Duration pollInterval;
    private final Duration maxIdleWait;
    private final double idleFactor;
    private final BooleanSupplier running;
    private final OutageLog outage;
    private final Logger log;

    public PollLoop(String name, QueueSignals signals, long queueId, Duration pollInterval, Duration maxIdleWait,
                    double idleFactor, BooleanSupplier running, Logger log) {
        this.name = name;
        this.signals = signals;
        this.queueId = queueId;
        this.pollInterval = pollInterval;
        this.maxIdleWait = maxIdleWait.compareTo(pollInterval) < 0 ? pollInterval : maxIdleWait;
        this.idleFactor = Math.max(1.0, idleFactor);
        this.running = running;
        this.log = log;
        this.outage = new OutageLog(log, name);
    }

    /** Runs until {@code running} turns false (wake the loop with a signal of its queue to stop it at once). */
    public void run(Fetch fetch) {
        long wait = pollInterval.toMillis();
        Linger.Tracker linger = signals.linger().tracker();
        while (running.getAsBoolean()) {
            // Read before the fetch, so a signal that lands between the fetch and the wait is not lost.
            long generation = signals.generation(queueId);
            int started;
            try {
                started = fetch.once();
                outage.succeeded();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                if (!running.getAsBoolean()) {
                    return;
                }
                if (OutageLog.isOutage(e)) {
                    outage.failed(e, "polling again with back-off up to " + maxIdleWait.toMillis() + " ms");
                } else {
                    log.warn("{}: polling failed ({}); trying again in {} ms", name, e.getMessage(), wait, e);
                }
                if (!await(generation, wait)) {
                    return;
                }
                wait = next(wait);
                continue;
            }
            if (started > 0 || started == BUSY) {
                if (started > 0) {
                    linger.foundWork();
                }
                wait = pollInterval.toMillis();
                continue;
            }
            try {
                boolean lingering = linger.lingering();
                boolean woken = signals.await(queueId, generation, linger.cap(Duration.ofMillis(wait)));
                // A linger's short wait says nothing about how idle the queue is: the back-off does not grow.
                wait = woken ? pollInterval.toMillis() : lingering ? wait : next(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private boolean await(long generation, long millis) {
        try {
            signals.await(queueId, generation, Duration.ofMillis(millis));
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private long next(long wait) {
        return (long) Math.min(maxIdleWait.toMillis(), Math.ceil(wait * idleFactor));
    }
}
