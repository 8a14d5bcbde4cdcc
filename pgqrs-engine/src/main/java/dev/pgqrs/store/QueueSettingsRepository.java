package dev.pgqrs.store;

import dev.pgqrs.QueueLimits;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;

/** Queue settings ({@code pgqrs_queue_settings}): one row per queue that uses a feature; none for a plain queue. */
public final class QueueSettingsRepository {

    private static final String READ = """
            SELECT prioritized, fifo, concurrency_limit IS NOT NULL OR rate_limit IS NOT NULL
            FROM pgqrs_queue_settings WHERE queue_id = ?""";

    // Changes the row only when the flag is not set yet, so marking a marked queue writes nothing.
    private static final String MARK_PRIORITIZED = """
            INSERT INTO pgqrs_queue_settings (queue_id, prioritized) VALUES (?, TRUE)
            ON CONFLICT (queue_id) DO UPDATE SET prioritized = TRUE, updated_at = excluded.updated_at
            WHERE NOT pgqrs_queue_settings.prioritized""";

    // In the transaction that creates the queue: no store can read the queue without its settings.
    private static final String INSERT_FIFO = "INSERT INTO pgqrs_queue_settings (queue_id, fifo) VALUES (?, TRUE)";

    // A window is numbered by its period, so a new period starts counting afresh (from an empty window).
    private static final String SET_LIMITS = """
            INSERT INTO pgqrs_queue_settings (queue_id, concurrency_limit, rate_limit, rate_period_ms) VALUES (?, ?, ?, ?)
            ON CONFLICT (queue_id) DO UPDATE
            SET concurrency_limit = excluded.concurrency_limit, rate_limit = excluded.rate_limit,
                rate_period_ms = excluded.rate_period_ms,
                rate_window = CASE WHEN pgqrs_queue_settings.rate_period_ms = excluded.rate_period_ms
                                   THEN pgqrs_queue_settings.rate_window END,
                rate_window_count = CASE WHEN pgqrs_queue_settings.rate_period_ms = excluded.rate_period_ms
                                         THEN pgqrs_queue_settings.rate_window_count ELSE 0 END,
                updated_at = excluded.updated_at""";

    private static final String READ_LIMITS = """
            SELECT concurrency_limit, rate_limit, rate_period_ms FROM pgqrs_queue_settings
            WHERE queue_id = ? AND (concurrency_limit IS NOT NULL OR rate_limit IS NOT NULL)""";

    // The row stays (it may hold other settings); a queue whose row names no feature is plain.
    private static final String CLEAR_LIMITS = """
            UPDATE pgqrs_queue_settings
            SET concurrency_limit = NULL, rate_limit = NULL, rate_period_ms = NULL, rate_window = NULL,
                rate_window_count = 0
            WHERE queue_id = ? AND (concurrency_limit IS NOT NULL OR rate_limit IS NOT NULL)""";

    private static final String WORKFLOW_OF = "SELECT name FROM pgqrs_workflows WHERE queue_id = ?";

    public QueueSettings read(Connection c, long queueId) throws SQLException {
        return Jdbc.queryOne(c, READ, ps -> ps.setLong(1, queueId),
                        rs -> new QueueSettings(rs.getBoolean(1), rs.getBoolean(2), rs.getBoolean(3)))
                .orElse(QueueSettings.PLAIN);
    }

    public void markPrioritized(Connection c, long queueId) throws SQLException {
        Jdbc.update(c, MARK_PRIORITIZED, ps -> ps.setLong(1, queueId));
    }

    public void insertFifo(Connection c, long queueId) throws SQLException {
        Jdbc.update(c, INSERT_FIFO, ps -> ps.setLong(1, queueId));
    }

    public void setLimits(Connection c, long queueId, QueueLimits limits) throws SQLException {
        Jdbc.update(c, SET_LIMITS, ps -> {
            ps.setLong(1, queueId);
            Jdbc.setNullableInt(ps, 2, limits.concurrency());
            Jdbc.setNullableInt(ps, 3, limits.rate());
            Jdbc.setNullableLong(ps, 4, limits.ratePeriod() == null ? null : limits.ratePeriod().toMillis());
        });
    }

    public Optional<QueueLimits> readLimits(Connection c, long queueId) throws SQLException {
        return Jdbc.queryOne(c, READ_LIMITS, ps -> ps.setLong(1, queueId), rs -> {
            int concurrency = rs.getInt(1);
            boolean unlimited = rs.wasNull();
            int rate = rs.getInt(2);
            boolean unrated = rs.wasNull();
            long periodMillis = rs.getLong(3);
            return new QueueLimits(unlimited ? null : concurrency, unrated ? null : rate,
                    unrated ? null : Duration.ofMillis(periodMillis));
        });
    }

    /** Removes the queue's limits; returns whether it had any. */
    public boolean clearLimits(Connection c, long queueId) throws SQLException {
        return Jdbc.update(c, CLEAR_LIMITS, ps -> ps.setLong(1, queueId)) > 0;
    }

    /** The workflow whose queue this is, if any. */
    public Optional<String> workflowOf(Connection c, long queueId) throws SQLException {
        return Jdbc.queryOne(c, WORKFLOW_OF, ps -> ps.setLong(1, queueId), rs -> rs.getString(1));
    }
}
