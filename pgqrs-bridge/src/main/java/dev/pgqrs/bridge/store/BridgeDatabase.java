package dev.pgqrs.bridge.store;

import dev.pgqrs.Store;
import dev.pgqrs.StoreUnavailableException;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * The bridge's tables, on the store's own database and pool. Writes run in {@link Store#inTransaction}, which on
 * SQLite holds the store's writer lock (the bridge's writes then never meet "database is locked" from the
 * store's own); reads take a connection of the pool. The tables sit beside pgqrs's (the same PostgreSQL schema,
 * the same SQLite file) and are the bridge's alone: the engine knows nothing of them.
 */
public final class BridgeDatabase {

    /** A unit of JDBC work. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private final Store store;
    private final BridgeDialect dialect;

    public BridgeDatabase(Store store) {
        this.store = store;
        this.dialect = BridgeDialect.of(store.backend());
    }

    public Store store() {
        return store;
    }

    public BridgeDialect dialect() {
        return dialect;
    }

    /** {@code sql} with {@code {now}} replaced by the database clock in epoch milliseconds. */
    String sql(String sql) {
        return sql.replace("{now}", dialect.nowMillis());
    }

    public <T> T write(Work<T> work) {
        return store.inTransaction(work::run);
    }

    public <T> T read(String what, Work<T> work) {
        try (Connection c = store.dataSource().getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw new StoreUnavailableException("bridge: cannot " + what + ": " + e.getMessage(), e);
        }
    }

    /** The database clock, in epoch milliseconds. */
    public long now() {
        return read("read the database clock", c -> {
            try (var s = c.createStatement(); var rs = s.executeQuery("SELECT " + dialect.nowMillis())) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }
}
