package dev.pgqrs.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.pgqrs.ConfigException;
import dev.pgqrs.StoreUnavailableException;
import dev.pgqrs.config.Backend;
import dev.pgqrs.config.Dsn;
import dev.pgqrs.config.PgqrsConfig;
import dev.pgqrs.store.postgres.PostgresDialect;
import dev.pgqrs.store.sqlite.SqliteDialect;
import dev.pgqrs.store.sqlite.StatementCachingDataSource;
import com.zaxxer.hikari.pool.HikariPool;

import javax.sql.DataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/** Opens the connection pool a DSN names, or adopts a DataSource the application owns. */
public final class DatabaseFactory {

    private static final AtomicInteger POOL_COUNTER = new AtomicInteger();

    private DatabaseFactory() {
    }

    public static Database open(PgqrsConfig config) {
        if (config.dsn() == null) {
            throw new ConfigException("no DSN configured: set PGQRS_DSN, 'dsn' in pgqrs.yaml, or PgqrsConfig.builder().dsn(...); "
                    + "accepted forms: " + Dsn.ACCEPTED_FORMS);
        }
        Dsn dsn = Dsn.parse(config.dsn());
        return dsn.backend() == Backend.POSTGRES ? openPostgres(dsn, config) : openSqlite(dsn, config);
    }

    /** Wraps a DataSource the caller owns (and closes); the backend is read from its metadata. */
    public static Database adopt(DataSource dataSource, PgqrsConfig config) {
        Backend backend;
        try (Connection c = dataSource.getConnection()) {
            String product = c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
            if (product.contains("postgres")) {
                backend = Backend.POSTGRES;
            } else if (product.contains("sqlite")) {
                backend = Backend.SQLITE;
            } else {
                throw new ConfigException("unsupported database '" + product + "' behind the DataSource; pgqrs runs on PostgreSQL and SQLite");
            }
        } catch (SQLException e) {
            throw new StoreUnavailableException("cannot open a connection from the given DataSource: " + e.getMessage(), e);
        }
        Dialect dialect = backend == Backend.POSTGRES ? new PostgresDialect() : new SqliteDialect();
        return new Database(dataSource, dialect, null, "(application DataSource, " + backend.name().toLowerCase(Locale.ROOT) + ")");
    }

    private static Database openPostgres(Dsn dsn, PgqrsConfig config) {
        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName("pgqrs-postgres-" + POOL_COUNTER.incrementAndGet());
        hikari.setJdbcUrl(dsn.jdbcUrl());
        if (dsn.user() != null) {
            hikari.setUsername(dsn.user());
        }
        if (dsn.password() != null) {
            hikari.setPassword(dsn.password());
        }
        hikari.setMaximumPoolSize(config.maxConnections());
        hikari.setMinimumIdle(Math.min(2, config.maxConnections()));
        hikari.setConnectionTimeout(config.connectionTimeout().toMillis());
        // Tables are unqualified in the SQL; the pool's connections resolve them in the configured schema.
        hikari.addDataSourceProperty("currentSchema", config.schema());
        hikari.addDataSourceProperty("ApplicationName", "pgqrs");
        hikari.addDataSourceProperty("reWriteBatchedInserts", "true");
        HikariDataSource ds = startPool(hikari, dsn);
        return new Database(ds, new PostgresDialect(), ds, dsn.toString());
    }

    private static Database openSqlite(Dsn dsn, PgqrsConfig config) {
        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName("pgqrs-sqlite-" + POOL_COUNTER.incrementAndGet());
        Properties pragmas = new Properties();
        String url;
        if (dsn.isInMemory()) {
            // One connection holds the whole in-memory database; it must never be retired.
            url = "jdbc:sqlite:file:pgqrs-" + UUID.randomUUID() + "?mode=memory&cache=shared";
            hikari.setMaximumPoolSize(1);
            hikari.setMinimumIdle(1);
            hikari.setMaxLifetime(0);
            hikari.setIdleTimeout(0);
        } else {
            Path file = Path.of(dsn.sqlitePath()).toAbsolutePath();
            Path parent = file.getParent();
            if (parent != null && !Files.isDirectory(parent)) {
                throw new ConfigException("SQLite DSN '" + dsn + "': directory '" + parent + "' does not exist");
            }
            url = "jdbc:sqlite:" + file;
            hikari.setMaximumPoolSize(Math.max(2, Math.min(config.maxConnections(), 8)));
            hikari.setMinimumIdle(1);
            pragmas.setProperty("journal_mode", "WAL");
        }
        hikari.setConnectionTimeout(config.connectionTimeout().toMillis());
        pragmas.setProperty("busy_timeout", String.valueOf(config.sqliteBusyTimeout().toMillis()));
        pragmas.setProperty("foreign_keys", "true");
        pragmas.setProperty("synchronous", "NORMAL");
        // Transactions that will write take the write lock up front, so two never deadlock upgrading.
        pragmas.setProperty("transaction_mode", "IMMEDIATE");
        // sqlite-jdbc recompiles SQL on every prepareStatement; these connections keep their statements.
        hikari.setDataSource(new StatementCachingDataSource(url, pragmas));
        HikariDataSource ds = startPool(hikari, dsn);
        return new Database(ds, new SqliteDialect(), ds, dsn.toString());
    }

    /** Starts the pool, failing fast with the reason when the first connection cannot be made. */
    private static HikariDataSource startPool(HikariConfig hikari, Dsn dsn) {
        try {
            return new HikariDataSource(hikari);
        } catch (HikariPool.PoolInitializationException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new StoreUnavailableException("cannot connect to " + dsn + ": " + cause.getMessage(), e);
        }
    }
}
