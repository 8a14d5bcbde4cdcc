package dev.pgqrs.checkpoint;

import dev.pgqrs.internal.StoreInternals;
import dev.pgqrs.store.Database;
import dev.pgqrs.store.Jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.Collection;
import java.util.Optional;

/**
 * Checkpoints of durable steps keyed by (run key, step name), for integrations that make a piece of
 * work of a queue message idempotent: run it once, record its result, and on a redelivery of the
 * message restore the result instead of running it again. (Workflow runs record their steps in
 * {@code pgqrs_workflow_steps} through {@link dev.pgqrs.workflow.RunContext}, never here.) The SQL is
 * the same on every backend.
 *
 * <p>The first record of a step wins: recording a step that already has a checkpoint (two
 * deliveries of the same run racing) keeps the existing one and returns it, so every replay sees
 * the same result.
 *
 * <p>Lifetime: a run's checkpoints are deleted when its message is settled for good (acknowledged
 * or dead-lettered: {@link #forget(Connection, String, Long)} in the settling transaction), when the
 * message is deleted (foreign key), and when a dead letter is replayed (a replay is a new run).
 */
public final class StepCheckpoints {

    private static final int MAX_KEY_LENGTH = 255;

    private static final String FIND = """
            SELECT run_key, message_id, step_name, body_type, body, headers
            FROM pgqrs_step_checkpoints WHERE run_key = ? AND step_name = ?""";

    private static final String INSERT = """
            INSERT INTO pgqrs_step_checkpoints (run_key, message_id, step_name, body_type, body, headers)
            VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (run_key, step_name) DO NOTHING""";

    private static final String FORGET_RUN = "DELETE FROM pgqrs_step_checkpoints WHERE run_key = ?";

    private static final String FORGET_RUN_OR_MESSAGE =
            "DELETE FROM pgqrs_step_checkpoints WHERE run_key = ? OR message_id = ?";

    private static final String FORGET_MESSAGE = "DELETE FROM pgqrs_step_checkpoints WHERE message_id = ?";

    private final Database database;

    static {
        StoreInternals.registerFactory(StepCheckpoints.class, store -> new StepCheckpoints(StoreInternals.of(store).database()));
    }

    private StepCheckpoints(Database database) {
        this.database = database;
    }

    /** The checkpoint of a step, if it completed before. */
    public Optional<Checkpoint> find(String runKey, String stepName) {
        requireKeys(runKey, stepName);
        return database.read("find checkpoint '" + stepName + "' of run '" + runKey + "'",
                c -> Jdbc.queryOne(c, FIND, ps -> {
                    ps.setString(1, runKey);
                    ps.setString(2, stepName);
                }, rs -> new Checkpoint(rs.getString(1), Jdbc.nullableLong(rs, 2), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getString(6))));
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
                    Jdbc.setNullableLong(ps, 2, checkpoint.messageId());
                    ps.setString(3, checkpoint.stepName());
                    ps.setString(4, checkpoint.bodyType());
                    ps.setString(5, checkpoint.body());
                    ps.setString(6, checkpoint.headers());
                }));
        return inserted == 1 ? checkpoint : find(checkpoint.runKey(), checkpoint.stepName()).orElse(checkpoint);
    }

    /**
     * Removes the checkpoints of a finished run — those under {@code runKey}, and those its message
     * (when not null) recorded under any key — on the caller's connection and transaction (the one
     * that settles the message).
     */
    public int forget(Connection connection, String runKey, Long messageId) {
        return database.onConnection(connection, "forget checkpoints of run '" + runKey + "'", c -> messageId == null
                ? Jdbc.update(c, FORGET_RUN, ps -> ps.setString(1, runKey))
                : Jdbc.update(c, FORGET_RUN_OR_MESSAGE, ps -> {
                    ps.setString(1, runKey);
                    ps.setLong(2, messageId);
                }));
    }

    /** Removes the checkpoints of a finished run. */
    public int forget(String runKey) {
        return database.execute("forget checkpoints of run '" + runKey + "'",
                c -> Jdbc.update(c, FORGET_RUN, ps -> ps.setString(1, runKey)));
    }

    /** Removes the checkpoints the given messages recorded, on the caller's connection (one batch). */
    public int forgetMessages(Connection connection, Collection<Long> messageIds) {
        if (messageIds.isEmpty()) {
            return 0;
        }
        return database.onConnection(connection, "forget checkpoints of " + messageIds.size() + " message(s)", c -> {
            try (PreparedStatement ps = c.prepareStatement(FORGET_MESSAGE)) {
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
        });
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
