package dev.pgqrs.workflow;

import java.sql.Connection;

/**
 * The work of a transactional step: it receives the connection of the transaction that records the
 * step's completion, so what it writes there commits together with the step, or not at all. Do not
 * commit, roll back or close the connection.
 */
@FunctionalInterface
public interface TransactionalStepBody<T> {
    T apply(Connection connection) throws Exception;
}
