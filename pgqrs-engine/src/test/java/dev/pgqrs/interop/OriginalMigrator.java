package dev.pgqrs.interop;

import dev.pgqrs.testing.BackendKind;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * The bootstrap of pgqrs (Rust) as sqlx 0.8.6's migrator performs it (pgqrs-interop.md §1.3), on
 * the connection given, with the release's files: lock (PostgreSQL), records table, Dirty,
 * VersionMissing, VersionMismatch, then each missing file and its record in one transaction.
 */
final class OriginalMigrator {

    /** What sqlx reports; {@code version} is the migration it stopped at. */
    enum Failure { DIRTY, VERSION_MISSING, VERSION_MISMATCH, EXECUTE }

    static final class MigrateException extends Exception {
        final Failure failure;
        final long version;

        MigrateException(Failure failure, long version, String message, Throwable cause) {
            super(message, cause);
            this.failure = failure;
            this.version = version;
        }
    }

    private static final String TABLE_POSTGRES = """
            CREATE TABLE IF NOT EXISTS _sqlx_migrations (
                version BIGINT PRIMARY KEY,
                description TEXT NOT NULL,
                installed_on TIMESTAMPTZ NOT NULL DEFAULT now(),
                success BOOLEAN NOT NULL,
                checksum BYTEA NOT NULL,
                execution_time BIGINT NOT NULL
            )""";

    private static final String TABLE_SQLITE = """
            CREATE TABLE IF NOT EXISTS _sqlx_migrations (
                version BIGINT PRIMARY KEY,
                description TEXT NOT NULL,
                installed_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
                success BOOLEAN NOT NULL,
                checksum BLOB NOT NULL,
                execution_time BIGINT NOT NULL
            )""";

    private OriginalMigrator() {
    }

    /** sqlx's advisory lock key: 0x3d32ad9e × CRC-32 (ISO-HDLC) of the database name. */
    static long lockKey(String database) {
        CRC32 crc = new CRC32();
        crc.update(database.getBytes(StandardCharsets.UTF_8));
        return 0x3d32ad9eL * crc.getValue();
    }

    /**
     * Runs the release's bootstrap. Like sqlx, a failed run leaves the session lock held (it is the
     * caller's connection: closing it releases the lock).
     */
    static void run(Connection c, BackendKind kind, OriginalRelease release) throws SQLException, MigrateException {
        boolean postgres = kind == BackendKind.POSTGRES;
        c.setAutoCommit(true);
        long key = 0;
        if (postgres) {
            key = lockKey(scalar(c, "SELECT current_database()"));
            try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_lock(?)")) {
                ps.setLong(1, key);
                ps.execute();
            }
        }
        try (Statement s = c.createStatement()) {
            s.execute(postgres ? TABLE_POSTGRES : TABLE_SQLITE);
        }
        Long dirty = null;
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT version FROM _sqlx_migrations WHERE success = false ORDER BY version LIMIT 1")) {
            if (rs.next()) {
                dirty = rs.getLong(1);
            }
        }
        if (dirty != null) {
            throw new MigrateException(Failure.DIRTY, dirty, "migration " + dirty + " is partially applied; fix and remove row", null);
        }
        Map<Long, byte[]> applied = new LinkedHashMap<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT version, checksum FROM _sqlx_migrations ORDER BY version")) {
            while (rs.next()) {
                applied.put(rs.getLong(1), rs.getBytes(2));
            }
        }
        for (long v : applied.keySet()) {
            if (release.files(kind).stream().noneMatch(f -> f.version() == v)) {
                throw new MigrateException(Failure.VERSION_MISSING, v,
                        "migration " + v + " was previously applied but is missing in the resolved migrations", null);
            }
        }
        for (OriginalRelease.File f : release.files(kind)) {
            byte[] checksum = HexFormat.of().parseHex(f.sha384());
            byte[] recorded = applied.get(f.version());
            if (recorded != null) {
                if (!java.util.Arrays.equals(recorded, checksum)) {
                    throw new MigrateException(Failure.VERSION_MISMATCH, f.version(),
                            "migration " + f.version() + " was previously applied but has been modified", null);
                }
                continue;
            }
            long started = System.nanoTime();
            c.setAutoCommit(false);
            try {
                Scripts.run(c, postgres, Scripts.load(f.resource()));
                try (PreparedStatement ps = c.prepareStatement("""
                        INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time)
                        VALUES (?, ?, TRUE, ?, -1)""")) {
                    ps.setLong(1, f.version());
                    ps.setString(2, f.description());
                    ps.setBytes(3, checksum);
                    ps.executeUpdate();
                }
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw new MigrateException(Failure.EXECUTE, f.version(),
                        "while executing migration " + f.version() + ": " + e.getMessage(), e);
            } finally {
                c.setAutoCommit(true);
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE _sqlx_migrations SET execution_time = ? WHERE version = ?")) {
                ps.setLong(1, System.nanoTime() - started);
                ps.setLong(2, f.version());
                ps.executeUpdate();
            }
        }
        if (postgres) {
            try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_unlock(?)")) {
                ps.setLong(1, key);
                ps.execute();
            }
        }
    }

    private static String scalar(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
