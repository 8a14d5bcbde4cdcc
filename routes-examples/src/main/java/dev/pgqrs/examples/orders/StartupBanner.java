package dev.pgqrs.examples.orders;

import org.apache.camel.CamelContext;
import org.apache.camel.Route;
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
        List<String> designRoutes = context.getRoutes().stream()
                .filter(r -> r.getSourceLocation() != null && r.getSourceLocation().contains(".camel.yaml"))
                .map(Route::getRouteId).toList();
        String base = "http://localhost:" + s.httpPort();
        LOG.info("""

                pgqrs orders app is running
                  store    {} ({})
                  http     {}  POST /orders, GET /orders/{id}, GET /orders/stats, GET /health{}
                  inbox    {}  (drop *.json / *.jsonl order files here)
                  outbox   {}  (delivery notes of fulfilled orders)
                  failed   {}  (dead letters of the orders queue)
                  kafka    {}
                  designs  {} -> routes {}
                Try: curl -i -X POST {}/orders -H 'Content-Type: application/json' -d '{"orderId":"A-1001","items":[{"sku":"KB-42","quantity":2}]}'
                then: curl -s {}/orders/A-1001
                Stop with Ctrl-C.""",
                s.dsn(), s.dsn().backend(),
                base, designRoutes.isEmpty() ? "" : ", POST /partner/orders, POST /returns (designs)",
                s.inbox(), s.outbox(), s.failed(),
                s.kafkaEnabled()
                        ? s.kafkaBrokers() + "  topic " + prop(context, "kafka.topic.orders-in") + " -> fulfilment, order-events -> topic "
                          + prop(context, "kafka.topic.orders-out")
                        : "off (set KAFKA_BROKERS=host:9092 to bridge Kafka topics)",
                s.designs(), designRoutes,
                base, base);
    }

    private static String prop(CamelContext context, String key) {
        return context.getPropertiesComponent().resolveProperty(key).orElse("?");
    }
}
