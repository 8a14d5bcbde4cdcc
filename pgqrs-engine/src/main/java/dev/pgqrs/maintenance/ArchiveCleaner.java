package dev.pgqrs.maintenance;

import dev.pgqrs.QueueInfo;
import dev.pgqrs.Retention;
import dev.pgqrs.store.Database;
import dev.pgqrs.store.QueueRepository;
import dev.pgqrs.store.RetentionRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Deletes archived messages by age and by count, queue by queue, each queue under its own retention (its
 * override, or the store's defaults), in {@link RetentionBatches}: a large backlog of old rows never turns into
 * one long transaction or one long lock. Dead letters are kept (they wait for a person), and so are messages
 * that carry a workflow run ({@link RunCleaner} deletes them with their run).
 */
public final class ArchiveCleaner {

    private static final Logger LOG = LoggerFactory.getLogger(ArchiveCleaner.class);

    private final Database database;
    private final QueueRepository queues;
    private final RetentionRepository rows;
    private final Retention defaults;
    /** Archived rows delivered this many times by another edition are its dead letters: kept. */
    private final int maxReadCount;
    private final RetentionBatches batches;

    public ArchiveCleaner(Database database, Retention defaults, int maxReadCount, RetentionBatches batches) {
        this.database = database;
        this.queues = new QueueRepository(database.dialect());
        this.rows = new RetentionRepository(database.dialect());
        this.defaults = defaults;
        this.maxReadCount = maxReadCount;
        this.batches = batches;
    }

    /** One pass over every queue, each under its override or the defaults; returns the messages deleted. */
    public long cleanOnce() {
        Map<Long, Retention> overrides = database.read("read queue retention",
                c -> rows.all(c, RetentionRepository.Owner.QUEUE));
        return clean(q -> overrides.getOrDefault(q.id(), defaults));
    }

    /** One pass over every queue under one retention, whatever their overrides (an operator's explicit request). */
    public long cleanAll(Retention retention) {
        return clean(q -> retention);
    }

    private long clean(Function<QueueInfo, Retention> retentionOf) {
        List<QueueInfo> all = database.read("list queues", queues::list);
        long now = database.read("read the database clock", rows::nowMillis);
        long total = 0;
        for (QueueInfo q : all) {
            Retention retention = retentionOf.apply(q);
            Long cutoff = Cutoffs.of(now, retention, count -> database.read("find what the count of '" + q.name() + "' keeps",
                    c -> rows.nthNewestArchived(c, q.id(), maxReadCount, count)));
            if (cutoff == null) {
                continue;
            }
            long deleted = batches.drain((from, limit, turn) -> database.execute("delete archived messages of '" + q.name() + "'",
                    c -> {
                        turn.began();
                        return rows.deleteArchived(c, q.id(), maxReadCount, from, cutoff, limit);
                    }));
            if (deleted > 0) {
                LOG.info("deleted {} archived message(s) of queue '{}' ({})", deleted, q.name(), Cutoffs.describe(retention));
            }
            total += deleted;
        }
        return total;
    }
}
