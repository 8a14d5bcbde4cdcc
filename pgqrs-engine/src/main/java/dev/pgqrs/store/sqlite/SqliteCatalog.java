package dev.pgqrs.store.sqlite;

import dev.pgqrs.store.Jdbc;
import dev.pgqrs.store.SchemaCatalog;
import dev.pgqrs.store.StatementBinder;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The SQLite catalog of the main database file. SQLite has no enums and does not name foreign keys. */
public final class SqliteCatalog implements SchemaCatalog {

    private static final String HAS_TABLE = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1";

    private static final String COLUMNS = "SELECT name FROM pragma_table_info(?1) ORDER BY cid";

    private static final String INDEXES = """
            SELECT m.name, m.tbl_name, l.partial
            FROM sqlite_master m JOIN pragma_index_list(m.tbl_name) l ON l.name = m.name
            WHERE m.type = 'index'
            ORDER BY m.name""";

    private static final String INDEX_COLUMNS = "SELECT name FROM pragma_index_info(?1) ORDER BY seqno";

    private final Connection c;

    public SqliteCatalog(Connection c) {
        this.c = c;
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
        record Named(String name, String table, boolean partial) { }
        List<Named> named = Jdbc.query(c, INDEXES, StatementBinder.NONE,
                rs -> new Named(rs.getString(1), rs.getString(2), rs.getBoolean(3)));
        Map<String, IndexShape> out = new LinkedHashMap<>();
        for (Named n : named) {
            List<String> columns = Jdbc.query(c, INDEX_COLUMNS, ps -> ps.setString(1, n.name()), rs -> rs.getString(1));
            out.put(n.name(), new IndexShape(n.table(), columns, n.partial()));
        }
        return out;
    }

    @Override
    public List<String> enumValues(String type) {
        return List.of();
    }

    @Override
    public Set<String> foreignKeys() {
        return Set.of();
    }
}
