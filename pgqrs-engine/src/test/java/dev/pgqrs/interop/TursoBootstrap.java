package dev.pgqrs.interop;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The bootstrap of pgqrs (Rust)'s Turso backend (pgqrs-interop.md §1.4), run here with sqlite-jdbc
 * (no Turso driver for the JVM): its own version table, then each file unless recorded, split on ';'.
 */
final class TursoBootstrap {

    static final List<String> FILES = List.of("01_create_queues", "02_create_workers", "03_create_messages",
            "05_create_workflows");

    private TursoBootstrap() {
    }

    static void run(Connection c) throws SQLException {
        c.setAutoCommit(true);
        Scripts.run(c, false, Scripts.load("interop/turso/00_create_schema_version.sql"));
        for (String file : FILES) {
            if (applied(c, file)) {
                continue;
            }
            Scripts.run(c, false, Scripts.load("interop/turso/" + file + ".sql"));
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO pgqrs_schema_version (version, applied_at, description) VALUES (?, datetime('now'), ?)")) {
                ps.setString(1, file);
                ps.setString(2, "Applied " + file);
                ps.executeUpdate();
            }
        }
    }

    /** Turso reads its table by text version; a row of another shape makes this fail as it would in Turso. */
    static boolean applied(Connection c, String version) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT version, applied_at, description FROM pgqrs_schema_version WHERE version = ?")) {
            ps.setString(1, version);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    static List<String> versions(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT version FROM pgqrs_schema_version ORDER BY version")) {
            List<String> out = new java.util.ArrayList<>();
            while (rs.next()) {
                out.add(rs.getString(1));
            }
            return out;
        }
    }
}
