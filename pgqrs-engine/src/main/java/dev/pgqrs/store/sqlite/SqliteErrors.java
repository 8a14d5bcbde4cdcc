package dev.pgqrs.store.sqlite;

import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

import java.sql.SQLException;

/**
 * Classifies SQLite errors by the driver's result code, not by message text: a message can quote
 * what a statement or trigger said, and its wording is the driver's to change. The driver reports
 * extended codes ({@code SQLITE_CONSTRAINT_UNIQUE}, {@code SQLITE_IOERR_SHORT_READ}, …); a wrapper
 * that kept only {@link SQLException#getErrorCode()} carries the primary code.
 */
final class SqliteErrors {

    private SqliteErrors() {
    }

    /**
     * The most precise result code the error carries: the extended code of the driver's exception (the
     * error itself or a cause of it), else the vendor code of the error (the primary code a wrapper
     * copied); 0 when there is none.
     */
    static int resultCode(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLiteException s && s.getResultCode() != null
                    && s.getResultCode() != SQLiteErrorCode.UNKNOWN_ERROR) {
                return s.getResultCode().code;
            }
        }
        return e.getErrorCode();
    }

    /** The primary code: the low byte of an extended code. */
    private static int primary(int resultCode) {
        return resultCode & 0xff;
    }

    private static boolean isPrimary(int resultCode, SQLiteErrorCode code) {
        return primary(resultCode) == code.code;
    }

    /**
     * The file cannot be opened, read or written, is not a database, or is read-only: the store cannot
     * reach its data. Busy and locked are not among them: the file is there, another writer holds it.
     */
    static boolean isConnectionFailure(SQLException e) {
        int code = resultCode(e);
        return isPrimary(code, SQLiteErrorCode.SQLITE_CANTOPEN) || isPrimary(code, SQLiteErrorCode.SQLITE_IOERR)
                || isPrimary(code, SQLiteErrorCode.SQLITE_NOTADB) || isPrimary(code, SQLiteErrorCode.SQLITE_READONLY);
    }

    /**
     * A statement named a table the file does not have. SQLite reports that as its generic
     * {@code SQLITE_ERROR} (as it does a syntax error), with no code of its own: the code narrows it
     * down, the driver's "no such table" tells it apart.
     */
    static boolean isMissingTable(SQLException e) {
        return resultCode(e) == SQLiteErrorCode.SQLITE_ERROR.code && String.valueOf(e.getMessage()).contains("no such table");
    }

    /**
     * A unique (primary key included) or foreign-key violation, as on PostgreSQL; NOT NULL and CHECK
     * violations are not. When only the primary code survived a wrapper, any constraint violation counts.
     */
    static boolean isConstraintViolation(SQLException e) {
        int code = resultCode(e);
        return code == SQLiteErrorCode.SQLITE_CONSTRAINT_UNIQUE.code
                || code == SQLiteErrorCode.SQLITE_CONSTRAINT_PRIMARYKEY.code
                || code == SQLiteErrorCode.SQLITE_CONSTRAINT_FOREIGNKEY.code
                || code == SQLiteErrorCode.SQLITE_CONSTRAINT.code;
    }
}
