package dev.pgqrs;

import dev.pgqrs.payload.Json;
import dev.pgqrs.store.Database;
import dev.pgqrs.store.IdempotencyKeyRepository;

import java.sql.Connection;
import java.time.Duration;
import java.util.Optional;

/**
 * Keys already taken within a scope (an HTTP intake, a file inbox), each with the first answer given for it:
 * what makes a retried request or a file read again after a crash enqueue nothing new.
 *
 * <p>Take the key on the connection that enqueues the work it stands for ({@link #add(Connection, String,
 * String)}, in {@link Store#inTransaction} or a transaction of your own), and record the answer there too
 * ({@link #answer}): the key, its answer and the messages commit together or not at all. The first to take a
 * key wins; on PostgreSQL a second taker waits until the first transaction ends, so a caller that finds the key
 * taken reads an answer that is committed. A key is refused (control characters, over 255 characters) with
 * {@link InvalidNameException}.
 *
 * <p>Keys are kept for {@code idempotency_retention} (7 days by default) and then deleted by the maintenance
 * service, or by {@link #deleteOlderThan}; a key presented again after that is new.
 */
public final class IdempotencyKeys {

    private static final int DELETE_BATCH = 1_000;

    private final Database database;
    private final IdempotencyKeyRepository rows;

    IdempotencyKeys(Database database) {
        this.database = database;
        this.rows = new IdempotencyKeyRepository(database.dialect());
    }

    /** Takes the key, in a transaction of its own; returns false when it was taken before. */
    public boolean add(String scope, String key) {
        check(scope, key);
        return database.execute("take " + describe(scope, key), c -> rows.insert(c, scope, key, null));
    }

    /** Takes the key on the caller's connection, in its transaction; returns false when it was taken before. */
    public boolean add(Connection connection, String scope, String key) {
        check(scope, key);
        return database.onConnection(connection, "take " + describe(scope, key), c -> rows.insert(c, scope, key, null));
    }

    /**
     * Records the answer given for a key taken in the same transaction (JSON text, checked); a key that has an
     * answer keeps it. Returns whether this answer was recorded.
     */
    public boolean answer(Connection connection, String scope, String key, String answerJson) {
        check(scope, key);
        String answer = json(scope, key, answerJson);
        return database.onConnection(connection, "record the answer of " + describe(scope, key),
                c -> rows.answer(c, scope, key, answer));
    }

    /** The key, its answer and when it was taken, if it was. */
    public Optional<IdempotencyKey> find(String scope, String key) {
        check(scope, key);
        return database.read("read " + describe(scope, key), c -> rows.find(c, scope, key));
    }

    /** As {@link #find(String, String)}, on the caller's connection (inside its transaction). */
    public Optional<IdempotencyKey> find(Connection connection, String scope, String key) {
        check(scope, key);
        return database.onConnection(connection, "read " + describe(scope, key), c -> rows.find(c, scope, key));
    }

    /** Gives the key up (the work it stood for may be done again); returns whether it was taken. */
    public boolean remove(String scope, String key) {
        check(scope, key);
        return database.execute("remove " + describe(scope, key), c -> rows.delete(c, scope, key));
    }

    /** As {@link #remove(String, String)}, on the caller's connection (inside its transaction). */
    public boolean remove(Connection connection, String scope, String key) {
        check(scope, key);
        return database.onConnection(connection, "remove " + describe(scope, key), c -> rows.delete(c, scope, key));
    }

    /** Gives up every key of the scope; returns how many there were. */
    public int removeScope(String scope) {
        Names.requireKey("idempotency scope", scope);
        return database.execute("remove the idempotency keys of scope '" + Names.display(scope) + "'",
                c -> rows.deleteScope(c, scope));
    }

    /**
     * Deletes the keys of every scope taken longer than {@code age} ago, in bounded batches (what the maintenance
     * service does every minute with {@code idempotency_retention}). Returns how many were deleted.
     */
    public int deleteOlderThan(Duration age) {
        if (age == null || age.isNegative()) {
            throw new IllegalArgumentException("age must be zero or positive, was " + age);
        }
        long millis = age.toMillis();
        int total = 0;
        int deleted;
        do {
            deleted = database.execute("delete idempotency keys older than " + age,
                    c -> rows.deleteCreatedBefore(c, millis, DELETE_BATCH));
            total += deleted;
        } while (deleted == DELETE_BATCH);
        return total;
    }

    private static String json(String scope, String key, String answerJson) {
        if (answerJson == null) {
            throw new IllegalArgumentException("the answer of " + describe(scope, key) + " must not be null");
        }
        try {
            return Json.write(Json.parse(answerJson));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("the answer of " + describe(scope, key) + " is not JSON: " + e.getMessage(), e);
        }
    }

    private static void check(String scope, String key) {
        Names.requireKey("idempotency scope", scope);
        Names.requireKey("idempotency key", key);
    }

    private static String describe(String scope, String key) {
        return "idempotency key '" + Names.display(key) + "' of scope '" + Names.display(scope) + "'";
    }
}
