package dev.pgqrs.examples.orders;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgqrs.QueueMetrics;
import dev.pgqrs.Store;
import dev.pgqrs.StoreHealth;
import dev.pgqrs.camel.PgqrsConstants;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;

import java.util.Collection;

/**
 * The HTTP bridge (platform-http on the embedded Vert.x server, {@code camel.server.*}):
 * <ul>
 *   <li>{@code POST /orders}: validate the JSON order and enqueue it on {@code orders};
 *       202 with the message id, 400 naming what is wrong, 503 while the database is away;</li>
 *   <li>{@code GET /orders/stats}: the metrics of every queue, as JSON (503 at once while the
 *       database is known to be away);</li>
 *   <li>{@code GET /health}: Camel's readiness checks (routes, pgqrs consumers and producers), all
 *       answered from what they already know; 200 when all are UP, 503 otherwise.</li>
 * </ul>
 * Failures are answered by {@link HttpErrorResponses}, as for every HTTP route of the app.
 */
public final class HttpIntakeRoutes extends RouteBuilder {

    @Override
    public void configure() {
        Store store = getContext().getRegistry().lookupByNameAndType(OrdersAppConfiguration.STORE, Store.class);
        StoreAvailability availability = new StoreAvailability(store);

        from("platform-http:/orders?httpMethodRestrict=POST&consumes=application/json").routeId("http-orders-in")
            .process(e -> {
                String body = Utf8Text.decode(e.getMessage().getBody(byte[].class), "the body");
                ObjectNode order = OrderValidator.parseOne(body, "http");
                e.getMessage().setHeader("orderId", order.get("orderId").asText());
                e.getMessage().setBody(OrdersJson.write(order)); // the validated order, written anew
            })
            .to("pgqrs:orders")
            .log("accepted order ${header.orderId} over HTTP as message ${header." + PgqrsConstants.MESSAGE_ID + "}")
            .process(e -> {
                ObjectNode accepted = OrdersJson.MAPPER.createObjectNode();
                accepted.put("orderId", e.getMessage().getHeader("orderId", String.class));
                accepted.put("messageId", e.getMessage().getHeader(PgqrsConstants.MESSAGE_ID, Long.class));
                accepted.put("queue", "orders");
                HttpReplies.json(e, 202, accepted);
            });

        from("platform-http:/orders/stats?httpMethodRestrict=GET").routeId("http-orders-stats")
            .process(e -> {
                availability.requireReachable();
                HttpReplies.json(e, 200, queueStats(store));
            });

        from("platform-http:/health?httpMethodRestrict=GET").routeId("http-health")
            .process(e -> {
                // "full": every check's result, not only what Camel's default exposure level shows
                Collection<HealthCheck.Result> results = HealthCheckHelper.invokeReadiness(e.getContext(), "full");
                boolean up = results.stream().allMatch(r -> r.getState() == HealthCheck.State.UP);
                HttpReplies.json(e, up ? 200 : 503, health(up, store.health(), results));
            });
    }

    static ObjectNode queueStats(Store store) {
        ObjectNode stats = OrdersJson.MAPPER.createObjectNode();
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

    private static ObjectNode health(boolean up, StoreHealth store, Collection<HealthCheck.Result> results) {
        ObjectNode health = OrdersJson.MAPPER.createObjectNode();
        health.put("status", up ? "UP" : "DOWN");
        ObjectNode s = health.putObject("store");
        s.put("reachable", store.reachable());
        s.put("since", store.since().toString());
        if (store.lastError() != null) {
            s.put("lastError", store.lastError());
        }
        s.put("failedOperations", store.failedOperations());
        ArrayNode checks = health.putArray("checks");
        for (HealthCheck.Result r : results) {
            ObjectNode c = checks.addObject();
            c.put("id", r.getCheck().getId());
            c.put("state", r.getState().name());
            r.getMessage().ifPresent(m -> c.put("message", m));
        }
        return health;
    }
}
