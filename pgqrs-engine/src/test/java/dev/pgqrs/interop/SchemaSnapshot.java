package dev.pgqrs.interop;

import dev.pgqrs.testing.BackendKind;
import dev.pgqrs.testing.TestBackend;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The layout of a test database as sorted lines of text (tables and columns with types, nullability
 * and defaults; indexes with their definitions; constraints; enum labels; comments; triggers),
 * with the test's schema name taken out, so two databases can be compared line by line.
 * Bookkeeping rows are data and are not part of it.
 */
final class SchemaSnapshot {

    private SchemaSnapshot() {
    }

    static List<String> of(TestBackend backend) {
        try (Connection c = backend.jdbc()) {
            List<String> lines = backend.kind() == BackendKind.POSTGRES ? postgres(c) : sqlite(c);
            if (backend.schema() != null) {
                lines.replaceAll(l -> l.replace(backend.schema() + ".", ""));
            }
            lines.sort(null);
            return lines;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Table and column names only: what two editions' files must agree on even where types differ. */
    static List<String> names(TestBackend backend) {
        return of(backend).stream().filter(l -> l.startsWith("column ") || l.startsWith("index "))
                .map(l -> l.startsWith("column ") ? l.substring(0, l.indexOf(' ', "column ".length())) : l.split(" ")[0] + " " + l.split(" ")[1])
                .sorted().toList();
    }

    private static List<String> postgres(Connection c) throws SQLException {
        List<String> out = new ArrayList<>();
        collect(c, out, "column ", """
                SELECT table_name || '.' || column_name || ' ' || ordinal_position || ' ' || udt_name || ' ' || is_nullable
                       || ' ' || coalesce(column_default, '-')
                FROM information_schema.columns WHERE table_schema = current_schema()""");
        collect(c, out, "index ", """
                SELECT indexname || ' ' || indexdef FROM pg_indexes WHERE schemaname = current_schema()""");
        collect(c, out, "constraint ", """
                SELECT conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid)
                FROM pg_constraint WHERE connamespace = current_schema()::regnamespace""");
        collect(c, out, "enum ", """
                SELECT t.typname || ' ' || string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder)
                FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid
                WHERE t.typnamespace = current_schema()::regnamespace GROUP BY t.typname""");
        collect(c, out, "comment ", """
                SELECT c.relname || ' ' || obj_description(c.oid, 'pg_class')
                FROM pg_class c WHERE c.relnamespace = current_schema()::regnamespace
                  AND obj_description(c.oid, 'pg_class') IS NOT NULL""");
        collect(c, out, "trigger ", """
                SELECT tgrelid::regclass::text || ' ' || tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
                WHERE NOT t.tgisinternal AND c.relnamespace = current_schema()::regnamespace""");
        collect(c, out, "table ", """
                SELECT tablename FROM pg_tables WHERE schemaname = current_schema()""");
        return out;
    }

    private static List<String> sqlite(Connection c) throws SQLException {
        List<String> out = new ArrayList<>();
        collect(c, out, "table ", "SELECT name || ' ' || sql FROM sqlite_master WHERE type = 'table' AND name <> 'sqlite_sequence'");
        collect(c, out, "column ", """
                SELECT m.name || '.' || p.name || ' ' || p.cid || ' ' || p.type || ' ' || p."notnull" || ' ' || coalesce(p.dflt_value, '-')
                FROM sqlite_master m JOIN pragma_table_info(m.name) p
                WHERE m.type = 'table' AND m.name <> 'sqlite_sequence'""");
        collect(c, out, "index ", "SELECT name || ' ' || tbl_name || ' ' || coalesce(sql, '(automatic)') FROM sqlite_master WHERE type = 'index'");
        collect(c, out, "trigger ", "SELECT name || ' ' || tbl_name FROM sqlite_master WHERE type = 'trigger'");
        // The statement text SQLite keeps follows the file's layout: compare it with whitespace collapsed.
        out.replaceAll(l -> l.replaceAll("\\s+", " ").replace(" IF NOT EXISTS", "").replace("( ", "(").replace(" )", ")"));
        return out;
    }

    private static void collect(Connection c, List<String> out, String prefix, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(prefix + rs.getString(1));
            }
        }
    }

    /** Only the lines of one kind ("index ", "column pgqrs_workers."…). */
    static List<String> only(List<String> snapshot, String prefix) {
        return snapshot.stream().filter(l -> l.toLowerCase(Locale.ROOT).startsWith(prefix)).toList();
    }
}
