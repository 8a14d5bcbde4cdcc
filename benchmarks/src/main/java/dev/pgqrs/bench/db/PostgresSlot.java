package dev.pgqrs.bench.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.pgqrs.config.Backend;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** A schema of its own on the benchmark's PostgreSQL server. */
public final class PostgresSlot implements DatabaseSlot {

    private static final String COUNTERS = """
            SELECT (SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()),
                   (SELECT wal_sync FROM pg_stat_wal)""";

    private final PostgresHost host;
    private final String schema;

    PostgresSlot(PostgresHost host, String schema) {
        this.host = host;
        this.schema = schema;
    }

    @Override
    public Backend backend() {
        return Backend.POSTGRES;
    }

    @Override
    public String pgqrsDsn() {
        return host.dsn();
    }

    @Override
    public String schema() {
        return schema;
    }

    public PostgresHost host() {
        return host;
    }

    @Override
    public Connection connect() throws SQLException {
        return host.connect(schema);
    }

    @Override
    public DataSource pool(String name, int size) {
        HikariConfig config = new HikariConfig();
        config.setPoolName(name);
        config.setJdbcUrl(host.jdbcUrl(schema));
        config.setUsername(host.user());
        config.setPassword(host.password());
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(size);
        return new HikariDataSource(config);
    }

    @Override
    public void settle(String... tables) {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            for (String table : tables) {
                s.execute("VACUUM ANALYZE " + table);
            }
            s.execute("CHECKPOINT");
        } catch (SQLException e) {
            throw new IllegalStateException("settling " + String.join(", ", tables) + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void settleAllTables() {
        List<String> tables = new ArrayList<>();
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(
                "SELECT quote_ident(schemaname) || '.' || quote_ident(tablename) FROM pg_tables WHERE schemaname = ?")) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("listing the tables of schema " + schema + ": " + e.getMessage(), e);
        }
        settle(tables.toArray(String[]::new));
    }

    /**
     * Reads the server's counters. A backend reports its statistics when it exits (or after it
     * idled a while), so callers close the connections of the run first; the short pause lets the
     * exiting backends finish reporting. Each reading is itself one committed transaction, and
     * statistics of connections still open at the first reading may land in the second: a few
     * commits of slack per run, against the tens of thousands a run makes.
     */
    @Override
    public ServerCounters counters() {
        sleep(300);
        return read();
    }

    private ServerCounters read() {
        try (Connection c = host.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(COUNTERS)) {
            rs.next();
            return new ServerCounters(rs.getLong(1), rs.getLong(2));
        } catch (SQLException e) {
            throw new IllegalStateException("reading pg_stat_database/pg_stat_wal: " + e.getMessage(), e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        host.dropSchema(schema);
    }

    @Override
    public String toString() {
        return "postgres schema " + schema;
    }
}
