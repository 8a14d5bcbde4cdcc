package dev.pgqrs.examples.orders;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgqrs.camel.PgqrsConstants;
import dev.pgqrs.camel.PgqrsStepPolicy;
import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.RouteDefinition;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * Processes the {@code orders} queue, whatever bridge or design enqueued the order:
 * <ol>
 *   <li>check the order again (other producers, e.g. the Karavan designs, share the queue);</li>
 *   <li><b>reserve the stock</b> in a durable step ({@code PgqrsStepPolicy "reserve-stock"}): done
 *       once per order; when a later step fails and the message is delivered again, the recorded
 *       reservation is restored instead of reserving twice;</li>
 *   <li>price the lines and write {@code order-<orderId>.json} to the outbox ({@code app.outbox});</li>
 *   <li>with Kafka on, enqueue an {@code order-processed} event on {@code order-events}, which the
 *       Kafka bridge publishes.</li>
 * </ol>
 * Any failure is retried with exponential back-off ({@code retryDelay}, doubling); after
 * {@code app.orders.max-attempts} deliveries the message moves to {@code orders-dlq} with its error,
 * and a second route writes each dead letter to {@code app.failed} for an operator.
 */
public final class OrderProcessingRoutes extends RouteBuilder {

    @Override
    public void configure() {
        AppSettings settings = getContext().getRegistry().lookupByNameAndType(AppSettings.BEAN, AppSettings.class);
        Inventory inventory = getContext().getRegistry().lookupByNameAndType(OrdersAppConfiguration.INVENTORY, Inventory.class);

        RouteDefinition processor = from("pgqrs:orders"
                + "?concurrentConsumers={{app.orders.consumers}}"
                + "&maxAttempts={{app.orders.max-attempts}}"
                + "&retryDelay={{app.orders.retry-delay}}"
                + "&maxIdleDelay={{app.orders.idle-poll-max}}"
                + "&deadLetterQueue=orders-dlq")
            .routeId("orders-processor");
        processor
            // Not handled: the failure reaches the pgqrs consumer, which retries or dead-letters the
            // message. One line per failed delivery instead of Camel's stack trace.
            .onException(Exception.class).handled(false).logExhausted(false)
                .log(LoggingLevel.WARN, "order ${header.orderId} failed on delivery ${header." + PgqrsConstants.READ_COUNT
                        + "} of {{app.orders.max-attempts}}: ${exception.message}")
            .end()
            .process(e -> {
                ObjectNode order = OrderValidator.normalise(OrdersJson.parse(e.getMessage().getBody(String.class)), null, null);
                e.getMessage().setHeader("orderId", order.get("orderId").asText());
                e.getMessage().setBody(OrdersJson.write(order));
            })
            .policy(new PgqrsStepPolicy("reserve-stock", "reservationId"))
                .process(e -> reserveStock(e, inventory))
            .end();
        processor
            .process(e -> price(e, inventory))
            .to("file:{{app.outbox}}?fileName=order-${header.orderId}.json&tempPrefix=.writing-");
        if (settings.kafkaEnabled()) {
            processor
                .process(OrderProcessingRoutes::processedEvent)
                .to("pgqrs:order-events");
        }
        processor
            .log("processed order ${header.orderId}: reservation ${header.reservationId}, total ${header.orderTotal}, "
                    + "delivery ${header." + PgqrsConstants.READ_COUNT + "} -> outbox");

        from("pgqrs:orders-dlq").routeId("orders-dead-letters")
            .process(e -> {
                var deadLetter = OrdersJson.parse(e.getMessage().getBody(String.class));
                e.getMessage().setHeader("orderId", deadLetter.path("orderId").asText("?"));
                e.getMessage().setHeader("lastError", deadLetter.path(OrderValidator.DEAD_LETTER_KEY).path("error").asText("?"));
            })
            .log(LoggingLevel.WARN, "order ${header.orderId} dead-lettered, see {{app.failed}}/dead-letter-${header."
                    + PgqrsConstants.MESSAGE_ID + "}.json: ${header.lastError}")
            .to("file:{{app.failed}}?fileName=dead-letter-${header." + PgqrsConstants.MESSAGE_ID + "}.json&tempPrefix=.writing-");
    }

    /** The durable step: reserve the order's stock, recorded with the order as the step's result. */
    private static void reserveStock(Exchange e, Inventory inventory) {
        ObjectNode order = (ObjectNode) OrdersJson.parse(e.getMessage().getBody(String.class));
        String reservationId = inventory.reserve(order.get("orderId").asText(), (ArrayNode) order.get("items"));
        order.putObject("reservation").put("id", reservationId).put("reservedAt", Instant.now().toString());
        e.getMessage().setHeader("reservationId", reservationId);
        e.getMessage().setBody(OrdersJson.write(order));
    }

    private static void price(Exchange e, Inventory inventory) {
        ObjectNode order = (ObjectNode) OrdersJson.parse(e.getMessage().getBody(String.class));
        BigDecimal total = inventory.price(order);
        order.put("total", total);
        order.put("currency", "EUR");
        order.putObject("processing")
                .put("messageId", e.getMessage().getHeader(PgqrsConstants.MESSAGE_ID, Long.class))
                .put("deliveries", e.getMessage().getHeader(PgqrsConstants.READ_COUNT, Integer.class))
                .put("stepReplayed", Boolean.TRUE.equals(e.getMessage().getHeader(PgqrsConstants.STEP_REPLAYED)))
                .put("processedAt", Instant.now().toString());
        e.getMessage().setHeader("orderTotal", total.toPlainString());
        e.getMessage().setBody(OrdersJson.write(order));
    }

    private static void processedEvent(Exchange e) {
        ObjectNode order = (ObjectNode) OrdersJson.parse(e.getMessage().getBody(String.class));
        ObjectNode event = OrdersJson.MAPPER.createObjectNode();
        event.put("type", "order-processed");
        event.put("orderId", order.get("orderId").asText());
        event.put("reservationId", order.path("reservation").path("id").asText());
        event.put("total", order.get("total").decimalValue());
        event.put("currency", order.get("currency").asText());
        event.put("processedAt", order.path("processing").path("processedAt").asText());
        e.getMessage().setBody(OrdersJson.write(event));
    }
}
