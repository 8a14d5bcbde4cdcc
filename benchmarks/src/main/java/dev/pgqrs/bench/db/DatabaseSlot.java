package dev.pgqrs.bench.db;

import dev.pgqrs.config.Backend;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * A fresh, empty place for one benchmark run: a PostgreSQL schema or a SQLite file. Closing it
 * drops what the run left behind.
 */
public interface DatabaseSlot extends AutoCloseable {

    Backend backend();

    /** The DSN pgqrs connects to (a {@code postgres://} DSN for PostgreSQL, {@code sqlite:PATH}). */
    String pgqrsDsn();

    /** PostgreSQL schema name, or null on SQLite. */
    String schema();

    /** A plain JDBC connection to the slot, in auto-commit mode. */
    Connection connect() throws SQLException;

    /** A HikariCP pool over the slot, for libraries that take a DataSource (Camel, db-scheduler). */
    DataSource pool(String name, int size);

    /**
     * Makes every run start from the same state after its prefill: fresh planner statistics and
     * visibility map, and no checkpoint or WAL backlog left for the timed part to pay for.
     */
    void settle(String... tables);

    /** {@link #settle} of every table in the slot, whichever engine created them. */
    void settleAllTables();

    /** Counters of the server's own work (commits, WAL syncs); zero where the backend has none. */
    ServerCounters counters();

    @Override
    void close();
}
