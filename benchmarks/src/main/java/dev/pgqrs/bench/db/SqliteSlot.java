package dev.pgqrs.bench.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.pgqrs.config.Backend;

import javax.sql.DataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * A fresh SQLite file. Every connection opened here uses the settings pgqrs uses (WAL,
 * {@code synchronous=NORMAL}, busy timeout 5 s), so hand-written and peer code pays the same
 * per-commit price as the engine.
 */
public final class SqliteSlot implements DatabaseSlot {

    private final Path file;

    private SqliteSlot(Path file) {
        this.file = file;
    }

    public static SqliteSlot create(Path directory, String label) {
        try {
            Files.createDirectories(directory);
            Path file = Files.createTempFile(directory, "bench-" + label.replaceAll("[^a-z0-9]", "_") + "-", ".db");
            Files.delete(file); // SQLite creates it, in WAL mode
            return new SqliteSlot(file);
        } catch (IOException e) {
            throw new IllegalStateException("cannot create a SQLite file in " + directory + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Backend backend() {
        return Backend.SQLITE;
    }

    @Override
    public String pgqrsDsn() {
        return "sqlite:" + file;
    }

    @Override
    public String schema() {
        return null;
    }

    public Path file() {
        return file;
    }

    static Properties connectionProperties() {
        Properties p = new Properties();
        p.setProperty("journal_mode", "WAL");
        p.setProperty("synchronous", "NORMAL");
        p.setProperty("busy_timeout", "5000");
        p.setProperty("foreign_keys", "true");
        p.setProperty("transaction_mode", "IMMEDIATE");
        return p;
    }

    @Override
    public Connection connect() throws SQLException {
        return DriverManager.getConnection("jdbc:sqlite:" + file, connectionProperties());
    }

    @Override
    public DataSource pool(String name, int size) {
        HikariConfig config = new HikariConfig();
        config.setPoolName(name);
        config.setDriverClassName("org.sqlite.JDBC");
        config.setJdbcUrl("jdbc:sqlite:" + file);
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(1);
        connectionProperties().forEach((k, v) -> config.addDataSourceProperty((String) k, v));
        return new HikariDataSource(config);
    }

    @Override
    public void settle(String... tables) {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            for (String table : tables) {
                s.execute("ANALYZE " + table);
            }
            s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
        } catch (SQLException e) {
            throw new IllegalStateException("settling " + String.join(", ", tables) + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void settleAllTables() {
        List<String> tables = new ArrayList<>();
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT '\"' || name || '\"' FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")) {
            while (rs.next()) {
                tables.add(rs.getString(1));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("listing the tables of " + this + ": " + e.getMessage(), e);
        }
        settle(tables.toArray(String[]::new));
    }

    @Override
    public ServerCounters counters() {
        return ServerCounters.UNKNOWN;
    }

    public static String sqliteVersion() {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite::memory:"); Statement s = c.createStatement();
             var rs = s.executeQuery("SELECT sqlite_version()")) {
            rs.next();
            return rs.getString(1);
        } catch (SQLException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        for (String suffix : new String[] {"", "-wal", "-shm"}) {
            try {
                Files.deleteIfExists(Path.of(file + suffix));
            } catch (IOException ignored) {
                // a temporary file; the directory is removed at the end of the run
            }
        }
    }

    @Override
    public String toString() {
        return "sqlite file " + file;
    }
}
