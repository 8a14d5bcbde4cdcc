package dev.pgqrs;

import java.time.Instant;

/**
 * A key taken within a scope ({@link IdempotencyKeys}): the first answer given for it (JSON text, null when
 * none was recorded) and when it was taken, by the database's clock.
 */
public record IdempotencyKey(String scope, String key, String answer, Instant createdAt) {
}
