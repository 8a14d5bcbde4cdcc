package dev.pgqrs.store;

import dev.pgqrs.IdempotencyKey;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;

/**
 * Idempotency keys ({@code pgqrs_idempotency_keys}): a key taken within a scope, and the first answer given
 * for it. The SQL reads the same on every backend; the current time and timestamps come from the dialect.
 */
public final class IdempotencyKeyRepository {

    private static final String FIND = """
            SELECT scope, idem_key, answer, created_at FROM pgqrs_idempotency_keys WHERE scope = ? AND idem_key = ?""";

    /** Only the first answer is kept: a later one (a racing retry) changes nothing. */
    private static final String ANSWER = """
            UPDATE pgqrs_idempotency_keys SET answer = ? WHERE scope = ? AND idem_key = ? AND answer IS NULL""";

    private static final String DELETE = "DELETE FROM pgqrs_idempotency_keys WHERE scope = ? AND idem_key = ?";

    private static final String DELETE_SCOPE = "DELETE FROM pgqrs_idempotency_keys WHERE scope = ?";

    private final Dialect dialect;
    /**
     * The first insert wins. On PostgreSQL a second insert of a key whose first is not committed yet waits for
     * that transaction, then inserts nothing (or inserts, if it rolled back): so the loser reads a committed answer.
     */
    private final String insert;
    private final String deleteCreatedBefore;

    public IdempotencyKeyRepository(Dialect dialect) {
        this.dialect = dialect;
        this.insert = """
                INSERT INTO pgqrs_idempotency_keys (scope, idem_key, answer, created_at) VALUES (?, ?, ?, %s)
                ON CONFLICT (scope, idem_key) DO NOTHING""".formatted(dialect.now());
        this.deleteCreatedBefore = """
                DELETE FROM pgqrs_idempotency_keys WHERE (scope, idem_key) IN (
                    SELECT scope, idem_key FROM pgqrs_idempotency_keys WHERE created_at < %s LIMIT ?)"""
                .formatted(dialect.nowMinusMillis());
    }

    public Optional<IdempotencyKey> find(Connection c, String scope, String key) throws SQLException {
        return Jdbc.queryOne(c, FIND, ps -> {
            ps.setString(1, scope);
            ps.setString(2, key);
        }, rs -> new IdempotencyKey(rs.getString(1), rs.getString(2), rs.getString(3), dialect.readInstant(rs, 4)));
    }

    /** Inserts the key (with its answer, nullable) unless it is taken; returns whether it did. */
    public boolean insert(Connection c, String scope, String key, String answer) throws SQLException {
        return Jdbc.update(c, insert, ps -> {
            ps.setString(1, scope);
            ps.setString(2, key);
            ps.setString(3, answer);
        }) == 1;
    }

    /** Records the key's answer unless it has one; returns whether it did. */
    public boolean answer(Connection c, String scope, String key, String answer) throws SQLException {
        return Jdbc.update(c, ANSWER, ps -> {
            ps.setString(1, answer);
            ps.setString(2, scope);
            ps.setString(3, key);
        }) == 1;
    }

    public boolean delete(Connection c, String scope, String key) throws SQLException {
        return Jdbc.update(c, DELETE, ps -> {
            ps.setString(1, scope);
            ps.setString(2, key);
        }) == 1;
    }

    public int deleteScope(Connection c, String scope) throws SQLException {
        return Jdbc.update(c, DELETE_SCOPE, ps -> ps.setString(1, scope));
    }

    /** Deletes up to {@code limit} keys of any scope created more than {@code ageMillis} ago; returns how many. */
    public int deleteCreatedBefore(Connection c, long ageMillis, int limit) throws SQLException {
        return Jdbc.update(c, deleteCreatedBefore, ps -> {
            ps.setLong(1, ageMillis);
            ps.setInt(2, limit);
        });
    }
}
