package dev.pgqrs.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.pgqrs.ConfigException;
import dev.pgqrs.StoreUnavailableException;
import dev.pgqrs.config.Backend;
import dev.pgqrs.config.Dsn;
import dev.pgqrs.config.PgqrsConfig;
import dev.pgqrs.store.postgres.PostgresDialect;
import dev.pgqrs.store.postgres.PostgresIdentifiers;
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
        // The driver sends this as the search_path, which folds unquoted names to lower case: quoted,
        // "MyApp" stays MyApp, as pgqrs (Rust) sets it.
        hikari.addDataSourceProperty("currentSchema", PostgresIdentifiers.quote(config.schema()));
        hikari.addDataSourceProperty("ApplicationName", "pgqrs");
        hikari.addDataSourceProperty("reWriteBatchedInserts", "true");
        // A host that does not answer, or a login that hangs, fails within connection_timeout instead of
        // the driver's defaults (10 s to connect, no login limit). A DSN's own values win.
        String seconds = String.valueOf(Math.max(1, (config.connectionTimeout().toMillis() + 999) / 1000));
        hikari.addDataSourceProperty("connectTimeout", seconds);
        hikari.addDataSourceProperty("loginTimeout", seconds);
        HikariDataSource ds = startPool(hikari, dsn, config);
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
        HikariDataSource ds = startPool(hikari, dsn, config);
        return new Database(ds, new SqliteDialect(), ds, dsn.toString());
    }

    /**
     * Starts the pool, failing fast (HikariCP tries the first connection once) with the reason when it
     * cannot be made. The message shows the DSN redacted and the driver's reason, never the password.
     */
    private static HikariDataSource startPool(HikariConfig hikari, Dsn dsn, PgqrsConfig config) {
        try {
            return new HikariDataSource(hikari);
        } catch (HikariPool.PoolInitializationException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new StoreUnavailableException("cannot connect to " + dsn + ": " + reason(cause, dsn)
                    + " (connection_timeout " + config.connectionTimeout().toMillis() + " ms); check the host, port, "
                    + "database, user and password", e);
        }
    }

    /** The driver's message, with the innermost cause when that says more ("Connect timed out", an unknown host). */
    private static String reason(Throwable cause, Dsn dsn) {
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String text = String.valueOf(cause.getMessage());
        if (root != cause && root.getMessage() != null && !text.contains(root.getMessage())) {
            text += " (" + root.getClass().getSimpleName() + ": " + root.getMessage() + ")";
        }
        text = Dsn.redactParameters(text);
        return dsn.password() == null || dsn.password().isEmpty() ? text : text.replace(dsn.password(), "***");
    }
}
