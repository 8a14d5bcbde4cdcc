package dev.pgqrs.store;

import dev.pgqrs.QueueMetrics;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Every queue's metrics at a cost that follows a sample instead of the table: each count is exact while the queue
 * has at most {@code exactUpTo} rows of its kind, and estimated past that from the backend's statistics (the way a
 * dashboard over millions of rows wants them). One read-only transaction: the planner's settings for it, the sampled
 * counts of every queue in one statement, and, only when one of them was cut short, two catalog reads (the statistics
 * by queue and state, the partial indexes' totals). A backend without statistics counts exactly.
 */
final class SampledQueueMetrics {

    private final Dialect dialect;
    private final MessageRepository messages;

    SampledQueueMetrics(Dialect dialect, MessageRepository messages) {
        this.dialect = dialect;
        this.messages = messages;
    }

    List<QueueMetrics> read(Connection c, int maxReadCount, int exactUpTo) throws SQLException {
        if (dialect.sampledQueueCounts() == null) {
            return messages.allMetrics(c, maxReadCount);
        }
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        List<Sample> samples;
        Map<Long, StateRows> estimates;
        try {
            // The planner's settings for this read only; it writes nothing, so it ends in a rollback.
            Jdbc.executeScript(c, List.of(dialect.sampledCountsSettings()));
            samples = Jdbc.query(c, dialect.sampledQueueCounts(), ps -> {
                ps.setInt(1, maxReadCount);
                ps.setInt(2, exactUpTo);
            }, rs -> Sample.of(rs, dialect));
            estimates = samples.stream().anyMatch(s -> s.cut(exactUpTo)) ? estimates(c, samples, exactUpTo) : Map.of();
        } finally {
            c.rollback();
            c.setAutoCommit(autoCommit);
        }
        Instant now = Instant.now();
        return samples.stream()
                .map(s -> s.metrics(exactUpTo, estimates.getOrDefault(s.queueId, StateRows.NONE), now))
                .toList();
    }

    /**
     * Each queue's estimated rows of each kind. The statistics' frequent combinations give a queue's share of
     * the table; a queue too small a share of a large table to be among them (ANALYZE samples 30,000 rows)
     * gets what the kind's partial index holds beyond the queues that are, split evenly between the queues cut
     * short of that kind that the statistics miss.
     */
    private Map<Long, StateRows> estimates(Connection c, List<Sample> samples, int exactUpTo) throws SQLException {
        Map<Long, StateRows> frequent = new HashMap<>();
        for (Map.Entry<Long, StateRows> row : Jdbc.query(c, dialect.queueStateEstimates(), ps -> { },
                rs -> Map.entry(rs.getLong(1), StateRows.of(rs.getBoolean(2), rs.getBoolean(3), rs.getLong(4))))) {
            frequent.merge(row.getKey(), row.getValue(), StateRows::plus);
        }
        StateRows indexed = Jdbc.queryOne(c, dialect.partialIndexRows(), ps -> { },
                rs -> new StateRows(rs.getLong(1), rs.getLong(2), rs.getLong(3))).orElse(StateRows.NONE);
        StateRows attributed = frequent.values().stream().reduce(StateRows.NONE, StateRows::plus);
        long liveMissed = samples.stream().filter(s -> s.liveSeen > exactUpTo && frequentOf(frequent, s).live() == 0).count();
        long archivedMissed = samples.stream()
                .filter(s -> s.historySeen > exactUpTo && frequentOf(frequent, s).archived() == 0).count();
        long markedMissed = samples.stream().filter(s -> s.markedSeen > exactUpTo && frequentOf(frequent, s).marked() == 0).count();
        StateRows rest = new StateRows(share(indexed.live() - attributed.live(), liveMissed),
                share(indexed.archived() - attributed.archived(), archivedMissed),
                share(indexed.marked() - attributed.marked(), markedMissed));
        Map<Long, StateRows> out = new HashMap<>();
        for (Sample s : samples) {
            StateRows f = frequentOf(frequent, s);
            out.put(s.queueId, new StateRows(f.live() > 0 ? f.live() : rest.live(),
                    f.archived() > 0 ? f.archived() : rest.archived(), f.marked() > 0 ? f.marked() : rest.marked()));
        }
        return out;
    }

    private static StateRows frequentOf(Map<Long, StateRows> frequent, Sample s) {
        return frequent.getOrDefault(s.queueId, StateRows.NONE);
    }

    private static long share(long rows, long queues) {
        return queues == 0 ? 0 : Math.max(0, rows) / queues;
    }

    /** Rows of each kind: live, archived (dead letters included) and marked dead-lettered. */
    private record StateRows(long live, long archived, long marked) {
        static final StateRows NONE = new StateRows(0, 0, 0);

        static StateRows of(boolean live, boolean marked, long rows) {
            return live ? new StateRows(rows, 0, 0) : new StateRows(0, rows, marked ? rows : 0);
        }

        StateRows plus(StateRows other) {
            return new StateRows(live + other.live, archived + other.archived, marked + other.marked);
        }
    }

    /** One queue's row of the sampled counts (see {@link Dialect#sampledQueueCounts()}). */
    private record Sample(long queueId, String queue, long liveSeen, long pending, long leased, long delayed,
                          long dueDead, Instant oldestPending, long aheadSeen, long aheadLeased, long historySeen,
                          long historyDead, long markedSeen) {

        static Sample of(ResultSet rs, Dialect dialect) throws SQLException {
            return new Sample(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getLong(4), rs.getLong(5),
                    rs.getLong(6), rs.getLong(7), dialect.readInstant(rs, 8), rs.getLong(9), rs.getLong(10),
                    rs.getLong(11), rs.getLong(12), rs.getLong(13));
        }

        boolean cut(int exactUpTo) {
            return liveSeen > exactUpTo || historySeen > exactUpTo;
        }

        QueueMetrics metrics(int exactUpTo, StateRows estimate, Instant now) {
            boolean liveCut = liveSeen > exactUpTo;
            boolean historyCut = historySeen > exactUpTo;
            long live = liveSeen;
            long pendingNow = pending;
            long leasedNow = leased;
            long delayedNow = delayed;
            if (liveCut) {
                // The sample holds the first rows in visibility order; the rows not visible yet (leases,
                // delays) come last, and their own sample counts them while there are at most exactUpTo.
                live = Math.max(liveSeen, estimate.live());
                leasedNow = aheadLeased;
                delayedNow = aheadSeen - aheadLeased;
                pendingNow = Math.max(pending, live - aheadSeen - dueDead);
            }
            long history = historySeen;
            long dead = historyDead + dueDead;
            long archived = historySeen - historyDead;
            if (historyCut) {
                // Past the sample, dead letters are the marked ones (another edition's dead letters carry no
                // mark, and telling them apart from the archived means reading every archived row).
                history = Math.max(historySeen, estimate.archived());
                long marked = markedSeen > exactUpTo ? Math.max(markedSeen, estimate.marked()) : markedSeen;
                dead = marked + dueDead;
                archived = Math.max(0, history - marked);
            }
            Duration age = oldestPending == null ? null : MessageRepository.maxZero(Duration.between(oldestPending, now));
            return new QueueMetrics(queue, live + history, pendingNow, leasedNow, delayedNow, archived, dead,
                    oldestPending, age, liveCut || historyCut);
        }
    }
}
