package dev.pgqrs.store;

import java.sql.Connection;
import java.sql.SQLException;

/** Queue settings ({@code pgqrs_queue_settings}): one row per queue that uses a feature; none for a plain queue. */
public final class QueueSettingsRepository {

    private static final String READ = "SELECT prioritized, fifo FROM pgqrs_queue_settings WHERE queue_id = ?";

    // Changes the row only when the flag is not set yet, so marking a marked queue writes nothing.
    private static final String MARK_PRIORITIZED = """
            INSERT INTO pgqrs_queue_settings (queue_id, prioritized) VALUES (?, TRUE)
            ON CONFLICT (queue_id) DO UPDATE SET prioritized = TRUE, updated_at = excluded.updated_at
            WHERE NOT pgqrs_queue_settings.prioritized""";

    // In the transaction that creates the queue: no store can read the queue without its settings.
    private static final String INSERT_FIFO = "INSERT INTO pgqrs_queue_settings (queue_id, fifo) VALUES (?, TRUE)";

    public QueueSettings read(Connection c, long queueId) throws SQLException {
        return Jdbc.queryOne(c, READ, ps -> ps.setLong(1, queueId),
                rs -> new QueueSettings(rs.getBoolean(1), rs.getBoolean(2))).orElse(QueueSettings.PLAIN);
    }

    public void markPrioritized(Connection c, long queueId) throws SQLException {
        Jdbc.update(c, MARK_PRIORITIZED, ps -> ps.setLong(1, queueId));
    }

    public void insertFifo(Connection c, long queueId) throws SQLException {
        Jdbc.update(c, INSERT_FIFO, ps -> ps.setLong(1, queueId));
    }
}
