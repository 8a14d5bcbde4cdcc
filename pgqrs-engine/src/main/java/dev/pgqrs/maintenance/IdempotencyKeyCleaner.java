package dev.pgqrs.maintenance;

import dev.pgqrs.store.Database;
import dev.pgqrs.store.IdempotencyKeyRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * Deletes idempotency keys taken longer ago than the retention, in bounded batches, so an intake's keys do not
 * grow without end and no pass becomes one long transaction.
 */
public final class IdempotencyKeyCleaner {

    private static final Logger LOG = LoggerFactory.getLogger(IdempotencyKeyCleaner.class);
    static final int BATCH = 1_000;

    private final Database database;
    private final IdempotencyKeyRepository keys;
    private final Duration retention;

    public IdempotencyKeyCleaner(Database database, Duration retention) {
        this.database = database;
        this.keys = new IdempotencyKeyRepository(database.dialect());
        this.retention = retention;
    }

    /** One pass; returns the number of keys deleted. */
    public int cleanOnce() {
        long ageMillis = retention.toMillis();
        int total = 0;
        int deleted;
        do {
            deleted = database.execute("delete idempotency keys older than " + retention,
                    c -> keys.deleteCreatedBefore(c, ageMillis, BATCH));
            total += deleted;
        } while (deleted == BATCH);
        if (total > 0) {
            LOG.info("deleted {} idempotency key(s) older than {}", total, retention);
        }
        return total;
    }
}
