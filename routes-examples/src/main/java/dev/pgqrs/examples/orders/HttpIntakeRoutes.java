package dev.pgqrs.examples.orders;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgqrs.InvalidPayloadException;
import dev.pgqrs.QueueMetrics;
import dev.pgqrs.Store;
import dev.pgqrs.StoreUnavailableException;
import dev.pgqrs.camel.PgqrsConstants;
import dev.pgqrs.payload.Json;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;

import java.util.Collection;

/**
 * The HTTP bridge (platform-http on the embedded Vert.x server, {@code camel.server.*}):
 * <ul>
 *   <li>{@code POST /orders}: validate the JSON order and enqueue it on {@code orders};
 *       202 with the message id, 400 naming what is wrong, 503 when the database is away;</li>
 *   <li>{@code GET /orders/stats}: the metrics of every queue, as JSON;</li>
 *   <li>{@code GET /health}: Camel's health checks (routes, pgqrs consumers: store reachable,
 *       queue present); 200 when all are UP, 503 otherwise.</li>
 * </ul>
 */
public final class HttpIntakeRoutes extends RouteBuilder {

    @Override
    public void configure() {
        from("platform-http:/orders?httpMethodRestrict=POST&consumes=application/json").routeId("http-orders-in")
            .onException(InvalidOrderException.class, InvalidPayloadException.class).handled(true)
                .log("rejected order over HTTP: ${exception.message}")
                .process(e -> reply(e, 400, error(e)))
            .end()
            .onException(StoreUnavailableException.class).handled(true)
                .process(e -> reply(e, 503, error(e)))
            .end()
            .process(e -> {
                ObjectNode order = OrderValidator.parseOne(e.getMessage().getBody(String.class), "http");
                e.getMessage().setHeader("orderId", order.get("orderId").asText());
                e.getMessage().setBody(Json.write(order));
            })
            .to("pgqrs:orders")
            .log("accepted order ${header.orderId} over HTTP as message ${header." + PgqrsConstants.MESSAGE_ID + "}")
            .process(e -> {
                ObjectNode accepted = Json.MAPPER.createObjectNode();
                accepted.put("orderId", e.getMessage().getHeader("orderId", String.class));
                accepted.put("messageId", e.getMessage().getHeader(PgqrsConstants.MESSAGE_ID, Long.class));
                accepted.put("queue", "orders");
                reply(e, 202, accepted);
            });

        from("platform-http:/orders/stats?httpMethodRestrict=GET").routeId("http-orders-stats")
            .process(e -> reply(e, 200, queueStats(e.getContext().getRegistry()
                    .lookupByNameAndType(OrdersAppConfiguration.STORE, Store.class))));

        from("platform-http:/health?httpMethodRestrict=GET").routeId("http-health")
            .process(e -> {
                Collection<HealthCheck.Result> results = HealthCheckHelper.invokeReadiness(e.getContext(), "full");
                boolean up = results.stream().allMatch(r -> r.getState() == HealthCheck.State.UP);
                ObjectNode health = Json.MAPPER.createObjectNode();
                health.put("status", up ? "UP" : "DOWN");
                ArrayNode checks = health.putArray("checks");
                for (HealthCheck.Result r : results) {
                    ObjectNode c = checks.addObject();
                    c.put("id", r.getCheck().getId());
                    c.put("state", r.getState().name());
                    r.getMessage().ifPresent(m -> c.put("message", m));
                }
                reply(e, up ? 200 : 503, health);
            });
    }

    static ObjectNode queueStats(Store store) {
        ObjectNode stats = Json.MAPPER.createObjectNode();
        ArrayNode queues = stats.putArray("queues");
        for (QueueMetrics m : store.queues().metrics()) {
            ObjectNode q = queues.addObject();
            q.put("queue", m.queue());
            q.put("pending", m.pending());
            q.put("leased", m.leased());
            q.put("delayed", m.delayed());
            q.put("archived", m.archived());
            q.put("deadLettered", m.deadLettered());
            q.put("total", m.total());
            if (m.oldestPendingAge() != null) {
                q.put("oldestPendingAgeMillis", m.oldestPendingAge().toMillis());
            }
        }
        return stats;
    }

    private static ObjectNode error(Exchange e) {
        Exception cause = e.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        ObjectNode error = Json.MAPPER.createObjectNode();
        error.put("error", cause == null ? "request failed" : cause.getMessage());
        return error;
    }

    /** A JSON response; the request's headers are not echoed back. */
    static void reply(Exchange e, int status, ObjectNode body) {
        Message m = e.getMessage();
        m.getHeaders().clear();
        m.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        m.setHeader(Exchange.CONTENT_TYPE, "application/json");
        m.setBody(Json.write(body));
    }
}
