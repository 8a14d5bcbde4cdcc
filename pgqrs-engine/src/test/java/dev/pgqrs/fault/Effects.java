package dev.pgqrs.fault;

import dev.pgqrs.Message;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Collection;

/**
 * The side effects fault-suite workers make: one row per processed message in {@code fault_effects},
 * one per executed workflow step in {@code fault_steps} (see {@link FaultBackend#EFFECT_TABLES}). Written
 * on the caller's connection, so in whatever transaction the caller has open: the test counts them to
 * tell exactly-once from at-least-once.
 */
public final class Effects {

    private Effects() {
    }

    public static void messages(Connection c, String queue, Collection<Message> messages, String process) throws SQLException {
        // One statement per message, not a JDBC batch: pgjdbc's batch asserts (under -ea, as in tests) when the
        // connection is killed mid-batch, where a single statement fails with the connection error.
        for (Message m : messages) {
            message(c, queue, m.id(), process);
        }
    }

    public static void message(Connection c, String queue, long messageId, String process) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO fault_effects (queue, message_id, process) VALUES (?, ?, ?)")) {
            ps.setString(1, queue);
            ps.setLong(2, messageId);
            ps.setString(3, process);
            ps.executeUpdate();
        }
    }

    public static Void step(Connection c, long runId, String step, String process) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO fault_steps (run_id, step, process) VALUES (?, ?, ?)")) {
            ps.setLong(1, runId);
            ps.setString(2, step);
            ps.setString(3, process);
            ps.executeUpdate();
        }
        return null;
    }
}
