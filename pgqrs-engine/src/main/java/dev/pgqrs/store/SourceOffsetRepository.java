package dev.pgqrs.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Source positions ({@code pgqrs_source_offsets}): one row per (source, partition), its offset as text. The
 * SQL reads the same on every backend; only the current time comes from the dialect.
 */
public final class SourceOffsetRepository {

    private static final String FIND = """
            SELECT offset_text FROM pgqrs_source_offsets WHERE source_name = ? AND partition_key = ?""";

    private static final String LIST = """
            SELECT partition_key, offset_text FROM pgqrs_source_offsets WHERE source_name = ? ORDER BY partition_key""";

    private static final String DELETE = "DELETE FROM pgqrs_source_offsets WHERE source_name = ? AND partition_key = ?";

    private static final String DELETE_SOURCE = "DELETE FROM pgqrs_source_offsets WHERE source_name = ?";

    /** The last write wins: a source moves its own positions, one writer per partition. */
    private final String upsert;

    public SourceOffsetRepository(Dialect dialect) {
        this.upsert = """
                INSERT INTO pgqrs_source_offsets (source_name, partition_key, offset_text, updated_at)
                VALUES (?, ?, ?, %1$s)
                ON CONFLICT (source_name, partition_key) DO UPDATE
                SET offset_text = excluded.offset_text, updated_at = %1$s""".formatted(dialect.now());
    }

    public Optional<String> find(Connection c, String source, String partition) throws SQLException {
        return Jdbc.queryOne(c, FIND, ps -> {
            ps.setString(1, source);
            ps.setString(2, partition);
        }, rs -> rs.getString(1));
    }

    /** Every partition of the source and its offset, by partition key. */
    public Map<String, String> list(Connection c, String source) throws SQLException {
        Map<String, String> out = new LinkedHashMap<>();
        Jdbc.query(c, LIST, ps -> ps.setString(1, source), rs -> out.put(rs.getString(1), rs.getString(2)));
        return out;
    }

    public void put(Connection c, String source, String partition, String offset) throws SQLException {
        Jdbc.update(c, upsert, ps -> {
            ps.setString(1, source);
            ps.setString(2, partition);
            ps.setString(3, offset);
        });
    }

    public boolean delete(Connection c, String source, String partition) throws SQLException {
        return Jdbc.update(c, DELETE, ps -> {
            ps.setString(1, source);
            ps.setString(2, partition);
        }) == 1;
    }

    public int deleteSource(Connection c, String source) throws SQLException {
        return Jdbc.update(c, DELETE_SOURCE, ps -> ps.setString(1, source));
    }
}
