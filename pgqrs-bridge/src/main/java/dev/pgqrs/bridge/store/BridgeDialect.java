package dev.pgqrs.bridge.store;

import dev.pgqrs.config.Backend;

import java.util.List;

/**
 * What differs between PostgreSQL and SQLite in the bridge's own tables: the DDL of an identity column,
 * the database clock, and how concurrent installs are kept apart. Every other statement is written once.
 * Times are epoch milliseconds read from the database's clock, so instances on different hosts agree.
 */
public interface BridgeDialect {

    /** SQL expression: the database's current time in epoch milliseconds. */
    String nowMillis();

    /** DDL type of an auto-generated 64-bit primary key. */
    String identityColumn();

    /** Statements run first in the install transaction, so two instances do not create the tables at once. */
    List<String> installLock();

    static BridgeDialect of(Backend backend) {
        return backend == Backend.POSTGRES ? new PostgresBridgeDialect() : new SqliteBridgeDialect();
    }
}
