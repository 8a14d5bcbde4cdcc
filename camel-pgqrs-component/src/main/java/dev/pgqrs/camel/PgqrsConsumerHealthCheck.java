package dev.pgqrs.camel;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

import java.util.Map;

/** Readiness of a pgqrs consumer: its store answers and its queue exists. */
public class PgqrsConsumerHealthCheck extends AbstractHealthCheck {

    private final PgqrsConsumer consumer;

    public PgqrsConsumerHealthCheck(PgqrsConsumer consumer, String routeId) {
        super("camel", "pgqrs-consumer-" + routeId);
        this.consumer = consumer;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        String queue = consumer.getEndpoint().getQueueName();
        builder.detail("queue", queue);
        try {
            if (consumer.store() == null) {
                builder.message("consumer not started").down();
                return;
            }
            if (!consumer.store().queues().exists(queue)) {
                builder.message("queue '" + queue + "' does not exist").down();
                return;
            }
            builder.up();
        } catch (RuntimeException e) {
            builder.message("pgqrs store unreachable: " + e.getMessage()).error(e).down();
        }
    }
}
