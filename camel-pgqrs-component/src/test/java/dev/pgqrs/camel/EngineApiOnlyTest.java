package dev.pgqrs.camel;

import dev.pgqrs.Store;
import dev.pgqrs.testing.EngineApi;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The component is an adapter over the engine's API: it names no type of the engine's internal packages. */
class EngineApiOnlyTest {

    @Test
    void theComponentReachesOnlyThePackagesTheEngineExports() {
        assertThat(EngineApi.internalReferences(EngineApi.classesOf(PgqrsComponent.class)))
                .as("component classes naming internal engine types").isEmpty();
    }

    @Test
    void theScanSeesInternalReferencesWhereThereAreSome() {
        // The control: the engine's own Store works with its internals, and the scan must find that.
        assertThat(EngineApi.internalReferences(EngineApi.engineRoot()))
                .anyMatch(found -> found.startsWith("dev/pgqrs/Store.class") && found.endsWith("dev.pgqrs.store"));
        assertThat(EngineApi.classesOf(Store.class)).isNotEqualTo(EngineApi.classesOf(PgqrsComponent.class));
    }
}
