package dev.pgqrs.camel;

import dev.pgqrs.Store;
import dev.pgqrs.StoreHealth;
import org.apache.camel.health.HealthCheckResultBuilder;

/**
 * The readiness of a pgqrs consumer or producer as far as its store goes, from what the store already
 * knows ({@link Store#health()}): every operation that could not reach the database marked it
 * unreachable, and the store probes while it is down. No round trip, so a health check answers at once
 * even while the database is away, however many consumers and producers report.
 */
final class StoreReadiness {

    private StoreReadiness() {
    }

    /** UP when the store is open and its database answered its last operations, DOWN with the reason otherwise. */
    static void report(Store store, HealthCheckResultBuilder builder) {
        if (store.isClosed()) {
            builder.message("pgqrs store unreachable: the store is closed").down();
            return;
        }
        StoreHealth health = store.health();
        builder.detail("store.reachable", health.reachable());
        builder.detail("store.since", health.since().toString());
        builder.detail("store.failedOperations", health.failedOperations());
        if (health.reachable()) {
            builder.up();
            return;
        }
        builder.message("pgqrs store unreachable for " + health.duration().toSeconds() + " s (since " + health.since()
                + ")" + (health.lastError() == null ? "" : ": " + health.lastError())).down();
    }
}
