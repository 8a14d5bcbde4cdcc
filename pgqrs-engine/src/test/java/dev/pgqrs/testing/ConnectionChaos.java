package dev.pgqrs.testing;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Kills the library's database connections over and over: every {@code interval} it runs
 * {@code pg_terminate_backend} on every backend whose {@code application_name} is {@code pgqrs} (what
 * pgqrs pools set), from a superuser connection of its own, and counts what it killed. Clients see
 * statements fail with "terminating connection due to administrator command" and broken pooled
 * connections, as behind a flapping network or a database failover.
 */
public final class ConnectionChaos implements AutoCloseable {

    private static final String KILL = "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity"
            + " WHERE application_name = 'pgqrs' AND pid <> pg_backend_pid()";

    private final Callable<Connection> superuser;
    private final Duration interval;
    private final AtomicLong rounds = new AtomicLong();
    private final AtomicLong killed = new AtomicLong();
    private final AtomicLong failedRounds = new AtomicLong();
    private volatile boolean running;
    private Thread thread;

    /** @param superuser opens a superuser connection (e.g. {@link RestartablePostgres#superuser()}) */
    public ConnectionChaos(Callable<Connection> superuser, Duration interval) {
        this.superuser = superuser;
        this.interval = interval;
    }

    public synchronized ConnectionChaos start() {
        if (thread != null) {
            throw new IllegalStateException("chaos already started");
        }
        running = true;
        thread = new Thread(this::loop, "connection-chaos");
        thread.setDaemon(true);
        thread.start();
        return this;
    }

    private void loop() {
        Connection c = null;
        while (running) {
            try {
                if (c == null || c.isClosed()) {
                    c = superuser.call();
                }
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(KILL)) {
                    rs.next();
                    killed.addAndGet(rs.getLong(1));
                }
                rounds.incrementAndGet();
            } catch (Exception e) {
                failedRounds.incrementAndGet();
                closeQuietly(c);
                c = null;
            }
            try {
                Thread.sleep(interval.toMillis()); // the chaos's own rhythm, not a wait for a condition
            } catch (InterruptedException e) {
                break;
            }
        }
        closeQuietly(c);
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // already broken
            }
        }
    }

    /** Stops killing; returns once the chaos thread has finished its last round. */
    public synchronized void stop() {
        running = false;
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Rounds of killing done. */
    public long rounds() {
        return rounds.get();
    }

    /** Backends terminated so far. */
    public long killed() {
        return killed.get();
    }

    /** Rounds that could not run (the superuser connection failed). */
    public long failedRounds() {
        return failedRounds.get();
    }

    @Override
    public void close() {
        stop();
    }
}
