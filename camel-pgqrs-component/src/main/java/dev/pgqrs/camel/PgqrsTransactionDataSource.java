package dev.pgqrs.camel;

import dev.pgqrs.Store;

import javax.sql.DataSource;
import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Set;
import java.util.logging.Logger;

/**
 * The store's DataSource, aware of pgqrs route transactions (as Spring's {@code TransactionAwareDataSourceProxy}):
 * inside a {@link PgqrsTransactionPolicy} segment on this thread, {@link #getConnection()} is the transaction's
 * connection, so a {@code sql:} or {@code jdbc:} endpoint given this DataSource writes in the same transaction as
 * the enqueue or the acknowledgement; closing it is a no-op there, and commit, rollback and auto-commit stay the
 * transaction's. Outside a segment it is a plain connection of the store's pool.
 *
 * <pre>{@code
 * from("pgqrs:rows").transacted("ackTx")     // a PgqrsTransactionPolicy with acknowledge=true
 *     .to("sql:INSERT INTO shipments (message_id, body) VALUES (:#${header.CamelPgqrsMessageId}, :#${body})"
 *         + "?dataSource=#pgqrsTxDataSource");
 * }</pre>
 */
public class PgqrsTransactionDataSource extends PgqrsStoreBean implements DataSource {

    /** What the transaction owns: a component calling these inside it must not end or reshape it. */
    private static final Set<String> TRANSACTION_OWNED = Set.of("close", "commit", "rollback", "setAutoCommit");

    public PgqrsTransactionDataSource() {
    }

    public PgqrsTransactionDataSource(Store store) {
        super(store);
    }

    @Override
    public Connection getConnection() throws SQLException {
        DataSource target = target();
        RouteTransaction.Bound bound = RouteTransaction.onThread();
        if (bound != null && bound.dataSource() == target) {
            return joined(bound.connection());
        }
        return target.getConnection();
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("connections of the pgqrs store use the store's credentials");
    }

    private static Connection joined(Connection tx) {
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    if (TRANSACTION_OWNED.contains(method.getName())) {
                        return null;
                    }
                    if (method.getName().equals("isClosed")) {
                        return false;
                    }
                    try {
                        return method.invoke(tx, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private DataSource target() {
        return store("pgqrs transaction DataSource").dataSource();
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        // the pool logs through SLF4J
    }

    @Override
    public void setLoginTimeout(int seconds) {
        // the store's connection_timeout applies
    }

    @Override
    public int getLoginTimeout() {
        return 0;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException("the pool logs through SLF4J");
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        if (type.isInstance(this)) {
            return type.cast(this);
        }
        throw new SQLException("not a wrapper of " + type.getName());
    }

    @Override
    public boolean isWrapperFor(Class<?> type) {
        return type.isInstance(this);
    }
}
