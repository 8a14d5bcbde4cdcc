package dev.pgqrs.store;

import dev.pgqrs.checkpoint.Checkpoint;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Collection;
import java.util.Optional;

/** Step checkpoint rows ({@code pgqrs_step_checkpoints}). The SQL is the same on every backend. */
public final class CheckpointRepository {

    private static final String FIND = """
            SELECT run_key, message_id, step_name, body_type, body, headers
            FROM pgqrs_step_checkpoints WHERE run_key = ? AND step_name = ?""";

    // The first record of a step wins: a second one (two deliveries of a run racing) changes nothing.
    private static final String INSERT = """
            INSERT INTO pgqrs_step_checkpoints (run_key, message_id, step_name, body_type, body, headers)
            VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (run_key, step_name) DO NOTHING""";

    private static final String DELETE_RUN = "DELETE FROM pgqrs_step_checkpoints WHERE run_key = ?";

    private static final String DELETE_RUN_OR_MESSAGE = "DELETE FROM pgqrs_step_checkpoints WHERE run_key = ? OR message_id = ?";

    private static final String DELETE_MESSAGE = "DELETE FROM pgqrs_step_checkpoints WHERE message_id = ?";

    public Optional<Checkpoint> find(Connection c, String runKey, String stepName) throws SQLException {
        return Jdbc.queryOne(c, FIND, ps -> {
            ps.setString(1, runKey);
            ps.setString(2, stepName);
        }, rs -> new Checkpoint(rs.getString(1), Jdbc.nullableLong(rs, 2), rs.getString(3), rs.getString(4),
                rs.getString(5), rs.getString(6)));
    }

    /** Inserts the checkpoint unless its step has one; returns whether it did. */
    public boolean insert(Connection c, Checkpoint checkpoint) throws SQLException {
        return Jdbc.update(c, INSERT, ps -> {
            ps.setString(1, checkpoint.runKey());
            Jdbc.setNullableLong(ps, 2, checkpoint.messageId());
            ps.setString(3, checkpoint.stepName());
            ps.setString(4, checkpoint.bodyType());
            ps.setString(5, checkpoint.body());
            ps.setString(6, checkpoint.headers());
        }) == 1;
    }

    /** Deletes the run's checkpoints and, when {@code messageId} is not null, those the message recorded under any key. */
    public int deleteRun(Connection c, String runKey, Long messageId) throws SQLException {
        if (messageId == null) {
            return Jdbc.update(c, DELETE_RUN, ps -> ps.setString(1, runKey));
        }
        return Jdbc.update(c, DELETE_RUN_OR_MESSAGE, ps -> {
            ps.setString(1, runKey);
            ps.setLong(2, messageId);
        });
    }

    /** Deletes the checkpoints the given messages recorded, in one batch. */
    public int deleteMessages(Connection c, Collection<Long> messageIds) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(DELETE_MESSAGE)) {
            for (long id : messageIds) {
                ps.setLong(1, id);
                ps.addBatch();
            }
            int total = 0;
            for (int n : ps.executeBatch()) {
                total += Math.max(n, 0);
            }
            return total;
        }
    }
}
