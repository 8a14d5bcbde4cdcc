package dev.pgqrs.examples.orders;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgqrs.QueueMetrics;
import dev.pgqrs.Store;
import dev.pgqrs.StoreHealth;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;
import org.apache.camel.model.RouteDefinition;

import java.util.Collection;
import java.util.Optional;

/**
 * The HTTP bridge (platform-http on the embedded Vert.x server, {@code camel.server.*}):
 * <ul>
 *   <li>{@code POST /orders}: validate the JSON order and start its fulfilment run ({@link OrderIntake});
 *       202 with the run, 200 with the existing run for an order id taken in before, 400 naming what
 *       is wrong, 503 while the database is away;</li>
 *   <li>{@code GET /orders/{id}}: the order's run and its steps ({@link OrderStatus}), 404 for an
 *       order never taken in;</li>
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

        OrderIntake intake = getContext().getRegistry().lookupByNameAndType(OrderIntake.BEAN, OrderIntake.class);

        RouteDefinition post = from("platform-http:/orders?httpMethodRestrict=POST&consumes=application/json")
            .routeId("http-orders-in")
            .process(e -> {
                String body = Utf8Text.decode(e.getMessage().getBody(byte[].class), "the body");
                ObjectNode order = OrderValidator.parseOne(body, "http");
                e.getMessage().setHeader(OrderIntake.ORDER_ID, order.get("orderId").asText());
                e.getMessage().setBody(OrdersJson.write(order)); // the validated order, written anew
            });
        OrderIntake.acceptOne(post, intake)
            .log("order ${header.orderId} over HTTP: run ${header." + OrderIntake.RUN_ID + "}, duplicate ${header."
                    + OrderIntake.DUPLICATE + "}")
            .process(e -> {
                String orderId = e.getMessage().getHeader(OrderIntake.ORDER_ID, String.class);
                long runId = e.getMessage().getHeader(OrderIntake.RUN_ID, Long.class);
                boolean duplicate = e.getMessage().getHeader(OrderIntake.DUPLICATE, Boolean.class);
                // A new order: 202, its run queued. One taken in before: 200 with the run that has it, as it is now.
                String status = duplicate ? intake.statusOf(runId).name() : "QUEUED";
                HttpReplies.json(e, duplicate ? 200 : 202, OrderStatus.accepted(new OrderIntake.Acceptance(orderId, runId, duplicate), status));
                e.getMessage().setHeader("Location", "/orders/" + orderId);
            });

        from("platform-http:/orders/stats?httpMethodRestrict=GET").routeId("http-orders-stats")
            .process(e -> {
                availability.requireReachable();
                HttpReplies.json(e, 200, queueStats(store));
            });

        // After /orders/stats, which the router then matches first.
        from("platform-http:/orders/{id}?httpMethodRestrict=GET").routeId("http-order-status")
            .process(e -> {
                String orderId = e.getMessage().getHeader("id", String.class);
                if (!OrderValidator.isOrderId(orderId)) {
                    HttpReplies.error(e, 400, "'" + abbreviate(orderId) + "' is not an order id: 1-64 letters, digits, '-' or '_'");
                    return;
                }
                availability.requireReachable(); // 503 at once while the database is known to be away
                Optional<Long> run = intake.runOf(orderId);
                if (run.isEmpty()) {
                    HttpReplies.error(e, 404, "no order '" + orderId + "': it was never taken in");
                    return;
                }
                HttpReplies.json(e, 200, OrderStatus.of(orderId, store.workflows().details(run.get())));
            });

        from("platform-http:/health?httpMethodRestrict=GET").routeId("http-health")
            .process(e -> {
                // "full": every check's result, not only what Camel's default exposure level shows
                Collection<HealthCheck.Result> results = HealthCheckHelper.invokeReadiness(e.getContext(), "full");
                boolean up = results.stream().allMatch(r -> r.getState() == HealthCheck.State.UP);
                HttpReplies.json(e, up ? 200 : 503, health(up, store.health(), results));
            });
    }

    private static String abbreviate(String s) {
        return s == null ? "" : s.length() <= 40 ? s : s.substring(0, 39) + "…";
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
