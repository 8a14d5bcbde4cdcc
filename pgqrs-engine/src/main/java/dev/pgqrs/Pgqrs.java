package dev.pgqrs;

import dev.pgqrs.config.PgqrsConfig;
import dev.pgqrs.store.Database;
import dev.pgqrs.store.DatabaseFactory;

import javax.sql.DataSource;

/**
 * Entry point: open a {@link Store}.
 *
 * <pre>{@code
 * try (Store store = Pgqrs.connect("sqlite:orders.db")) {
 *     store.admin().install();
 *     store.queues().createIfAbsent("orders");
 *     store.enqueue("orders", Map.of("id", 42));
 * }
 * }</pre>
 */
public final class Pgqrs {

    private Pgqrs() {
    }

    /** Opens a store for a DSN with default settings. */
    public static Store connect(String dsn) {
        return connect(PgqrsConfig.of(dsn));
    }

    /** Opens a store from {@code PGQRS_*} environment variables and {@code pgqrs.yaml}. */
    public static Store connect() {
        return connect(PgqrsConfig.load());
    }

    /** Opens a store with the given configuration; the store owns (and closes) its pool. */
    public static Store connect(PgqrsConfig config) {
        Database database = DatabaseFactory.open(config);
        return startOrClose(new Store(config, database), database);
    }

    /**
     * Uses a DataSource the application owns (its pool, its transactions); the store never closes
     * it. On PostgreSQL the DataSource's connections must resolve tables in the configured schema.
     */
    public static Store connect(DataSource dataSource) {
        return connect(dataSource, PgqrsConfig.builder().build());
    }

    public static Store connect(DataSource dataSource, PgqrsConfig config) {
        Database database = DatabaseFactory.adopt(dataSource, config);
        return startOrClose(new Store(config, database), database);
    }

    private static Store startOrClose(Store store, Database database) {
        try {
            return store.start();
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }
}
