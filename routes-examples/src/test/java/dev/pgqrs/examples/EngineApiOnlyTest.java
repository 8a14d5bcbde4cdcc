package dev.pgqrs.examples;

import dev.pgqrs.examples.orders.OrdersApp;
import dev.pgqrs.testing.EngineApi;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The app is written against the engine's API (and the component's): no type of an internal engine package. */
class EngineApiOnlyTest {

    @Test
    void theAppReachesOnlyThePackagesTheEngineExports() {
        assertThat(EngineApi.internalReferences(EngineApi.classesOf(OrdersApp.class)))
                .as("app classes naming internal engine types").isEmpty();
    }
}
