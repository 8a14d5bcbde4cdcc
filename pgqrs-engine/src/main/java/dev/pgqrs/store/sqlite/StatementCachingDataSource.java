package dev.pgqrs.store.sqlite;

import javax.sql.DataSource;
import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.logging.Logger;

/**
 * SQLite connections that keep their prepared statements. sqlite-jdbc compiles the SQL on every
 * {@code prepareStatement} and neither it nor HikariCP caches statements, so without this every
 * dequeue recompiled its statement: a fifth of a batch-1 consumer's time went to
 * {@code sqlite3_prepare} (measured with JFR by the benchmark harness; PostgreSQL's driver has a
 * statement cache of its own and needs none).
 *
 * <p>{@code prepareStatement(sql)} on a connection returns the statement it compiled for that SQL
 * before; closing it resets it (closes its result set, clears its parameters) and hands it back.
 * If the cached statement is still in use (the same SQL opened twice at once), a fresh uncached one
 * is returned. The cache is per physical connection, which the pool lends to one thread at a time,
 * and is bounded; closing the connection closes its statements.
 *
 * <p>A statement that threw is never lent again: when SQLite fails a step (malformed JSON, a
 * constraint) sqlite-jdbc finalizes the native statement while {@code isClosed()} stays false, and
 * every later use fails with "statement is not executing". So a statement that threw, or whose reset
 * failed, is closed and evicted when it is handed back, and the next {@code prepareStatement}
 * compiles it afresh. Handing a statement back never throws.
 */
public final class StatementCachingDataSource implements DataSource {

    /** Enough for every statement the engine runs, with room for an application's own. */
    static final int CACHE_SIZE = 128;

    private final String url;
    private final Properties properties;
    private volatile PrintWriter logWriter;
    private volatile int loginTimeoutSeconds = 5;

    public StatementCachingDataSource(String url, Properties properties) {
        this.url = url;
        this.properties = properties;
    }

    @Override
    public Connection getConnection() throws SQLException {
        Connection physical = DriverManager.getConnection(url, properties);
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                new CachingConnection(physical));
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return getConnection(); // SQLite has no users
    }

    @Override
    public PrintWriter getLogWriter() {
        return logWriter;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        this.logWriter = out;
    }

    /** Kept for HikariCP, which sets it and waits that long for its connection adder when closing. */
    @Override
    public void setLoginTimeout(int seconds) {
        this.loginTimeoutSeconds = seconds;
    }

    @Override
    public int getLoginTimeout() {
        return loginTimeoutSeconds;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        throw new SQLException("not a wrapper of " + type.getName());
    }

    @Override
    public boolean isWrapperFor(Class<?> type) {
        return false;
    }

    private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** A physical connection with its statement cache; every other call goes straight through. */
    private static final class CachingConnection implements InvocationHandler {

        private final Connection physical;
        private final Map<String, CachedStatement> cache = new LinkedHashMap<>(16, 0.75f, true);

        CachingConnection(Connection physical) {
            this.physical = physical;
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            String name = method.getName();
            if (name.equals("prepareStatement") && args != null && args.length == 1) {
                return prepare((String) args[0]);
            }
            if (name.equals("close")) {
                closeCached();
            }
            return StatementCachingDataSource.invoke(physical, method, args);
        }

        private PreparedStatement prepare(String sql) throws SQLException {
            CachedStatement cached = cache.get(sql);
            if (cached != null && !cached.inUse && cached.statement.isClosed()) {
                cache.remove(sql); // closed under us (e.g. by a failed reset): compile it again
                cached = null;
            }
            if (cached == null) {
                cached = new CachedStatement(this, sql, physical.prepareStatement(sql));
                cache.put(sql, cached);
                evictBeyondLimit();
            } else if (cached.inUse) {
                return physical.prepareStatement(sql);
            }
            cached.inUse = true;
            return cached.proxy;
        }

        private void evictBeyondLimit() throws SQLException {
            Iterator<CachedStatement> it = cache.values().iterator();
            while (cache.size() > CACHE_SIZE && it.hasNext()) {
                CachedStatement oldest = it.next();
                if (!oldest.inUse) {
                    it.remove();
                    oldest.statement.close();
                }
            }
        }

        /** Drops a statement that may not be lent again and finalizes it. */
        void evict(CachedStatement broken) {
            cache.remove(broken.sql, broken);
            try {
                broken.statement.close();
            } catch (SQLException ignored) {
                // already finalized by the driver: nothing left to free
            }
        }

        private void closeCached() {
            for (CachedStatement cached : cache.values()) {
                try {
                    cached.statement.close();
                } catch (SQLException ignored) {
                    // the connection is closing; its statements go with it
                }
            }
            cache.clear();
        }
    }

    /** A cached statement: "closing" it resets it for the next borrower instead of finalizing it. */
    private static final class CachedStatement implements InvocationHandler {

        final CachingConnection owner;
        final String sql;
        final PreparedStatement statement;
        final PreparedStatement proxy;
        boolean inUse;
        /** Set when a call threw: the driver may have finalized the native statement under us. */
        private boolean failed;
        private ResultSet lastResult;

        CachedStatement(CachingConnection owner, String sql, PreparedStatement statement) {
            this.owner = owner;
            this.sql = sql;
            this.statement = statement;
            this.proxy = (PreparedStatement) Proxy.newProxyInstance(PreparedStatement.class.getClassLoader(),
                    new Class<?>[] {PreparedStatement.class}, this);
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            switch (method.getName()) {
                case "close" -> {
                    release();
                    return null;
                }
                case "isClosed" -> {
                    return !inUse || statement.isClosed();
                }
                default -> {
                    Object result;
                    try {
                        result = StatementCachingDataSource.invoke(statement, method, args);
                    } catch (SQLException e) {
                        failed = true;
                        throw e;
                    }
                    if (result instanceof ResultSet rs) {
                        lastResult = rs;
                    }
                    return result;
                }
            }
        }

        /**
         * Hands the statement back: resets it (closing its result set resets the SQLite statement, then
         * the parameters are cleared) for the next borrower, or evicts it when a call or the reset failed.
         */
        private void release() {
            if (!inUse) {
                return;
            }
            inUse = false;
            ResultSet rs = lastResult;
            lastResult = null;
            if (!failed) {
                try {
                    if (rs != null) {
                        rs.close();
                    }
                    statement.clearParameters();
                    return;
                } catch (SQLException e) {
                    failed = true;
                }
            }
            owner.evict(this);
        }
    }
}
