package dev.pgqrs.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the database holds where this store's connections look (the configured PostgreSQL schema,
 * or the SQLite file), read from the backend's own catalog. Used to adapt and verify the schema,
 * never on the hot path. Each dialect hands out its own ({@link SchemaDialect#catalog}).
 */
public interface SchemaCatalog {

    boolean hasTable(String table) throws SQLException;

    /** The table's column names, in table order; empty when there is no such table. */
    List<String> columns(String table) throws SQLException;

    default boolean hasColumn(String table, String column) throws SQLException {
        return columns(table).contains(column);
    }

    /** Every index by name (those backing primary keys and unique constraints included). */
    Map<String, IndexShape> indexes() throws SQLException;

    /** The labels of an enum type in order; empty when the type is missing or the backend has none. */
    List<String> enumValues(String type) throws SQLException;

    /** Names of the foreign-key constraints; empty where the backend does not name them (SQLite). */
    Set<String> foreignKeys() throws SQLException;

    /** An index's table, key columns in order, and whether it has a WHERE predicate. */
    record IndexShape(String table, List<String> columns, boolean partial) {
    }
}
