package dev.pgqrs;

import java.util.List;

/**
 * What {@code admin().verify()} found.
 *
 * @param schemaVersion   the version installed (0 when never installed by this edition)
 * @param expectedVersion the version this library needs
 * @param problems        one sentence per problem; empty when all is well
 * @param originalRelease the pgqrs (Rust/Python) release whose migration records ({@code _sqlx_migrations})
 *                        the database carries, complete: "0.15.2 to 0.15.3" after a Java install, or the
 *                        release that installed it first (its binaries of other releases refuse the
 *                        database); null when the records are missing or do not match one release
 */
public record VerifyReport(int schemaVersion, int expectedVersion, List<String> problems, String originalRelease) {

    public boolean ok() {
        return problems.isEmpty();
    }
}
