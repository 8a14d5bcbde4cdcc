package dev.pgqrs.store.postgres;

import dev.pgqrs.store.Jdbc;
import dev.pgqrs.store.SchemaCatalog;
import dev.pgqrs.store.StatementBinder;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The PostgreSQL catalog of the current schema (the one the connection's search_path names first). */
public final class PostgresCatalog implements SchemaCatalog {

    private static final String SCHEMA_EXISTS = "SELECT 1 FROM pg_namespace WHERE nspname = ?";

    private static final String CURRENT_SCHEMA = "SELECT current_schema()";

    private static final String HAS_TABLE = """
            SELECT 1 FROM pg_tables WHERE schemaname = current_schema() AND tablename = ?""";

    private static final String COLUMNS = """
            SELECT column_name FROM information_schema.columns
            WHERE table_schema = current_schema() AND table_name = ?
            ORDER BY ordinal_position""";

    private static final String INDEXES = """
            SELECT i.relname, t.relname, x.indpred IS NOT NULL,
                   array_to_string(ARRAY(SELECT pg_get_indexdef(x.indexrelid, k, true)
                                         FROM generate_series(1, x.indnkeyatts) AS k ORDER BY k), ',')
            FROM pg_index x
            JOIN pg_class i ON i.oid = x.indexrelid
            JOIN pg_class t ON t.oid = x.indrelid
            JOIN pg_namespace n ON n.oid = t.relnamespace
            WHERE n.nspname = current_schema()""";

    private static final String ENUM_VALUES = """
            SELECT e.enumlabel
            FROM pg_enum e
            JOIN pg_type t ON t.oid = e.enumtypid
            JOIN pg_namespace n ON n.oid = t.typnamespace
            WHERE n.nspname = current_schema() AND t.typname = ?
            ORDER BY e.enumsortorder""";

    private static final String FOREIGN_KEYS = """
            SELECT c.conname
            FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
            WHERE n.nspname = current_schema() AND c.contype = 'f'""";

    private final Connection c;

    public PostgresCatalog(Connection c) {
        this.c = c;
    }

    /** Whether a schema of exactly that name (case-sensitive) exists in the database. */
    public boolean schemaExists(String schema) throws SQLException {
        return Jdbc.queryOne(c, SCHEMA_EXISTS, ps -> ps.setString(1, schema), rs -> true).isPresent();
    }

    /** The schema the connection resolves unqualified tables in, or null when its search_path names none that exists. */
    public String currentSchema() throws SQLException {
        return Jdbc.queryOne(c, CURRENT_SCHEMA, StatementBinder.NONE, rs -> rs.getString(1)).orElse(null);
    }

    @Override
    public boolean hasTable(String table) throws SQLException {
        return Jdbc.queryOne(c, HAS_TABLE, ps -> ps.setString(1, table), rs -> true).isPresent();
    }

    @Override
    public List<String> columns(String table) throws SQLException {
        return Jdbc.query(c, COLUMNS, ps -> ps.setString(1, table), rs -> rs.getString(1));
    }

    @Override
    public Map<String, IndexShape> indexes() throws SQLException {
        Map<String, IndexShape> out = new LinkedHashMap<>();
        Jdbc.query(c, INDEXES, StatementBinder.NONE, rs -> out.put(rs.getString(1),
                new IndexShape(rs.getString(2), Arrays.asList(rs.getString(4).split(",")), rs.getBoolean(3))));
        return out;
    }

    @Override
    public List<String> enumValues(String type) throws SQLException {
        return Jdbc.query(c, ENUM_VALUES, ps -> ps.setString(1, type), rs -> rs.getString(1));
    }

    @Override
    public Set<String> foreignKeys() throws SQLException {
        return new HashSet<>(Jdbc.query(c, FOREIGN_KEYS, StatementBinder.NONE, rs -> rs.getString(1)));
    }
}
