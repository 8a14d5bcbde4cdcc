package dev.pgqrs.maintenance;

import dev.pgqrs.store.Database;
import dev.pgqrs.store.MessageRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * Ends the deduplication window of archived messages: clears the key of every message archived longer ago
 * than the window, in bounded batches, so that the unique index on keys lets a new message with the same
 * key in. Pending and leased messages keep their keys whatever their age.
 */
public final class DedupKeyExpiry {

    private static final Logger LOG = LoggerFactory.getLogger(DedupKeyExpiry.class);
    static final int BATCH = 1_000;

    private final Database database;
    private final MessageRepository messages;
    private final Duration window;

    public DedupKeyExpiry(Database database, Duration window) {
        this.database = database;
        this.messages = new MessageRepository(database.dialect());
        this.window = window;
    }

    /** One pass; returns the number of keys cleared. */
    public int expireOnce() {
        long windowMillis = window.toMillis();
        int total = 0;
        int cleared;
        do {
            cleared = database.execute("clear expired dedup keys",
                    c -> messages.expireDedupKeys(c, windowMillis, BATCH));
            total += cleared;
        } while (cleared == BATCH);
        if (total > 0) {
            LOG.debug("cleared {} dedup key(s) of messages archived more than {} ago", total, window);
        }
        return total;
    }
}
