package dev.pgqrs.examples.orders;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.camel.builder.RouteBuilder;

/**
 * {@code GET /metrics}: the app's meters in Prometheus text ({@link AppObservability}) — the engine's
 * ({@code pgqrs_*}), Camel's route meters ({@code camel_*}) and the store's pool ({@code hikaricp_*}). A scrape
 * reads meters kept in memory; the queue gauges take one statement per snapshot interval, not per scrape.
 */
public final class MetricsRoutes extends RouteBuilder {

    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    @Override
    public void configure() {
        PrometheusMeterRegistry registry = getContext().getRegistry()
                .lookupByNameAndType(AppObservability.REGISTRY, PrometheusMeterRegistry.class);
        from("platform-http:/metrics?httpMethodRestrict=GET").routeId("http-metrics")
            .process(e -> {
                e.getMessage().setBody(registry.scrape());
                e.getMessage().setHeader("Content-Type", PROMETHEUS_TEXT);
                e.getMessage().setHeader("CamelHttpResponseCode", 200);
            });
    }
}
