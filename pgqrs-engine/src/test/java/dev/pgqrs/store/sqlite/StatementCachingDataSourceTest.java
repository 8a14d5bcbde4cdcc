package dev.pgqrs.store.sqlite;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * SQLite only: the statement cache exists because sqlite-jdbc has none. A statement whose execution
 * failed inside SQLite must not be lent again, and handing a statement back never throws.
 */
class StatementCachingDataSourceTest {

    private static final String SQL = "SELECT count(*) FROM json_each(?)";

    private Path file;
    private StatementCachingDataSource dataSource;

    @BeforeEach
    void setUp() throws Exception {
        Path dir = Files.createDirectories(Path.of("target", "sqlite-tests"));
        file = Files.createTempFile(dir, "statement-cache-", ".db");
        dataSource = new StatementCachingDataSource("jdbc:sqlite:" + file.toAbsolutePath(), new Properties());
    }

    @AfterEach
    void tearDown() throws Exception {
        Files.deleteIfExists(file);
    }

    private static int count(Connection c, String json) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SQL)) {
            ps.setString(1, json);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    @Test
    void aStatementWhoseExecutionFailedIsNotLentAgain() throws Exception {
        try (Connection c = dataSource.getConnection()) {
            assertThat(count(c, "[1]")).isEqualTo(1); // cached from here on

            assertThatThrownBy(() -> count(c, "[1,")).isInstanceOf(SQLException.class).hasMessageContaining("malformed JSON");

            for (int i = 0; i < 10; i++) {
                assertThat(count(c, "[1,2,3]")).as("call %d after the failure", i).isEqualTo(3);
            }
        }
    }

    @Test
    void aStatementThatFailedWhileItsRowsWereReadIsNotLentAgain() throws Exception {
        String sql = "SELECT json(value) FROM json_each(?)";
        try (Connection c = dataSource.getConnection()) {
            assertThatThrownBy(() -> {
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    ps.setString(1, "[\"{}\", \"{bad\"]"); // the second row fails, in ResultSet.next()
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            rs.getString(1);
                        }
                    }
                }
            }).isInstanceOf(SQLException.class).hasMessageContaining("malformed JSON");

            for (int i = 0; i < 3; i++) {
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    ps.setString(1, "[\"[1]\", \"{}\"]");
                    try (ResultSet rs = ps.executeQuery()) {
                        assertThat(rs.next()).isTrue();
                        assertThat(rs.getString(1)).isEqualTo("[1]");
                        assertThat(rs.next()).isTrue();
                        assertThat(rs.next()).isFalse();
                    }
                }
            }
        }
    }

    @Test
    void handingBackAStatementNeverThrows() throws Exception {
        try (Connection c = dataSource.getConnection()) {
            PreparedStatement ps = c.prepareStatement(SQL);
            ps.setString(1, "{\"a\":");
            assertThatThrownBy(ps::executeQuery).isInstanceOf(SQLException.class);
            ps.close();
            ps.close(); // twice is harmless too
            assertThat(ps.isClosed()).isTrue();
            assertThat(count(c, "[]")).isZero();
        }
    }
}
