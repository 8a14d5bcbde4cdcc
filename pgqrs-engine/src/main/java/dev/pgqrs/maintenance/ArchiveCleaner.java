package dev.pgqrs.maintenance;

import dev.pgqrs.QueueInfo;
import dev.pgqrs.store.Database;
import dev.pgqrs.store.MessageRepository;
import dev.pgqrs.store.QueueRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;

/**
 * Deletes archived messages older than the retention, queue by queue, in bounded batches so a
 * large backlog of old rows never turns into one long transaction or one long lock. Dead letters
 * are kept (they wait for a person), and so are messages that carry a workflow run.
 */
public final class ArchiveCleaner {

    private static final Logger LOG = LoggerFactory.getLogger(ArchiveCleaner.class);
    static final int BATCH = 1_000;

    private final Database database;
    private final QueueRepository queues;
    private final MessageRepository messages;
    private final Duration retention;
    /** Archived rows delivered this many times by another edition are its dead letters: kept. */
    private final int maxReadCount;

    public ArchiveCleaner(Database database, Duration retention, int maxReadCount) {
        this.database = database;
        this.maxReadCount = maxReadCount;
        this.queues = new QueueRepository(database.dialect());
        this.messages = new MessageRepository(database.dialect());
        this.retention = retention;
    }

    /** One pass over every queue; returns the number of messages deleted. */
    public int cleanOnce() {
        List<QueueInfo> all = database.read("list queues", queues::list);
        long ageMillis = retention.toMillis();
        int total = 0;
        for (QueueInfo q : all) {
            int deleted;
            do {
                deleted = database.execute("delete archived messages of '" + q.name() + "'",
                        c -> messages.deleteArchivedBefore(c, q.id(), maxReadCount, ageMillis, BATCH));
                total += deleted;
            } while (deleted == BATCH);
        }
        if (total > 0) {
            LOG.info("deleted {} archived message(s) older than {}", total, retention);
        }
        return total;
    }
}
