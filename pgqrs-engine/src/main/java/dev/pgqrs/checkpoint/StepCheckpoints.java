package dev.pgqrs.checkpoint;

import dev.pgqrs.store.Database;
import dev.pgqrs.store.Jdbc;

import java.sql.Connection;
import java.util.Optional;

/**
 * Checkpoints of durable steps keyed by (run key, step name), for integrations that make a piece
 * of work idempotent: run it once, record its result, and on a replay of the run restore the
 * result instead of running it again. The SQL is the same on every backend.
 *
 * <p>The first record of a step wins: recording a step that already has a checkpoint (two
 * deliveries of the same run racing) keeps the existing one and returns it, so every replay sees
 * the same result.
 */
public final class StepCheckpoints {

    private static final int MAX_KEY_LENGTH = 255;

    private static final String FIND = """
            SELECT run_key, step_name, body_type, body, headers
            FROM pgqrs_step_checkpoints WHERE run_key = ? AND step_name = ?""";

    private static final String INSERT = """
            INSERT INTO pgqrs_step_checkpoints (run_key, step_name, body_type, body, headers)
            VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (run_key, step_name) DO NOTHING""";

    private static final String FORGET = "DELETE FROM pgqrs_step_checkpoints WHERE run_key = ?";

    private final Database database;

    public StepCheckpoints(Database database) {
        this.database = database;
    }

    /** The checkpoint of a step, if it completed before. */
    public Optional<Checkpoint> find(String runKey, String stepName) {
        requireKeys(runKey, stepName);
        return database.read("find checkpoint '" + stepName + "' of run '" + runKey + "'",
                c -> Jdbc.queryOne(c, FIND, ps -> {
                    ps.setString(1, runKey);
                    ps.setString(2, stepName);
                }, rs -> new Checkpoint(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5))));
    }

    /**
     * Records a completed step unless it already has a checkpoint; returns the checkpoint that is
     * stored now (this one, or the earlier one that won).
     */
    public Checkpoint record(Checkpoint checkpoint) {
        requireKeys(checkpoint.runKey(), checkpoint.stepName());
        int inserted = database.execute("record checkpoint '" + checkpoint.stepName() + "' of run '" + checkpoint.runKey() + "'",
                c -> Jdbc.update(c, INSERT, ps -> {
                    ps.setString(1, checkpoint.runKey());
                    ps.setString(2, checkpoint.stepName());
                    ps.setString(3, checkpoint.bodyType());
                    ps.setString(4, checkpoint.body());
                    ps.setString(5, checkpoint.headers());
                }));
        return inserted == 1 ? checkpoint : find(checkpoint.runKey(), checkpoint.stepName()).orElse(checkpoint);
    }

    /** Removes the checkpoints of a finished run, on the caller's connection and transaction. */
    public int forget(Connection connection, String runKey) {
        return database.onConnection(connection, "forget checkpoints of run '" + runKey + "'",
                c -> Jdbc.update(c, FORGET, ps -> ps.setString(1, runKey)));
    }

    /** Removes the checkpoints of a finished run. */
    public int forget(String runKey) {
        return database.execute("forget checkpoints of run '" + runKey + "'",
                c -> Jdbc.update(c, FORGET, ps -> ps.setString(1, runKey)));
    }

    private static void requireKeys(String runKey, String stepName) {
        if (runKey == null || runKey.isEmpty() || runKey.length() > MAX_KEY_LENGTH) {
            throw new IllegalArgumentException("run key must be 1-" + MAX_KEY_LENGTH + " characters, was '" + runKey + "'");
        }
        if (stepName == null || stepName.isEmpty() || stepName.length() > MAX_KEY_LENGTH) {
            throw new IllegalArgumentException("step name must be 1-" + MAX_KEY_LENGTH + " characters, was '" + stepName + "'");
        }
    }
}
