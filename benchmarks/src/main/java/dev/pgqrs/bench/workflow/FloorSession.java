package dev.pgqrs.bench.workflow;

import dev.pgqrs.bench.db.DatabaseSlot;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/** One thread's connection to a floor's tables and the statements it has prepared on it, kept for the run. */
final class FloorSession implements AutoCloseable {

    private final Connection connection;
    private final Map<String, PreparedStatement> statements = new HashMap<>();

    FloorSession(DatabaseSlot slot) throws SQLException {
        this.connection = slot.connect();
    }

    Connection connection() {
        return connection;
    }

    PreparedStatement statement(String sql) throws SQLException {
        PreparedStatement statement = statements.get(sql);
        if (statement == null) {
            statement = connection.prepareStatement(sql);
            statements.put(sql, statement);
        }
        return statement;
    }

    /** Runs the work in one transaction: SQLite's way to commit two statements together. */
    void inTransaction(SqlWork work) throws SQLException {
        connection.setAutoCommit(false);
        try {
            work.run();
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }

    interface SqlWork {
        void run() throws SQLException;
    }
}
