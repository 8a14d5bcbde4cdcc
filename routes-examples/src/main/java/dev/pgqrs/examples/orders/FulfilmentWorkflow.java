package dev.pgqrs.examples.orders;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgqrs.InvalidPayloadException;
import dev.pgqrs.RetryPolicy;
import dev.pgqrs.Store;
import dev.pgqrs.workflow.PermanentStepException;
import dev.pgqrs.workflow.RunContext;
import dev.pgqrs.workflow.Workflow;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * Order fulfilment, a workflow of the engine's runtime ({@code fulfil-order}): each run fulfils one
 * order in durable steps, each recorded when it completes and never run again for that run, each
 * retried under its own policy ({@link StepPolicies}):
 *
 * <ol>
 *   <li>{@code claim-order}: the run claims the order id ({@link OrderClaims}); a run that finds the
 *       order claimed by another run is a duplicate and ends at once (output {@code duplicateOf});</li>
 *   <li>{@code validate}: the order checked again and priced from the catalogue; an unknown SKU or a
 *       bad order fails the run for good;</li>
 *   <li>{@code reserve-stock}: the stock is reserved, all lines or none; short of stock is retried
 *       (stock may arrive);</li>
 *   <li>{@code charge-payment}: the total is charged; a declined card fails the run for good with the
 *       reason, a processing error is retried;</li>
 *   <li>{@code ship}: the delivery note is written to the outbox; retried while the outbox cannot take it;</li>
 *   <li>{@code publish-event} (with Kafka on): an {@code order-fulfilled} event enqueued on
 *       {@code order-events} in the step's own transaction, so it is published exactly once per run.</li>
 * </ol>
 *
 * The function is replayed from the top whenever the run continues (after a retry back-off, a crash):
 * everything that varies (the clock, the stock, the provider's answers) happens inside steps, and the
 * code between them only combines their recorded results.
 */
final class FulfilmentWorkflow {

    static final String NAME = "fulfil-order";
    static final String CLAIM = "claim-order";
    static final String VALIDATE = "validate";
    static final String RESERVE_STOCK = "reserve-stock";
    static final String CHARGE_PAYMENT = "charge-payment";
    static final String SHIP = "ship";
    static final String PUBLISH_EVENT = "publish-event";
    static final String EVENTS_QUEUE = "order-events";

    private final Store store;
    private final OrderClaims claims;
    private final Inventory inventory;
    private final Payments payments;
    private final Shipping shipping;
    private final StepPolicies policies;
    private final boolean publishEvents;

    FulfilmentWorkflow(Store store, OrderClaims claims, Inventory inventory, Payments payments, Shipping shipping,
                       StepPolicies policies, boolean publishEvents) {
        this.store = store;
        this.claims = claims;
        this.inventory = inventory;
        this.payments = payments;
        this.shipping = shipping;
        this.policies = policies;
        this.publishEvents = publishEvents;
    }

    /** The definition to register and run; a failure outside any step fails the run at once. */
    Workflow<JsonNode, JsonNode> definition() {
        return Workflow.define(NAME, JsonNode.class, JsonNode.class, this::fulfil).withRetryPolicy(RetryPolicy.DEFAULT);
    }

    private JsonNode fulfil(RunContext run, JsonNode input) {
        String orderId = input == null ? null : input.path("orderId").asText(null);
        if (!OrderValidator.isOrderId(orderId)) {
            // Outside any step: the run fails at once, claiming nothing (an order id names the claim).
            throw new PermanentStepException("not an order: the input has no orderId of 1-64 letters, digits, '-' or '_'");
        }
        long owner = run.step(CLAIM, Long.class, () -> claims.claim(orderId, run.runId()));
        if (owner != run.runId()) {
            ObjectNode duplicate = OrdersJson.MAPPER.createObjectNode();
            duplicate.put("orderId", orderId);
            duplicate.put("duplicateOf", owner);
            return duplicate;
        }
        ObjectNode order = (ObjectNode) run.step(VALIDATE, JsonNode.class, policies.of(VALIDATE), () -> validate(input));
        String reservationId = run.step(RESERVE_STOCK, String.class, policies.of(RESERVE_STOCK),
                () -> inventory.reserve(orderId, (ArrayNode) order.get("items")));
        BigDecimal total = order.get("total").decimalValue();
        String paymentId = run.step(CHARGE_PAYMENT, String.class, policies.of(CHARGE_PAYMENT),
                () -> payments.charge(orderId, order.path("payment").path("card").asText(null), total));
        String trackingId = run.step(SHIP, String.class, policies.of(SHIP),
                () -> shipping.ship(deliveryNote(order, reservationId, paymentId, run.runId())));

        ObjectNode fulfilled = OrdersJson.MAPPER.createObjectNode();
        fulfilled.put("orderId", orderId);
        fulfilled.put("total", total);
        fulfilled.put("currency", order.path("currency").asText());
        fulfilled.put("reservationId", reservationId);
        fulfilled.put("paymentId", paymentId);
        fulfilled.put("trackingId", trackingId);
        if (publishEvents) {
            ObjectNode event = fulfilled.deepCopy().put("type", "order-fulfilled").put("runId", run.runId());
            run.transactionalStep(PUBLISH_EVENT, Long.class, c -> store.enqueue(c, EVENTS_QUEUE, event));
        }
        return fulfilled;
    }

    /** The order checked again (other producers share the intake) and priced; nothing here is worth retrying. */
    private ObjectNode validate(JsonNode input) {
        try {
            ObjectNode order = OrderValidator.normalise(input, null, null);
            order.put("total", inventory.price(order));
            order.put("currency", "EUR");
            return order;
        } catch (InvalidOrderException | InvalidPayloadException | Inventory.ReservationException e) {
            throw new PermanentStepException(e.getMessage(), e);
        }
    }

    private static ObjectNode deliveryNote(ObjectNode order, String reservationId, String paymentId, long runId) {
        ObjectNode note = order.deepCopy();
        note.putObject("reservation").put("id", reservationId);
        note.putObject("payment").put("id", paymentId);
        note.putObject("fulfilment").put("workflow", NAME).put("runId", runId).put("shippedAt", Instant.now().toString());
        return note;
    }
}
