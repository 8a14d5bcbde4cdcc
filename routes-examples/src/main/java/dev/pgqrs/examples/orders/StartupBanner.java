package dev.pgqrs.examples.orders;

import dev.pgqrs.bridge.Bridge;
import dev.pgqrs.bridge.BridgeConfiguration;
import dev.pgqrs.bridge.store.ConnectorRecord;
import org.apache.camel.CamelContext;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.MainListenerSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/** Tells the operator, once started, where the app keeps its data and how to reach it. */
final class StartupBanner extends MainListenerSupport {

    private static final Logger LOG = LoggerFactory.getLogger(OrdersApp.class);

    @Override
    public void afterStart(BaseMainSupport main) {
        CamelContext context = main.getCamelContext();
        AppSettings s = context.getRegistry().lookupByNameAndType(AppSettings.BEAN, AppSettings.class);
        Bridge bridge = context.getRegistry().lookupByNameAndType(BridgeConfiguration.BRIDGE, Bridge.class);
        List<String> connectors = bridge == null ? List.of() : bridge.connectors().list().stream().map(ConnectorRecord::name).toList();
        String base = "http://localhost:" + s.httpPort();
        LOG.info("""

                pgqrs orders app is running
                  store    {} ({})
                  http     {}  POST /orders, GET /orders/{id}, GET /orders/stats, GET /health{}
                  inbox    {}  (drop *.json / *.jsonl order files here)
                  outbox   {}  (delivery notes of fulfilled orders)
                  failed   {}  (dead letters of the orders queue)
                  kafka    {}
                  designs  {} -> connectors {}  (GET /connectors?expand=status, PUT /connectors/NAME/pause|resume)
                Try: curl -i -X POST {}/orders -H 'Content-Type: application/json' -d '{"orderId":"A-1001","items":[{"sku":"KB-42","quantity":2}]}'
                then: curl -s {}/orders/A-1001
                Stop with Ctrl-C.""",
                s.dsn(), s.dsn().backend(),
                base, connectors.isEmpty() ? "" : ", POST /partner/orders, POST /returns (designs)",
                s.inbox(), s.outbox(), s.failed(),
                s.kafkaEnabled()
                        ? s.kafkaBrokers() + "  topic " + prop(context, "kafka.topic.orders-in") + " -> fulfilment, order-events -> topic "
                          + prop(context, "kafka.topic.orders-out")
                        : "off (set KAFKA_BROKERS=host:9092 to bridge Kafka topics)",
                s.designs() == null ? "none" : s.designs(), connectors,
                base, base);
    }

    private static String prop(CamelContext context, String key) {
        return context.getPropertiesComponent().resolveProperty(key).orElse("?");
    }
}
