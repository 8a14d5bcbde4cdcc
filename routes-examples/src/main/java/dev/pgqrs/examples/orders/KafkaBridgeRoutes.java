package dev.pgqrs.examples.orders;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgqrs.InvalidPayloadException;
import dev.pgqrs.OutageLog;
import dev.pgqrs.StoreUnavailableException;
import dev.pgqrs.camel.PgqrsConstants;
import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka bridge, built only when {@code kafka.brokers} ({@code KAFKA_BROKERS}) is set:
 * <ul>
 *   <li>topic {@code kafka.topic.orders-in} → {@code orders}: each record's value is one order; its
 *       offset is committed only once the order is durably in the queue (manual commit,
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

        from("kafka:{{kafka.topic.orders-in}}?brokers={{kafka.brokers}}&groupId={{kafka.group-id}}"
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
                e.getMessage().setHeader("orderId", order.get("orderId").asText());
                e.getMessage().setBody(OrdersJson.write(order));
            })
            .to("pgqrs:orders")
            .process(e -> outage.succeeded())
            .process(KafkaBridgeRoutes::commit)
            .log("accepted order ${header.orderId} from Kafka as message ${header." + PgqrsConstants.MESSAGE_ID + "}");

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
