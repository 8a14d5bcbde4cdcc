package dev.pgqrs.camel;

import dev.pgqrs.Delivery;
import dev.pgqrs.DeliveryLostException;
import dev.pgqrs.Store;
import dev.pgqrs.TransactionWork;
import org.apache.camel.Exchange;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * One pgqrs transaction around a route segment: the segment runs on one connection of the store, bound to the
 * exchange (and to the thread, for {@link PgqrsTransactionDataSource}), committed when it completes and rolled
 * back when it fails or is marked rollback-only. With a {@link Delivery}, the message the exchange was consumed
 * from is acknowledged in the same transaction ({@link Delivery#ackWith}): the segment's writes and the
 * acknowledgement commit together, or neither does.
 */
final class RouteTransaction {

    /** Exchange property holding the {@link Bound} transaction. */
    static final String BOUND = "CamelPgqrsTransaction";

    private static final ThreadLocal<Bound> ON_THREAD = new ThreadLocal<>();

    /** The connection of a transaction, and the DataSource it came from. */
    record Bound(DataSource dataSource, Connection connection) {
    }

    /** What runs inside the transaction (it may fail the exchange, which rolls the transaction back). */
    @FunctionalInterface
    interface Work {
        void run(Connection connection) throws SQLException;
    }

    private RouteTransaction() {
    }

    static Bound bound(Exchange exchange) {
        return exchange.getProperty(BOUND, Bound.class);
    }

    /** The transaction bound to the current thread, if any. */
    static Bound onThread() {
        return ON_THREAD.get();
    }

    /** Runs {@code work} in a new transaction of {@code store} (acknowledging {@code delivery} in it when not null). */
    static void run(Exchange exchange, Store store, Delivery delivery, Work work) {
        Bound outerThread = ON_THREAD.get();
        TransactionWork<Void> tx = c -> {
            Bound bound = new Bound(store.dataSource(), c);
            exchange.setProperty(BOUND, bound);
            exchange.getExchangeExtension().setTransacted(true);
            ON_THREAD.set(bound);
            try {
                work.run(c);
            } finally {
                exchange.removeProperty(BOUND);
                exchange.getExchangeExtension().setTransacted(false);
                restoreThread(outerThread);
            }
            if (failed(exchange)) {
                throw new Rollback(); // the exchange says why; nothing it did is kept
            }
            return null;
        };
        try {
            if (delivery != null) {
                delivery.ackWith(tx);
            } else {
                store.inTransaction(tx);
            }
        } catch (Rollback rolledBack) {
            // rolled back on purpose: the exchange carries the failure (or was marked rollback-only)
        } catch (DeliveryLostException lost) {
            exchange.setException(lost); // rolled back: another delivery of the message owns it now
        }
    }

    static boolean failed(Exchange exchange) {
        return exchange.getException() != null || exchange.isRollbackOnly() || exchange.isRollbackOnlyLast();
    }

    private static void restoreThread(Bound outer) {
        if (outer == null) {
            ON_THREAD.remove();
        } else {
            ON_THREAD.set(outer);
        }
    }

    /** Rolls the transaction back when the segment failed; never leaves {@link #run}. */
    private static final class Rollback extends RuntimeException {
        Rollback() {
            super("the route segment failed", null, false, false);
        }
    }
}
