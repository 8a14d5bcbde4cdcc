package dev.pgqrs.maintenance;

import dev.pgqrs.ReapResult;
import dev.pgqrs.store.Availability;
import dev.pgqrs.store.Database;
import dev.pgqrs.store.WorkerRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Declares workers dead when their heartbeat is older than the stale timeout, and makes the
 * messages they leased visible again (delivery count kept). One transaction per pass; safe to run
 * in every process at once, since each pass is a set of conditional updates.
 *
 * <p>Leases also expire on their own (a message whose visibility timeout passed is delivered
 * again); the reaper only shortens the wait when a consumer died holding long leases.
 */
public final class WorkerReaper {

    private static final Logger LOG = LoggerFactory.getLogger(WorkerReaper.class);

    private final Database database;
    private final Duration staleAfter;
    private final WorkerRepository workers;

    public WorkerReaper(Database database, Duration staleAfter) {
        this.database = database;
        this.staleAfter = staleAfter;
        this.workers = new WorkerRepository(database.dialect());
    }

    /**
     * The background pass. It declares nobody dead unless this process has itself reached the database
     * without a break for a whole stale timeout: after an outage every worker's heartbeat is old, and
     * their owners need a full timeout of working database to beat again before anyone may judge them.
     * While the database is away it only probes, so it notices when it is back.
     */
    public ReapResult reapWhenTrusted() {
        Availability availability = database.availability();
        if (!availability.reachableFor(staleAfter)) {
            if (!availability.isReachable()) {
                database.probe();
            }
            return ReapResult.NONE;
        }
        // Asked again once the connection is in hand: a pass that waited long for it (the database was away
        // meanwhile, though nothing failed) must not judge heartbeats that waited just as long.
        return reap(() -> availability.reachableFor(staleAfter));
    }

    /** One pass now, whatever this process knows of recent outages (an operator's explicit request). */
    public ReapResult reapOnce() {
        return reap(() -> true);
    }

    private ReapResult reap(BooleanSupplier trusted) {
        ReapResult result = database.transaction("reap stale workers",
                c -> trusted.getAsBoolean() ? workers.reap(c, staleAfter.toMillis(), null) : ReapResult.NONE);
        if (result.workers() > 0) {
            LOG.info("reaped {} stale worker(s) (no heartbeat for {}), released {} message(s)",
                    result.workers(), staleAfter, result.messages());
        }
        return result;
    }
}
