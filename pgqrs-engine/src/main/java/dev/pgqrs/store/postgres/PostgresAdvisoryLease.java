package dev.pgqrs.store.postgres;

import dev.pgqrs.store.Database;
import dev.pgqrs.store.Jdbc;
import dev.pgqrs.store.LeaderLease;
import dev.pgqrs.store.StatementBinder;

import com.zaxxer.hikari.HikariDataSource;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/**
 * Maintenance leadership on PostgreSQL: a session advisory lock, held on a connection kept for it alone. The
 * server releases the lock when that session ends, whatever ended it (a clean close, {@code kill -9}, a crash),
 * so a dead leader never has to be waited out; the next candidate to ask gets it. Leadership is confirmed on
 * every tick by checking that the connection is still alive: a lost connection is lost leadership at once,
 * since the server may already have handed the lock to another process.
 *
 * <p>The connection is opened beside the store's pool when the store opened the pool (so holding it takes nothing
 * from the hot path: a pool of two keeps its two), or taken from the application's DataSource otherwise.
 *
 * <p>The key is two 32-bit numbers, "pgqr" and a hash of the schema, so stores of different schemas in one
 * database elect their own leaders, and the key never meets the one-number locks of schema migrations (this
 * edition's and pgqrs for Rust's), which live in another key space.
 */
final class PostgresAdvisoryLease implements LeaderLease {

    private static final String KEY = "1886483314, hashtext(current_schema())";
    private static final String TRY_LOCK = "SELECT pg_try_advisory_lock(" + KEY + ")";
    private static final String UNLOCK = "SELECT pg_advisory_unlock(" + KEY + ")";
    private static final int VALIDATION_SECONDS = 2;

    private final Database database;
    private Connection held;

    PostgresAdvisoryLease(Database database) {
        this.database = database;
    }

    @Override
    public synchronized boolean acquireOrRenew() {
        if (held != null) {
            if (alive(held)) {
                return true;
            }
            closeQuietly(held);
            held = null;
        }
        Connection c;
        try {
            c = connect();
        } catch (SQLException e) {
            throw database.unreachable("connect to take the maintenance leader lock", e);
        }
        try {
            boolean locked = Jdbc.queryOne(c, TRY_LOCK, StatementBinder.NONE, rs -> rs.getBoolean(1)).orElse(false);
            database.availability().reached();
            if (locked) {
                held = c;
                return true;
            }
            c.close();
            return false;
        } catch (SQLException e) {
            closeQuietly(c);
            throw database.translate("take the maintenance leader lock", e);
        }
    }

    /** A connection of its own: with the pool's URL, login and properties (the schema among them), outside the pool. */
    private Connection connect() throws SQLException {
        if (database.dataSource() instanceof HikariDataSource pool && pool.getJdbcUrl() != null) {
            Properties properties = new Properties();
            properties.putAll(pool.getDataSourceProperties());
            if (pool.getUsername() != null) {
                properties.setProperty("user", pool.getUsername());
            }
            if (pool.getPassword() != null) {
                properties.setProperty("password", pool.getPassword());
            }
            properties.setProperty("ApplicationName", "pgqrs maintenance leader");
            return DriverManager.getConnection(pool.getJdbcUrl(), properties);
        }
        return database.dataSource().getConnection();
    }

    private static boolean alive(Connection c) {
        try {
            return c.isValid(VALIDATION_SECONDS);
        } catch (SQLException e) {
            return false;
        }
    }

    @Override
    public synchronized void release() {
        Connection c = held;
        held = null;
        if (c == null) {
            return;
        }
        try {
            Jdbc.queryOne(c, UNLOCK, StatementBinder.NONE, rs -> rs.getBoolean(1));
        } catch (SQLException e) {
            // The lock must not go back to the pool with the connection: end the session, which releases it.
            try {
                c.abort(Runnable::run);
            } catch (SQLException | RuntimeException ignored) {
                // already gone
            }
        }
        closeQuietly(c);
    }

    private static void closeQuietly(Connection c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (SQLException | RuntimeException ignored) {
            // a broken connection: the pool discards it
        }
    }
}
