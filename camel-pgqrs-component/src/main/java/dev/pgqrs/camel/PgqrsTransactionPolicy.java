package dev.pgqrs.camel;

import dev.pgqrs.Store;
import org.apache.camel.Exchange;
import org.apache.camel.NamedNode;
import org.apache.camel.Processor;
import org.apache.camel.Route;
import org.apache.camel.spi.TransactedPolicy;

import java.sql.Connection;

/**
 * A route transaction on the pgqrs store's database, without Spring or JTA:
 * {@code .transacted("pgqrsTx")} with a bean of this class. The segment runs on one JDBC
 * connection in one transaction ({@code store.inTransaction}: on SQLite it holds the store's writer lock);
 * pgqrs producers in it enqueue on that connection, so their messages become visible when the segment
 * completes and vanish if it fails or is marked rollback-only. Nested transacted segments join the outer
 * transaction.
 *
 * <p>Other JDBC work can join too: read the connection with {@link #connection(Exchange)}, or give a
 * {@code sql:}/{@code jdbc:} endpoint a {@link PgqrsTransactionDataSource}. The store's source offsets
 * ({@link PgqrsOffsetRepository#record}) and idempotency keys ({@link PgqrsIdempotentRepository},
 * {@link PgqrsIdempotencyPolicy}) are written in it.
 *
 * <p>With {@link #setAcknowledge acknowledge=true}, an exchange consumed from a pgqrs queue of the same store is
 * acknowledged in the transaction ({@code Delivery.ackWith}): the segment's writes and the acknowledgement commit
 * together — a queue to a table in the same database, exactly once. Routing after the segment then no longer
 * decides the message's fate: put the whole of the work in the segment.
 */
public class PgqrsTransactionPolicy extends PgqrsStoreBean implements TransactedPolicy {

    private boolean acknowledge;

    public PgqrsTransactionPolicy() {
    }

    public PgqrsTransactionPolicy(Store store) {
        super(store);
    }

    /** The JDBC connection of the exchange's pgqrs transaction, or null outside one. */
    public static Connection connection(Exchange exchange) {
        RouteTransaction.Bound b = RouteTransaction.bound(exchange);
        return b == null ? null : b.connection();
    }

    @Override
    public void beforeWrap(Route route, NamedNode definition) {
        adoptContext(route.getCamelContext());
    }

    @Override
    public Processor wrap(Route route, Processor processor) {
        return new SegmentProcessor(processor) {
            @Override
            protected void around(Exchange exchange) {
                if (RouteTransaction.bound(exchange) != null) {
                    runSegment(exchange); // already in one: join it
                    return;
                }
                Store s = resolveStore();
                RouteTransaction.run(exchange, s, acknowledge ? PgqrsConsumer.delivery(exchange, s) : null,
                        c -> runSegment(exchange));
            }

            @Override
            public String toString() {
                return "PgqrsTransaction[" + getProcessor() + "]";
            }
        };
    }

    Store resolveStore() {
        return store("pgqrs transaction policy");
    }

    public boolean isAcknowledge() {
        return acknowledge;
    }

    /**
     * Acknowledge the pgqrs message the exchange was consumed from in the transaction (off by default): the
     * segment's writes and the acknowledgement commit together; a failed segment leaves the message to the
     * consumer's retries. Exchanges not consumed from this store's queues run in a plain transaction.
     */
    public void setAcknowledge(boolean acknowledge) {
        this.acknowledge = acknowledge;
    }
}
