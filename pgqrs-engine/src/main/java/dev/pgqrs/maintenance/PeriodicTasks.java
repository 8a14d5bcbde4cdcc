package dev.pgqrs.maintenance;

import dev.pgqrs.OutageLog;
import dev.pgqrs.store.RepeatedFailureLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs a store's background tasks (heartbeats, lease keepers; maintenance on a pool of its own) on daemon threads. A task that fails
 * — typically because the database is away — is logged and tried again at its next turn; it never
 * stops the schedule.
 */
public final class PeriodicTasks implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PeriodicTasks.class);
    private static final AtomicInteger STORES = new AtomicInteger();

    private final ScheduledExecutorService executor;

    public PeriodicTasks() {
        // Two threads, so a slow task never delays the heartbeat that keeps workers alive.
        this("background", 2);
    }

    /** Tasks on {@code threads} daemon threads named after their {@code role}. */
    public PeriodicTasks(String role, int threads) {
        int store = STORES.incrementAndGet();
        AtomicInteger count = new AtomicInteger();
        ThreadFactory factory = r -> {
            Thread t = new Thread(r, "pgqrs-store" + store + "-" + role + "-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        this.executor = Executors.newScheduledThreadPool(threads, factory);
    }

    public void every(String name, Duration interval, Runnable task) {
        long millis = Math.max(1, interval.toMillis());
        OutageLog outage = new OutageLog(LOG, "background task '" + name + "'");
        RepeatedFailureLog failures = new RepeatedFailureLog(LOG, "background task '" + name + "'");
        executor.scheduleWithFixedDelay(() -> {
            try {
                task.run();
                outage.succeeded();
                failures.succeeded();
            } catch (RuntimeException e) {
                if (OutageLog.isOutage(e)) {
                    outage.failed(e, "retrying every " + millis + " ms");
                } else {
                    failures.failed(e, "retrying every " + millis + " ms");
                }
            }
        }, millis, millis, TimeUnit.MILLISECONDS);
    }

    /** The scheduler itself, for services that schedule their own work (lease keepers). */
    public ScheduledExecutorService scheduler() {
        return executor;
    }

    /** Runs a task once after a delay (dropped if the store closes first). */
    public void after(Duration delay, Runnable task) {
        try {
            executor.schedule(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.debug("delayed task failed", e);
                }
            }, Math.max(0, delay.toMillis()), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            // The store is closing: nobody is left to wake.
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
