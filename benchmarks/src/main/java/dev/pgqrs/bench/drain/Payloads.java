package dev.pgqrs.bench.drain;

import dev.pgqrs.config.Backend;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** The small JSON messages of the backlog: about 256 bytes each, as in the original benchmark. */
public final class Payloads {

    public static final int TARGET_BYTES = 256;

    private Payloads() {
    }

    public static String json(int sequence) {
        String head = "{\"seq\":" + sequence + ",\"kind\":\"bench.drain\",\"customer\":\"c-" + (sequence % 997)
                + "\",\"amount\":" + (sequence % 10_000) / 100.0 + ",\"pad\":\"";
        String tail = "\"}";
        int pad = Math.max(0, TARGET_BYTES - head.length() - tail.length());
        return head + "x".repeat(pad) + tail;
    }

    /** Payloads {@code from} (inclusive) to {@code to} (exclusive). */
    public static List<String> range(int from, int to) {
        List<String> out = new ArrayList<>(to - from);
        for (int i = from; i < to; i++) {
            out.add(json(i));
        }
        return out;
    }

    /**
     * Inserts {@code messages} payloads into a peer's or floor's own table (a {@code payload} column: jsonb on
     * PostgreSQL, text on SQLite), in one transaction with batches of 1,000.
     */
    static void insertInto(Connection c, Backend backend, String table, int messages) throws SQLException {
        c.setAutoCommit(false);
        String insert = backend == Backend.POSTGRES
                ? "INSERT INTO " + table + " (payload) VALUES (CAST(? AS jsonb))"
                : "INSERT INTO " + table + " (payload) VALUES (?)";
        try (PreparedStatement ps = c.prepareStatement(insert)) {
            for (int i = 0; i < messages; i++) {
                ps.setString(1, json(i));
                ps.addBatch();
                if (i % 1_000 == 999) {
                    ps.executeBatch();
                }
            }
            ps.executeBatch();
        }
        c.commit();
        c.setAutoCommit(true);
    }
}
