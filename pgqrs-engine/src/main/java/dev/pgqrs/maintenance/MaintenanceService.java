package dev.pgqrs.maintenance;

import dev.pgqrs.store.Database;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The maintenance of one database, run by one elected process: every process that has maintenance on registers
 * the same tasks ({@link #every}) and campaigns, and only the leader's tasks do anything. A task is a name, an
 * interval and a {@code Runnable} — the worker reaper, retention, dedup-key expiry, idempotency-key cleaning, and
 * whatever is registered later — run on a pool of its own, never two passes of one task at once. A process that
 * becomes leader runs each task at that task's next turn.
 *
 * <p>Election ticks every quarter of {@code reaper_interval}, and leadership is trusted for half of it: a leader
 * killed with {@code kill -9} is replaced within one reaper interval (on PostgreSQL at the next tick of another
 * process, since the server releases a dead session's lock; on SQLite once its lease has expired).
 */
public final class MaintenanceService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MaintenanceService.class);

    private final PeriodicTasks election = new PeriodicTasks("maintenance-election", 1);
    private final PeriodicTasks pool = new PeriodicTasks("maintenance", 2);
    private final List<LeaderTask> tasks = new CopyOnWriteArrayList<>();
    private final MaintenanceLeader leader;
    private final Duration tick;
    private final String holder;

    public MaintenanceService(Database database, Duration reaperInterval) {
        this.holder = candidateName();
        this.tick = Duration.ofMillis(Math.max(50, reaperInterval.toMillis() / 4));
        Duration trust = Duration.ofMillis(Math.max(100, reaperInterval.toMillis() / 2));
        this.leader = new MaintenanceLeader(database.dialect().leaderLease(database, holder, trust), holder,
                database.toString(), trust);
    }

    /** This store's name as a candidate: the process (pid@host) and a per-store suffix. */
    private static String candidateName() {
        return ManagementFactory.getRuntimeMXBean().getName() + "/" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Registers a task that the leader runs every {@code interval}. Register before {@link #start}. */
    public void every(String name, Duration interval, Runnable task) {
        LeaderTask t = new LeaderTask(name, task);
        tasks.add(t);
        pool.every(name, interval, t::run);
    }

    /** Starts campaigning: the first election tick is now. */
    public void start() {
        election.after(Duration.ZERO, this::tickQuietly);
        election.every("maintenance leader election", tick, leader::tick);
    }

    private void tickQuietly() {
        try {
            leader.tick();
        } catch (RuntimeException e) {
            LOG.debug("first maintenance leader election failed; retrying every {}", tick, e);
        }
    }

    /** Whether this process is the database's maintenance leader now. */
    public boolean isLeader() {
        return leader.isLeader();
    }

    /** This store's name among the candidates (pid@host/suffix). */
    public String candidate() {
        return holder;
    }

    @Override
    public void close() {
        election.close();
        pool.close();
        leader.close();
    }

    /** A registered task: runs only on the leader, one pass at a time. */
    private final class LeaderTask {
        private final String name;
        private final Runnable task;
        private final AtomicBoolean running = new AtomicBoolean();

        LeaderTask(String name, Runnable task) {
            this.name = name;
            this.task = task;
        }

        void run() {
            if (!leader.isLeader() || !running.compareAndSet(false, true)) {
                return;
            }
            try {
                task.run();
            } finally {
                running.set(false);
            }
        }

        @Override
        public String toString() {
            return name;
        }
    }
}
