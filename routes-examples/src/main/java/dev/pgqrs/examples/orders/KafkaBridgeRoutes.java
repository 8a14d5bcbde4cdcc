package dev.pgqrs.examples.orders;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgqrs.InvalidPayloadException;
import dev.pgqrs.OutageLog;
import dev.pgqrs.StoreUnavailableException;
import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka bridge, built only when {@code kafka.brokers} ({@code KAFKA_BROKERS}) is set:
 * <ul>
 *   <li>topic {@code kafka.topic.orders-in} → fulfilment runs: each record's value is one order; its
 *       offset is committed only once the order's run exists (a record read again is a duplicate) (manual commit,
 *       {@code breakOnFirstError} re-reads a record whose enqueue failed). A record that is not a
 *       valid order is logged and skipped;</li>
 *   <li>{@code order-events} → topic {@code kafka.topic.orders-out}, keyed by order id: the message
 *       is acknowledged once the broker has acknowledged the record, and retried while Kafka is
 *       unreachable.</li>
 * </ul>
 */
public final class KafkaBridgeRoutes extends RouteBuilder {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaBridgeRoutes.class);

    @Override
    public void configure() {
        AppSettings settings = getContext().getRegistry().lookupByNameAndType(AppSettings.BEAN, AppSettings.class);
        if (!settings.kafkaEnabled()) {
            return;
        }
        OutageLog outage = new OutageLog(LOG, "Kafka intake");

        OrderIntake intake = getContext().getRegistry().lookupByNameAndType(OrderIntake.BEAN, OrderIntake.class);
        ProcessorDefinition<?> kafkaIn = from("kafka:{{kafka.topic.orders-in}}?brokers={{kafka.brokers}}&groupId={{kafka.group-id}}"
                + "&autoOffsetReset=earliest&autoCommitEnable=false&allowManualCommit=true&breakOnFirstError=true")
            .routeId("kafka-orders-in")
            // The store away: the record is read again (breakOnFirstError), and the outage logged once, not per record.
            .onException(StoreUnavailableException.class).handled(false).logExhausted(false)
                .process(e -> outage.failed(e.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class),
                        "records are read again from their offset until the store takes them"))
            .end()
            .onException(InvalidOrderException.class, InvalidPayloadException.class).handled(true)
                .log(LoggingLevel.WARN, "skipped Kafka record ${header." + KafkaConstants.PARTITION + "}/${header."
                        + KafkaConstants.OFFSET + "} of {{kafka.topic.orders-in}}: ${exception.message}")
                .process(KafkaBridgeRoutes::commit)
            .end()
            .process(e -> {
                ObjectNode order = OrderValidator.parseOne(e.getMessage().getBody(String.class), "kafka:" + e.getMessage().getHeader(KafkaConstants.TOPIC));
                e.getMessage().setHeader(OrderIntake.ORDER_ID, order.get("orderId").asText());
                e.getMessage().setBody(OrdersJson.write(order));
            });
        // A record read again (after a failure, a rebalance) is a duplicate: the order is not fulfilled twice.
        OrderIntake.acceptOne(kafkaIn, intake)
            .process(e -> outage.succeeded())
            .process(KafkaBridgeRoutes::commit)
            .log("order ${header.orderId} from Kafka: run ${header." + OrderIntake.RUN_ID + "}, duplicate ${header."
                    + OrderIntake.DUPLICATE + "}");

        from("pgqrs:order-events").routeId("kafka-order-events-out")
            .process(e -> {
                String key = OrdersJson.parse(e.getMessage().getBody(String.class)).path("orderId").asText();
                e.getMessage().setHeader(KafkaConstants.KEY, key);
            })
            .to("kafka:{{kafka.topic.orders-out}}?brokers={{kafka.brokers}}")
            .log("published event of order ${header." + KafkaConstants.KEY + "} to Kafka topic {{kafka.topic.orders-out}}");
    }

    private static void commit(Exchange e) {
        KafkaManualCommit manual = e.getMessage().getHeader(KafkaConstants.MANUAL_COMMIT, KafkaManualCommit.class);
        if (manual != null) {
            manual.commit();
        }
    }
}
