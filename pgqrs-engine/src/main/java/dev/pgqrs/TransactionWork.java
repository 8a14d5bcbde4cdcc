package dev.pgqrs;

import java.sql.Connection;
import java.sql.SQLException;

/** Work done on a connection inside a transaction the store opened (see {@link Store#inTransaction}). */
@FunctionalInterface
public interface TransactionWork<T> {

    T run(Connection connection) throws SQLException;
}
