package dev.pgqrs.bridge.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The index of dead-letter records: written in the transaction that enqueues the record to the connector's
 * dead-letter queue, so the two never disagree; read to list them and to replay them.
 */
public final class DeadLetterRepository {

    private static final String COLUMNS = "id, connector, dlq, dlq_message_id, source_queue, source_message_id, payload, "
            + "context, failed_at, replayed_at, replayed_to, replayed_message_id";

    private final BridgeDatabase db;

    public DeadLetterRepository(BridgeDatabase db) {
        this.db = db;
    }

    /** Indexes a record on the caller's transaction; returns its id. */
    public long insert(Connection c, String connector, String dlq, long dlqMessageId, String sourceQueue,
                       Long sourceMessageId, String payload, String context) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(db.sql("""
                INSERT INTO pgqrs_bridge_dead_letters (connector, dlq, dlq_message_id, source_queue, source_message_id,
                                                       payload, context, failed_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, {now}) RETURNING id"""))) {
            ps.setString(1, connector);
            ps.setString(2, dlq);
            ps.setLong(3, dlqMessageId);
            ps.setString(4, sourceQueue);
            if (sourceMessageId == null) {
                ps.setNull(5, Types.BIGINT);
            } else {
                ps.setLong(5, sourceMessageId);
            }
            ps.setString(6, payload);
            ps.setString(7, context);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Up to {@code limit} records of a connector, oldest first; replayed ones only if asked. */
    public List<DeadLetterRecord> list(String connector, boolean includeReplayed, int limit) {
        return db.read("list the dead letters of '" + connector + "'", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM pgqrs_bridge_dead_letters WHERE connector = ?"
                    + (includeReplayed ? "" : " AND replayed_at IS NULL") + " ORDER BY id LIMIT ?")) {
                ps.setString(1, connector);
                ps.setInt(2, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    List<DeadLetterRecord> out = new ArrayList<>();
                    while (rs.next()) {
                        out.add(map(rs));
                    }
                    return out;
                }
            }
        });
    }

    /** Records of a connector not replayed yet, counted. */
    public long countPending(String connector) {
        return db.read("count the dead letters of '" + connector + "'", c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT count(*) FROM pgqrs_bridge_dead_letters WHERE connector = ? AND replayed_at IS NULL")) {
                ps.setString(1, connector);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    /** The record, locked for the caller's transaction on PostgreSQL (SQLite's writer lock serialises anyway). */
    public Optional<DeadLetterRecord> find(Connection c, String connector, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS
                + " FROM pgqrs_bridge_dead_letters WHERE connector = ? AND id = ?")) {
            ps.setString(1, connector);
            ps.setLong(2, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(map(rs)) : Optional.empty();
            }
        }
    }

    /** Marks a record replayed, once: false if it was replayed already (by a concurrent request). */
    public boolean markReplayed(Connection c, long id, String to, long newMessageId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(db.sql("""
                UPDATE pgqrs_bridge_dead_letters SET replayed_at = {now}, replayed_to = ?, replayed_message_id = ?
                WHERE id = ? AND replayed_at IS NULL"""))) {
            ps.setString(1, to);
            ps.setLong(2, newMessageId);
            ps.setLong(3, id);
            return ps.executeUpdate() == 1;
        }
    }

    public void deleteConnector(String connector) {
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM pgqrs_bridge_dead_letters WHERE connector = ?")) {
                ps.setString(1, connector);
                return ps.executeUpdate();
            }
        });
    }

    private static DeadLetterRecord map(ResultSet rs) throws SQLException {
        return new DeadLetterRecord(rs.getLong(1), rs.getString(2), rs.getString(3), nullableLong(rs, 4), rs.getString(5),
                nullableLong(rs, 6), rs.getString(7), rs.getString(8), rs.getLong(9), nullableLong(rs, 10),
                rs.getString(11), nullableLong(rs, 12));
    }

    private static Long nullableLong(ResultSet rs, int column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }
}
