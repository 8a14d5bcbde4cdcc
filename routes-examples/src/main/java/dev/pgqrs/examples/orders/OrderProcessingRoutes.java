package dev.pgqrs.examples.orders;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgqrs.InvalidPayloadException;
import dev.pgqrs.PermanentFailureException;
import dev.pgqrs.camel.PgqrsConstants;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.RouteDefinition;

/**
 * The {@code orders} queue: where producers that know nothing of the fulfilment workflow (the Karavan
 * designs, other services, other pgqrs editions) leave orders. Each message is taken in like an order
 * over HTTP ({@link OrderIntake}): a new order starts its fulfilment run, an order taken in before is
 * a duplicate (a message delivered again is one too), so enqueueing an order twice fulfils it once.
 *
 * <p>A message that is not a valid order fails for good and moves to {@code orders-dlq}; the store
 * away is retried with back-off ({@code app.orders.retry-delay}, doubling) up to
 * {@code app.orders.max-attempts} deliveries. A second route writes each dead letter to
 * {@code app.failed} for an operator.
 */
public final class OrderProcessingRoutes extends RouteBuilder {

    @Override
    public void configure() {
        OrderIntake intake = getContext().getRegistry().lookupByNameAndType(OrderIntake.BEAN, OrderIntake.class);

        RouteDefinition orders = from("pgqrs:orders"
                + "?concurrentConsumers={{app.orders.consumers}}"
                + "&maxAttempts={{app.orders.max-attempts}}"
                + "&retryDelay={{app.orders.retry-delay}}"
                + "&maxIdleDelay={{app.orders.idle-poll-max}}"
                + "&deadLetterQueue=orders-dlq")
            .routeId("orders-intake-queue");
        orders
            // Not handled: the failure reaches the pgqrs consumer, which retries or dead-letters the
            // message. One line per failed delivery instead of Camel's stack trace.
            .onException(Exception.class).handled(false).logExhausted(false)
                .log(LoggingLevel.WARN, "order message ${header." + PgqrsConstants.MESSAGE_ID + "} failed on delivery ${header."
                        + PgqrsConstants.READ_COUNT + "} of {{app.orders.max-attempts}}: ${exception.message}")
            .end()
            .process(e -> {
                ObjectNode order;
                try {
                    order = OrderValidator.normalise(OrdersJson.parse(e.getMessage().getBody(String.class)), null, null);
                } catch (InvalidOrderException | InvalidPayloadException invalid) {
                    throw new PermanentFailureException("not an order: " + invalid.getMessage(), invalid); // no retry
                }
                e.getMessage().setHeader(OrderIntake.ORDER_ID, order.get("orderId").asText());
                e.getMessage().setBody(OrdersJson.write(order));
            });
        OrderIntake.acceptOne(orders, intake)
            .log("order ${header.orderId} from queue orders (message ${header." + PgqrsConstants.MESSAGE_ID + "}): run ${header."
                    + OrderIntake.RUN_ID + "}, duplicate ${header." + OrderIntake.DUPLICATE + "}");

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
}
