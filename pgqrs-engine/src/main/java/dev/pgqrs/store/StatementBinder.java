package dev.pgqrs.store;

import java.sql.PreparedStatement;
import java.sql.SQLException;

/** Binds the parameters of one prepared statement. */
@FunctionalInterface
public interface StatementBinder {
    void bind(PreparedStatement statement) throws SQLException;

    StatementBinder NONE = statement -> { };
}
