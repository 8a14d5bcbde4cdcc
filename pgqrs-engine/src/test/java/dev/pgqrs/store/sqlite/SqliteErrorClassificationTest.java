package dev.pgqrs.store.sqlite;

import dev.pgqrs.StoreException;
import dev.pgqrs.StoreUnavailableException;
import dev.pgqrs.Store;
import dev.pgqrs.store.Dialect;
import dev.pgqrs.testing.BackendKind;
import dev.pgqrs.testing.TestBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * SQLite only (PostgreSQL classifies by SQLSTATE): the dialect tells errors apart by the driver's result
 * code, on a real file. A unique or foreign-key violation is a constraint violation and a NOT NULL or CHECK
 * violation is not (as on PostgreSQL); a busy or locked file is not an unreachable one; a missing table is
 * told by SQLite's code and the driver's words together, not by words a trigger can say; a wrapper that kept
 * only the vendor code is classified by it.
 */
class SqliteErrorClassificationTest {

    private final Dialect dialect = new SqliteDialect();
    private TestBackend backend;
    private Connection c;

    @BeforeEach
    void openFile() throws SQLException {
        backend = TestBackend.create(BackendKind.SQLITE);
        c = backend.jdbc();
        try (Statement s = c.createStatement()) {
            s.execute("PRAGMA foreign_keys = ON");
            s.execute("CREATE TABLE parent (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, size INTEGER CHECK (size > 0))");
            s.execute("CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent (id))");
            s.execute("INSERT INTO parent (id, name, size) VALUES (1, 'a', 1)");
        }
    }

    @AfterEach
    void closeFile() throws SQLException {
        c.close();
        backend.close();
    }

    @Test
    void uniquePrimaryKeyAndForeignKeyViolationsAreConstraintViolations() {
        for (String sql : new String[] {
                "INSERT INTO parent (name, size) VALUES ('a', 1)",
                "INSERT INTO parent (id, name, size) VALUES (1, 'b', 1)",
                "INSERT INTO child (parent_id) VALUES (99)"}) {
            SQLException e = failure(sql);
            assertThat(dialect.isConstraintViolation(e)).as(e.getMessage()).isTrue();
            assertThat(dialect.isConnectionFailure(e)).as(e.getMessage()).isFalse();
            assertThat(dialect.isMissingTable(e)).as(e.getMessage()).isFalse();
        }
    }

    @Test
    void notNullAndCheckViolationsAreNotUniqueOrForeignKeyViolations() {
        for (String sql : new String[] {
                "INSERT INTO parent (name, size) VALUES (NULL, 1)",
                "INSERT INTO parent (name, size) VALUES ('b', 0)"}) {
            SQLException e = failure(sql);
            assertThat(e.getMessage()).contains("SQLITE_CONSTRAINT");
            assertThat(dialect.isConstraintViolation(e)).as(e.getMessage()).isFalse();
        }
    }

    @Test
    void aBusyFileIsReachable() throws SQLException {
        try (Connection holder = backend.jdbc(); Statement h = holder.createStatement()) {
            h.execute("BEGIN IMMEDIATE");
            h.execute("INSERT INTO parent (name, size) VALUES ('held', 1)");
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA busy_timeout = 0");
            }
            SQLException e = failure("INSERT INTO parent (name, size) VALUES ('b', 1)");
            assertThat(e.getErrorCode()).as(e.getMessage()).isEqualTo(5); // SQLITE_BUSY
            assertThat(dialect.isConnectionFailure(e)).isFalse();
            assertThat(dialect.isConstraintViolation(e)).isFalse();
            assertThat(dialect.isMissingTable(e)).isFalse();
            h.execute("ROLLBACK");
        }
    }

    @Test
    void aLockedTableIsReachable() throws SQLException {
        try (Statement reader = c.createStatement(); ResultSet open = reader.executeQuery("SELECT id FROM parent")) {
            assertThat(open.next()).isTrue();
            // Dropping a table that a statement of the same connection is still reading: SQLITE_LOCKED.
            SQLException e = failure("DROP TABLE parent");
            assertThat(e.getErrorCode()).as(e.getMessage()).isEqualTo(6); // SQLITE_LOCKED
            assertThat(dialect.isConnectionFailure(e)).isFalse();
            assertThat(dialect.isConstraintViolation(e)).isFalse();
            assertThat(dialect.isMissingTable(e)).isFalse();
        }
    }

    @Test
    void aMissingTableIsToldByItsCodeNotByWordsATriggerSays() throws SQLException {
        SQLException missing = failure("SELECT * FROM pgqrs_messages");
        assertThat(dialect.isMissingTable(missing)).as(missing.getMessage()).isTrue();
        assertThat(dialect.isConnectionFailure(missing)).isFalse();

        try (Statement s = c.createStatement()) {
            s.execute("""
                    CREATE TRIGGER parent_guard BEFORE DELETE ON parent
                    BEGIN SELECT RAISE(ABORT, 'no such table: SQLITE_IOERR'); END""");
        }
        SQLException raised = failure("DELETE FROM parent");
        assertThat(raised.getMessage()).contains("no such table", "SQLITE_IOERR");
        assertThat(dialect.isMissingTable(raised)).as(raised.getMessage()).isFalse();
        assertThat(dialect.isConnectionFailure(raised)).as(raised.getMessage()).isFalse();
        assertThat(dialect.isConstraintViolation(raised)).as(raised.getMessage()).isFalse();
    }

    @Test
    void aFileThatIsNotADatabaseIsUnreachable() throws Exception {
        Path notADatabase = Files.createTempFile(backend.sqliteFile().getParent(), "not-a-database-", ".db");
        try {
            Files.writeString(notADatabase, "this is not a SQLite file, and it is long enough to hold a header".repeat(20));
            SQLException e = catchThrowableOfType(SQLException.class, () -> {
                try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + notADatabase.toAbsolutePath());
                     Statement s = other.createStatement()) {
                    s.executeQuery("SELECT * FROM sqlite_master").close();
                }
            });
            assertThat((Throwable) e).as("opening a file that is not a database").isNotNull();
            assertThat(dialect.isConnectionFailure(e)).as(e.getMessage()).isTrue();
            assertThat(dialect.isConstraintViolation(e)).isFalse();
        } finally {
            Files.deleteIfExists(notADatabase);
        }
    }

    @Test
    void aWrapperIsClassifiedByTheCodeItKept() {
        SQLException unique = failure("INSERT INTO parent (name, size) VALUES ('a', 1)");
        SQLException notNull = failure("INSERT INTO parent (name, size) VALUES (NULL, 1)");
        // A wrapper with the driver's error as its cause: the cause's extended code counts.
        assertThat(dialect.isConstraintViolation(new SQLException("insert failed", null, 0, unique))).isTrue();
        assertThat(dialect.isConstraintViolation(new SQLException("insert failed", null, 0, notNull))).isFalse();
        // A wrapper that kept only the primary code (and words that would mislead).
        assertThat(dialect.isConnectionFailure(new SQLException("copied", null, 26))).isTrue(); // SQLITE_NOTADB
        assertThat(dialect.isConnectionFailure(new SQLException("copied: SQLITE_IOERR", null, 5))).isFalse(); // SQLITE_BUSY
        assertThat(dialect.isConstraintViolation(new SQLException("copied", null, 19))).isTrue(); // SQLITE_CONSTRAINT
    }

    @Test
    void aStoreMeetingABusyFileFailsTheWriteAndStaysReachable() throws SQLException {
        Store store = backend.open(b -> b.sqliteBusyTimeout(Duration.ofMillis(50)));
        store.queues().create("orders");
        try (Connection holder = backend.jdbc(); Statement h = holder.createStatement()) {
            h.execute("BEGIN IMMEDIATE");
            h.execute("INSERT INTO parent (name, size) VALUES ('held', 1)");
            StoreException e = catchThrowableOfType(StoreException.class, () -> store.enqueue("orders", Map.of("n", 1)));
            assertThat(e).isNotNull().isNotInstanceOf(StoreUnavailableException.class);
            assertThat(e.getMessage()).contains("SQLITE_BUSY");
            assertThat(store.health().reachable()).isTrue();
            h.execute("ROLLBACK");
        }
        assertThat(store.enqueue("orders", Map.of("n", 2))).isPositive();
    }

    private SQLException failure(String sql) {
        return catchThrowableOfType(SQLException.class, () -> {
            try (Statement s = c.createStatement()) {
                s.execute(sql);
            }
        });
    }
}
