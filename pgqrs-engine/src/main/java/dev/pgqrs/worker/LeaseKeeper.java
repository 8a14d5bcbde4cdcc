package dev.pgqrs.worker;

import dev.pgqrs.store.Lease;
import dev.pgqrs.OutageLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Keeps the leases of in-flight work alive, for queue workers and workflow workers alike: every third of
 * the lease duration, one statement extends the lease of every delivery still being worked on. A delivery
 * whose lease was lost meanwhile (it expired and was delivered again, or the worker was declared dead) is
 * reported once and dropped.
 *
 * <p>Deliveries are counted, not kept in a set: the same delivery can be tracked twice for a moment (a run
 * given back and claimed again by the same worker before its previous execution finished unwinding), and
 * the first one to end must not stop the other's lease from being kept.
 */
public final class LeaseKeeper implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LeaseKeeper.class);
    /** The one extension rule: every third of the lease, but not more often than every 100 ms. */
    private static final long MIN_PERIOD_MILLIS = 100;

    private final ConcurrentHashMap<Lease, Integer> held = new ConcurrentHashMap<>();
    private final Function<List<Lease>, List<Lease>> extend;
    private final Consumer<Lease> onLost;
    private final OutageLog outage;
    private final BooleanSupplier databaseReachable;
    private final String owner;
    private ScheduledFuture<?> task;

    /**
     * @param owner  what the leases belong to, for the log
     * @param extend extends the given leases by the lease duration; returns those still held
     * @param onLost told once about each delivery whose lease was lost while it was tracked
     * @param databaseReachable whether the store's other work reaches the database: ends an outage this keeper
     *                          saw when it has nothing left to extend
     */
    public LeaseKeeper(String owner, Function<List<Lease>, List<Lease>> extend, Consumer<Lease> onLost,
                       BooleanSupplier databaseReachable) {
        this.owner = owner;
        this.extend = extend;
        this.onLost = onLost;
        this.databaseReachable = databaseReachable;
        this.outage = new OutageLog(LOG, "lease keeper of " + owner);
    }

    /** How often leases of {@code leaseDuration} are extended. */
    public static Duration period(Duration leaseDuration) {
        return Duration.ofMillis(Math.max(MIN_PERIOD_MILLIS, leaseDuration.toMillis() / 3));
    }

    public synchronized LeaseKeeper start(ScheduledExecutorService scheduler, Duration leaseDuration) {
        long every = period(leaseDuration).toMillis();
        task = scheduler.scheduleWithFixedDelay(this::extendAll, every, every, TimeUnit.MILLISECONDS);
        return this;
    }

    public void track(Lease lease) {
        held.merge(lease, 1, Integer::sum);
    }

    public void untrack(Lease lease) {
        held.computeIfPresent(lease, (l, n) -> n == 1 ? null : n - 1);
    }

    /** Deliveries tracked now. */
    public int size() {
        return held.size();
    }

    public boolean isTracked(Lease lease) {
        return held.containsKey(lease);
    }

    /** One extension pass now (the schedule runs it every {@link #period}). */
    public void extendAll() {
        if (held.isEmpty()) {
            if (outage.isDown() && databaseReachable.getAsBoolean()) {
                outage.succeeded(); // the outage's end is logged even when no lease was left to extend
            }
            return;
        }
        List<Lease> leases = new ArrayList<>(held.keySet());
        try {
            Set<Lease> extended = new HashSet<>(extend.apply(leases));
            outage.succeeded();
            for (Lease lease : leases) {
                // A delivery that ended while we extended is simply gone from held.
                if (!extended.contains(lease) && held.remove(lease) != null) {
                    onLost.accept(lease);
                }
            }
        } catch (RuntimeException e) {
            if (OutageLog.isOutage(e)) {
                outage.failed(e, "leases that expire meanwhile are delivered again");
            } else {
                LOG.warn("lease keeper of {} could not extend {} lease(s) ({}); retrying at its next turn", owner,
                        leases.size(), e.getMessage());
            }
        }
    }

    @Override
    public synchronized void close() {
        if (task != null) {
            task.cancel(false);
            task = null;
        }
        held.clear();
    }
}
