package dev.pgqrs;

import java.util.List;

/**
 * What {@code admin().verify()} found.
 *
 * @param schemaVersion   the version installed (0 when never installed by this edition)
 * @param expectedVersion the version this library needs
 * @param problems        one sentence per problem; empty when all is well
 */
public record VerifyReport(int schemaVersion, int expectedVersion, List<String> problems) {

    public boolean ok() {
        return problems.isEmpty();
    }
}
