package dev.pgqrs.camel;

import dev.pgqrs.Store;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

import java.util.Map;
import java.util.function.Supplier;

/**
 * Readiness of a pgqrs producer ({@code to("pgqrs:orders")}, a workflow trigger): started, and its store
 * reaching the database ({@link StoreReadiness}, no round trip). Reported, as Camel's producer checks are,
 * only with {@code camel.health.producersEnabled=true}; id {@code producer:<routeId>:pgqrs:<queue>}.
 */
public class PgqrsProducerHealthCheck extends AbstractHealthCheck {

    private final String queue;
    private final Supplier<Store> store;

    public PgqrsProducerHealthCheck(String id, String queue, Supplier<Store> store) {
        super("camel", id);
        this.queue = queue;
        this.store = store;
    }

    /** The check of a producer, enabled as the component's {@code healthCheckProducerEnabled} says. */
    static PgqrsProducerHealthCheck of(PgqrsProducer producer, Supplier<Store> store) {
        PgqrsEndpoint endpoint = producer.getEndpoint();
        String queue = endpoint.getQueueName();
        String target = (endpoint.getConfiguration().isWorkflow() ? "pgqrs:workflow:" : "pgqrs:") + queue;
        String id = "producer:" + (producer.getRouteId() != null ? producer.getRouteId() + ":" : "") + target;
        PgqrsProducerHealthCheck check = new PgqrsProducerHealthCheck(id, queue, store);
        check.setEnabled(endpoint.getComponent().isHealthCheckProducerEnabled());
        return check;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        builder.detail("queue", queue);
        Store s = store.get();
        if (s == null) {
            builder.message("producer not started").down();
            return;
        }
        StoreReadiness.report(s, builder);
    }
}
