package dev.pgqrs.fault;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What became of every message of a queue, read from the database after a fault test: its deliveries
 * ({@code read_ct}), whether it was archived (and not dead-lettered), and how many side effects the
 * suite's consumers recorded for it in {@code fault_effects}.
 */
public final class QueueLedger {

    /** One message. */
    public record Row(long id, int readCount, boolean archived, boolean deadLettered, long effects, String payload) {
    }

    private final String queue;
    private final Map<Long, Row> rows = new HashMap<>();

    private QueueLedger(String queue) {
        this.queue = queue;
    }

    public static QueueLedger read(FaultBackend db, String queue) {
        QueueLedger ledger = new QueueLedger(queue);
        List<Object[]> found = db.query("SELECT m.id, m.read_ct,"
                + " CASE WHEN m.archived_at IS NOT NULL AND m.dead_lettered_at IS NULL THEN 1 ELSE 0 END,"
                + " CASE WHEN m.dead_lettered_at IS NOT NULL THEN 1 ELSE 0 END,"
                + " COALESCE(e.n, 0), m.payload"
                + " FROM pgqrs_messages m JOIN pgqrs_queues q ON q.id = m.queue_id"
                + " LEFT JOIN (SELECT message_id, count(*) AS n FROM fault_effects WHERE queue = ? GROUP BY message_id) e"
                + " ON e.message_id = m.id"
                + " WHERE q.queue_name = ?", queue, queue);
        for (Object[] r : found) {
            long id = ((Number) r[0]).longValue();
            ledger.rows.put(id, new Row(id, ((Number) r[1]).intValue(), ((Number) r[2]).intValue() == 1,
                    ((Number) r[3]).intValue() == 1, ((Number) r[4]).longValue(), String.valueOf(r[5])));
        }
        return ledger;
    }

    public String queue() {
        return queue;
    }

    public int size() {
        return rows.size();
    }

    public Collection<Row> rows() {
        return rows.values();
    }

    /** Confirmed enqueues that are not there, or not archived: what the fault lost. */
    public List<Long> lost(Collection<Long> confirmedIds) {
        List<Long> lost = new ArrayList<>();
        for (Long id : confirmedIds) {
            Row r = rows.get(id);
            if (r == null || !r.archived()) {
                lost.add(id);
            }
        }
        return lost;
    }

    public long unarchived() {
        return rows.values().stream().filter(r -> !r.archived()).count();
    }

    public long deadLettered() {
        return rows.values().stream().filter(Row::deadLettered).count();
    }

    /** Archived messages without a side effect. */
    public long archivedWithoutEffect() {
        return rows.values().stream().filter(r -> r.archived() && r.effects() == 0).count();
    }

    /** Side effects beyond the first, summed over messages. */
    public long duplicatedEffects() {
        return rows.values().stream().mapToLong(r -> Math.max(0, r.effects() - 1)).sum();
    }

    /** Messages delivered more than once. */
    public long redelivered() {
        return rows.values().stream().filter(r -> r.readCount() > 1).count();
    }

    /** Messages with more side effects than deliveries: a delivery was processed twice, which nothing excuses. */
    public List<Row> effectsBeyondDeliveries() {
        return rows.values().stream().filter(r -> r.effects() > r.readCount()).toList();
    }
}
