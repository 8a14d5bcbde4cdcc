package dev.pgqrs.bridge.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The connectors' rows: definitions, target states, versions and restart requests. */
public final class ConnectorRepository {

    private static final String COLUMNS = "name, config, target_state, version, restart_epoch, restart_only_failed, "
            + "origin, origin_hash, created_at, updated_at";

    private final BridgeDatabase db;

    public ConnectorRepository(BridgeDatabase db) {
        this.db = db;
    }

    public List<ConnectorRecord> list() {
        return db.read("list connectors", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM pgqrs_bridge_connectors ORDER BY name");
                 ResultSet rs = ps.executeQuery()) {
                List<ConnectorRecord> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(map(rs));
                }
                return out;
            }
        });
    }

    public Optional<ConnectorRecord> find(String name) {
        return db.read("read connector '" + name + "'", c -> find(c, name));
    }

    private static Optional<ConnectorRecord> find(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM pgqrs_bridge_connectors WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(map(rs)) : Optional.empty();
            }
        }
    }

    /** Creates a connector; false if the name is taken. */
    public boolean create(String name, Map<String, String> config, TargetState state, String origin, String originHash) {
        return db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement(db.sql("""
                    INSERT INTO pgqrs_bridge_connectors (name, config, target_state, version, origin, origin_hash, created_at, updated_at)
                    VALUES (?, ?, ?, 1, ?, ?, {now}, {now})
                    ON CONFLICT (name) DO NOTHING"""))) {
                ps.setString(1, name);
                ps.setString(2, Rows.configJson(config));
                ps.setString(3, state.name());
                ps.setString(4, origin);
                ps.setString(5, originHash);
                return ps.executeUpdate() == 1;
            }
        });
    }

    /**
     * Replaces the configuration of the connector at {@code expectedVersion}; empty if the connector is gone,
     * {@code -1} if another change came first (its version moved), else the new version.
     */
    public Optional<Long> updateConfig(String name, Map<String, String> config, long expectedVersion) {
        return db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement(db.sql("""
                    UPDATE pgqrs_bridge_connectors SET config = ?, version = version + 1, updated_at = {now}
                    WHERE name = ? AND version = ?"""))) {
                ps.setString(1, Rows.configJson(config));
                ps.setString(2, name);
                ps.setLong(3, expectedVersion);
                if (ps.executeUpdate() == 1) {
                    return Optional.of(expectedVersion + 1);
                }
            }
            return find(c, name).map(r -> -1L);
        });
    }

    /** Applies a designs-folder file: its configuration, and the hash of the file it came from. */
    public void applyFromFolder(String name, Map<String, String> config, String origin, String originHash) {
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement(db.sql("""
                    UPDATE pgqrs_bridge_connectors SET config = ?, version = version + 1, origin = ?, origin_hash = ?,
                           updated_at = {now}
                    WHERE name = ?"""))) {
                ps.setString(1, Rows.configJson(config));
                ps.setString(2, origin);
                ps.setString(3, originHash);
                ps.setString(4, name);
                return ps.executeUpdate();
            }
        });
    }

    /** Sets the target state; false if there is no such connector. */
    public boolean setTargetState(String name, TargetState state) {
        return db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement(db.sql(
                    "UPDATE pgqrs_bridge_connectors SET target_state = ?, updated_at = {now} WHERE name = ?"))) {
                ps.setString(1, state.name());
                ps.setString(2, name);
                return ps.executeUpdate() == 1;
            }
        });
    }

    /** Asks every instance to restart its routes of the connector (the failed ones only, or all); false if unknown. */
    public boolean requestRestart(String name, boolean onlyFailed) {
        return db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement(db.sql("""
                    UPDATE pgqrs_bridge_connectors SET restart_epoch = restart_epoch + 1, restart_only_failed = ?,
                           updated_at = {now}
                    WHERE name = ?"""))) {
                ps.setInt(1, onlyFailed ? 1 : 0);
                ps.setString(2, name);
                return ps.executeUpdate() == 1;
            }
        });
    }

    /** Deletes the connector and what the bridge keeps of its tasks; false if unknown. */
    public boolean delete(String name) {
        return db.write(c -> {
            try (PreparedStatement tasks = c.prepareStatement("DELETE FROM pgqrs_bridge_tasks WHERE connector = ?")) {
                tasks.setString(1, name);
                tasks.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM pgqrs_bridge_connectors WHERE name = ?")) {
                ps.setString(1, name);
                return ps.executeUpdate() == 1;
            }
        });
    }

    private static ConnectorRecord map(ResultSet rs) throws SQLException {
        return new ConnectorRecord(rs.getString("name"), Rows.config(rs.getString("config")),
                TargetState.valueOf(rs.getString("target_state")), rs.getLong("version"), rs.getLong("restart_epoch"),
                rs.getInt("restart_only_failed") != 0, rs.getString("origin"), rs.getString("origin_hash"),
                rs.getLong("created_at"), rs.getLong("updated_at"));
    }
}
