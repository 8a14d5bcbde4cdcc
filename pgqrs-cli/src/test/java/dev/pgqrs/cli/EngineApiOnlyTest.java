package dev.pgqrs.cli;

import dev.pgqrs.testing.EngineApi;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The command line is written against the engine's API: it names no type of an internal engine package. */
class EngineApiOnlyTest {

    @Test
    void theCommandsReachOnlyThePackagesTheEngineExports() {
        assertThat(EngineApi.internalReferences(EngineApi.classesOf(PgqrsCommand.class)))
                .as("command classes naming internal engine types").isEmpty();
    }
}
