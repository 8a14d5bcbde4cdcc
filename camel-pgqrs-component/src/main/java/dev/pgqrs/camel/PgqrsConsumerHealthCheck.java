package dev.pgqrs.camel;

import dev.pgqrs.Store;
import org.apache.camel.health.HealthCheckHelper;
import org.apache.camel.health.HealthCheckRepository;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;
import org.apache.camel.support.DefaultConsumer;

import java.util.Map;
import java.util.function.Supplier;

/**
 * Readiness of a pgqrs consumer (queue or workflow): started, and its store reaching the database
 * ({@link StoreReadiness}, no round trip). Its queue needs no check: the endpoint resolved it at start,
 * and a queue cannot be deleted while a consumer's worker uses it.
 */
public class PgqrsConsumerHealthCheck extends AbstractHealthCheck {

    private final PgqrsEndpoint endpoint;
    private final Supplier<Store> store;

    public PgqrsConsumerHealthCheck(PgqrsEndpoint endpoint, Supplier<Store> store, String routeId) {
        super("camel", "pgqrs-consumer-" + routeId);
        this.endpoint = endpoint;
        this.store = store;
    }

    /** Registers the readiness check of a consumer when Camel's health checks are on. */
    static void register(DefaultConsumer consumer, Supplier<Store> store) {
        PgqrsEndpoint endpoint = (PgqrsEndpoint) consumer.getEndpoint();
        HealthCheckRepository repo = HealthCheckHelper.getHealthCheckRepository(endpoint.getCamelContext(), "consumers",
                HealthCheckRepository.class);
        if (repo != null) {
            PgqrsConsumerHealthCheck check = new PgqrsConsumerHealthCheck(endpoint, store, consumer.getRouteId());
            check.setEnabled(endpoint.getComponent().isHealthCheckConsumerEnabled());
            consumer.setHealthCheck(check);
        }
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        builder.detail("queue", endpoint.getQueueName());
        Store s = store.get();
        if (s == null) {
            builder.message("consumer not started").down();
            return;
        }
        StoreReadiness.report(s, builder);
    }
}
