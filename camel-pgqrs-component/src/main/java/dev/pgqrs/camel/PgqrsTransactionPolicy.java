package dev.pgqrs.camel;

import dev.pgqrs.Store;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Exchange;
import org.apache.camel.NamedNode;
import org.apache.camel.Processor;
import org.apache.camel.Route;
import org.apache.camel.spi.TransactedPolicy;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * A route transaction on the pgqrs store's database, without Spring or JTA:
 * {@code .transacted("pgqrsTx")} with a bean of this class. The segment runs on one JDBC
 * connection in one transaction; pgqrs producers in it enqueue on that connection, so their messages
 * become visible when the segment completes and vanish if it fails or is marked rollback-only.
 * Nested transacted segments join the outer transaction.
 *
 * <p>Other JDBC work can join too: read the connection with {@link #connection(Exchange)}.
 */
public class PgqrsTransactionPolicy implements TransactedPolicy, CamelContextAware {

    /** Exchange property holding the {@link Bound} transaction. */
    static final String BOUND = "CamelPgqrsTransaction";

    /** The connection of a transaction, and the DataSource it came from. */
    record Bound(DataSource dataSource, Connection connection) {
    }

    private Store store;
    private CamelContext camelContext;

    public PgqrsTransactionPolicy() {
    }

    public PgqrsTransactionPolicy(Store store) {
        this.store = store;
    }

    static Bound bound(Exchange exchange) {
        return exchange.getProperty(BOUND, Bound.class);
    }

    /** The JDBC connection of the exchange's pgqrs transaction, or null outside one. */
    public static Connection connection(Exchange exchange) {
        Bound b = bound(exchange);
        return b == null ? null : b.connection();
    }

    @Override
    public void beforeWrap(Route route, NamedNode definition) {
        if (camelContext == null) {
            camelContext = route.getCamelContext();
        }
    }

    @Override
    public Processor wrap(Route route, Processor processor) {
        return new SegmentProcessor(processor) {
            @Override
            protected void around(Exchange exchange) throws Exception {
                if (bound(exchange) != null) {
                    runSegment(exchange); // already in one: join it
                } else {
                    runInTransaction(exchange, this);
                }
            }

            @Override
            public String toString() {
                return "PgqrsTransaction[" + getProcessor() + "]";
            }
        };
    }

    private void runInTransaction(Exchange exchange, SegmentProcessor segment) throws Exception {
        DataSource ds = resolveStore().dataSource();
        try (Connection c = ds.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            exchange.setProperty(BOUND, new Bound(ds, c));
            exchange.getExchangeExtension().setTransacted(true);
            try {
                segment.runSegment(exchange);
                if (exchange.getException() != null || exchange.isRollbackOnly() || exchange.isRollbackOnlyLast()) {
                    c.rollback();
                } else {
                    c.commit();
                }
            } catch (SQLException e) {
                rollbackQuietly(c, e);
                throw e;
            } finally {
                exchange.removeProperty(BOUND);
                exchange.getExchangeExtension().setTransacted(false);
                c.setAutoCommit(autoCommit);
            }
        }
    }

    private static void rollbackQuietly(Connection c, Exception cause) {
        try {
            c.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    private Store resolveStore() {
        if (store != null) {
            return store;
        }
        return camelContext.getComponent("pgqrs", PgqrsComponent.class).storeFor(null);
    }

    public Store getStore() {
        return store;
    }

    /** The store whose database the transaction runs on; by default the pgqrs component's store. */
    public void setStore(Store store) {
        this.store = store;
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
    }
}
