package dev.pgqrs.bridge;

import dev.pgqrs.testing.EngineApi;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The bridge is built on the engine's API: it names no type of the engine's internal packages. */
class EngineApiOnlyTest {

    @Test
    void theBridgeReachesOnlyThePackagesTheEngineExports() {
        assertThat(EngineApi.classesOf(BridgeApp.class)).isNotEqualTo(EngineApi.classesOf(dev.pgqrs.Store.class));
        assertThat(EngineApi.internalReferences(EngineApi.classesOf(BridgeApp.class)))
                .as("bridge classes naming internal engine types").isEmpty();
    }
}
