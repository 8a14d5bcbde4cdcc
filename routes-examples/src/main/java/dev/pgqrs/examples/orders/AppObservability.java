package dev.pgqrs.examples.orders;

import dev.pgqrs.Store;
import dev.pgqrs.metrics.PgqrsMetrics;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.component.micrometer.MicrometerConstants;
import org.apache.camel.component.micrometer.routepolicy.MicrometerRoutePolicyFactory;

import java.util.Map;

/**
 * The app's meters and traces. Runs after {@link OrdersAppConfiguration} (which opened the store):
 * <ul>
 *   <li>one Prometheus registry, bound as {@code metricsRegistry} (camel-micrometer's name), holding the engine's
 *       meters ({@link PgqrsMetrics}: queues, workflow runs, the store's pool) and Camel's route meters
 *       ({@link MicrometerRoutePolicyFactory}: {@code camel.exchanges.*}, {@code camel.route.policy}), served by
 *       {@link MetricsRoutes} at {@code GET /metrics};</li>
 *   <li>traces: Camel's spans ({@code camel.opentelemetry2.enabled} in application.properties) and the engine's
 *       (runs and steps, the trace context stored with each message) go to the OpenTelemetry SDK that
 *       {@link #installTracingFromEnvironment} sets up from the standard {@code OTEL_*} variables.</li>
 * </ul>
 */
public final class AppObservability implements CamelConfiguration {

    /** The registry's name, the one camel-micrometer's endpoints and policies look up. */
    public static final String REGISTRY = MicrometerConstants.METRICS_REGISTRY_NAME;

    @Override
    public void configure(CamelContext context) {
        Store store = context.getRegistry().lookupByNameAndType(OrdersAppConfiguration.STORE, Store.class);
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        context.getRegistry().bind(REGISTRY, registry);
        MicrometerRoutePolicyFactory routeMeters = new MicrometerRoutePolicyFactory();
        routeMeters.setMeterRegistry(registry);
        context.addRoutePolicyFactory(routeMeters);
        // One gauge snapshot per 10 s however often Prometheus scrapes (set the scrape interval to match).
        new PgqrsMetrics(store, PgqrsMetrics.DEFAULT_SNAPSHOT_INTERVAL, Tags.of("app", "pgqrs-orders")).bindTo(registry);
    }

    /**
     * Sets up the OpenTelemetry SDK from the environment when it names an exporter or an endpoint
     * ({@code OTEL_TRACES_EXPORTER}, {@code OTEL_EXPORTER_OTLP_ENDPOINT}, {@code OTEL_SERVICE_NAME}, ... as every
     * OpenTelemetry SDK reads them), as the global instance Camel's tracer and the engine use. Without them
     * nothing is set up and spans cost next to nothing (OpenTelemetry's no-op).
     */
    static void installTracingFromEnvironment(Map<String, String> env) {
        boolean asked = env.containsKey("OTEL_TRACES_EXPORTER") || env.containsKey("OTEL_EXPORTER_OTLP_ENDPOINT")
                || env.containsKey("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");
        if (asked) {
            AutoConfiguredOpenTelemetrySdk.builder().setResultAsGlobal().build();
        }
    }
}
