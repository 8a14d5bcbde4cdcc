package dev.pgqrs.store;

import dev.pgqrs.PgqrsException;
import dev.pgqrs.SchemaException;
import dev.pgqrs.StoreException;
import dev.pgqrs.StoreUnavailableException;
import dev.pgqrs.config.Backend;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Lends connections and runs work on them in one of three shapes:
 * {@link #execute} (one auto-committed statement: one round trip, the hot path),
 * {@link #transaction} (several statements, one commit) and {@link #read}.
 *
 * <p>Where the dialect says writers take turns ({@link Dialect#serialisesWriters()}: SQLite) every
 * write runs under one in-process lock, so threads of this process queue in Java instead of meeting
 * "database is locked"; other processes are handled by SQLite's busy timeout. Otherwise (PostgreSQL)
 * the lock is absent and writers run in parallel.
 */
public final class Database implements AutoCloseable {

    private final DataSource dataSource;
    private final Dialect dialect;
    private final AutoCloseable owned;
    private final ReentrantLock writeLock;
    private final String description;
    private final Availability availability = new Availability();
    // Shared by everything that dequeues or enqueues through this database, so a change is seen at once here.
    private final QueueSettingsCache queueSettings = new QueueSettingsCache();

    public Database(DataSource dataSource, Dialect dialect, AutoCloseable owned, String description) {
        this.dataSource = dataSource;
        this.dialect = dialect;
        this.owned = owned;
        this.writeLock = dialect.serialisesWriters() ? new ReentrantLock() : null;
        this.description = description;
    }

    public Dialect dialect() {
        return dialect;
    }

    public Backend backend() {
        return dialect.backend();
    }

    public DataSource dataSource() {
        return dataSource;
    }

    /** What this store knows of its queues' settings (which dequeue statement each needs). */
    public QueueSettingsCache queueSettings() {
        return queueSettings;
    }

    /** What this database closes with it (the pool it opened), or null for a data source the application owns. */
    public AutoCloseable ownedResource() {
        return owned;
    }

    /** Whether the database answered this store's last operations (no round trip). */
    public Availability availability() {
        return availability;
    }

    /** One cheap round trip, to find out whether the database is back. */
    public void probe() {
        read("probe the database", c -> {
            try (var s = c.createStatement()) {
                s.execute("SELECT 1");
            }
            return null;
        });
    }

    /** Runs work that writes, in auto-commit mode: meant for a single statement. */
    public <T> T execute(String what, SqlWork<T> work) {
        lockWrites();
        try (Connection c = connection()) {
            T result = work.run(c);
            availability.reached();
            return result;
        } catch (SQLException e) {
            throw translate(what, e);
        } finally {
            unlockWrites();
        }
    }

    /** Runs work that only reads. */
    public <T> T read(String what, SqlWork<T> work) {
        try (Connection c = connection()) {
            T result = work.run(c);
            availability.reached();
            return result;
        } catch (SQLException e) {
            throw translate(what, e);
        }
    }

    /** Runs work in one transaction: committed if it returns, rolled back if it throws. */
    public <T> T transaction(String what, SqlWork<T> work) {
        lockWrites();
        try (Connection c = connection()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                availability.reached();
                return result;
            } catch (SQLException | RuntimeException | Error e) {
                rollbackQuietly(c, e);
                throw e;
            } finally {
                restoreAutoCommit(c, autoCommit);
            }
        } catch (SQLException e) {
            throw translate(what, e);
        } finally {
            unlockWrites();
        }
    }

    /**
     * Runs work on the caller's connection, inside whatever transaction the caller has open:
     * nothing is committed or rolled back here.
     */
    public <T> T onConnection(Connection connection, String what, SqlWork<T> work) {
        try {
            T result = work.run(connection);
            availability.reached();
            return result;
        } catch (SQLException e) {
            throw translate(what, e);
        }
    }

    /**
     * A connection of the pool. One that took long to get tells {@link Availability} that the database did
     * not answer for a while, though no operation failed (the pool waits up to connection_timeout): the
     * reaper must not judge heartbeats written meanwhile. Costs two clock reads.
     */
    private Connection connection() throws SQLException {
        long t0 = System.nanoTime();
        Connection c = dataSource.getConnection();
        if (System.nanoTime() - t0 >= Availability.LONG_WAIT_NANOS) {
            availability.waitedLong();
        }
        return c;
    }

    private void lockWrites() {
        if (writeLock != null) {
            writeLock.lock();
        }
    }

    private void unlockWrites() {
        if (writeLock != null) {
            writeLock.unlock();
        }
    }

    private static void rollbackQuietly(Connection c, Throwable cause) {
        try {
            c.rollback();
        } catch (SQLException rollbackFailure) {
            cause.addSuppressed(rollbackFailure);
        }
    }

    private static void restoreAutoCommit(Connection c, boolean autoCommit) {
        try {
            c.setAutoCommit(autoCommit);
        } catch (SQLException ignored) {
            // The pool validates and discards a connection that cannot be reset.
        }
    }

    /** Maps a driver error to the pgqrs hierarchy, keeping the driver's message as the cause. */
    public PgqrsException translate(String what, SQLException e) {
        if (e instanceof SQLTransientConnectionException || dialect.isConnectionFailure(e)) {
            return unreachable(what, e);
        }
        if (dialect.isMissingTable(e)) {
            return new SchemaException(what + " failed: the pgqrs schema is not installed in " + description
                    + " (" + e.getMessage() + "); run store.admin().install()", e);
        }
        return new StoreException(what + " failed: " + e.getMessage(), e);
    }

    /**
     * A connection could not be had, or was lost: the database is away, whatever the driver calls it. Used
     * where a connection is opened outside the pool, since a connect that fails mid-restart can carry a state
     * no outage list names (the driver's "something unusual has occurred" while the server goes down).
     */
    public StoreUnavailableException unreachable(String what, SQLException e) {
        availability.unreachable(e.getMessage());
        return new StoreUnavailableException(what + " failed: database " + description + " is unreachable ("
                + e.getMessage() + "); nothing was applied, retry when it is back", e);
    }

    @Override
    public void close() {
        if (owned != null) {
            try {
                owned.close();
            } catch (Exception e) {
                throw new StoreException("closing " + description + " failed: " + e.getMessage(), e);
            }
        }
    }

    @Override
    public String toString() {
        return description;
    }
}
