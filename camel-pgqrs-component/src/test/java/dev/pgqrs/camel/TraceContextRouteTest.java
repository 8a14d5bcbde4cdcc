package dev.pgqrs.camel;

import dev.pgqrs.testing.ConformanceTest;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.AfterEach;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The trace context of the span that sent an exchange to {@code pgqrs:} is on the consumed exchange as the W3C
 * headers, where Camel's tracer (camel-opentelemetry2) takes it as the parent of the route's span.
 */
class TraceContextRouteTest extends PgqrsCamelTestSupport {

    private OpenTelemetrySdk sdk;

    @AfterEach
    void removeSdk() {
        if (sdk != null) {
            sdk.close();
        }
        GlobalOpenTelemetry.resetForTest();
    }

    private String storedHeaders() throws Exception {
        try (var c = backend.jdbc(); var rs = c.createStatement().executeQuery("SELECT id, headers FROM pgqrs_messages")) {
            StringBuilder sb = new StringBuilder();
            while (rs.next()) {
                sb.append(rs.getLong(1)).append('=').append(rs.getString(2)).append(' ');
            }
            return sb.toString();
        }
    }

    @ConformanceTest
    void theConsumedExchangeCarriesTheTraceparentOfTheProducingSpan() throws Exception {
        GlobalOpenTelemetry.resetForTest();
        sdk = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder()
                        .addSpanProcessor(SimpleSpanProcessor.create(InMemorySpanExporter.create())).build())
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
                .buildAndRegisterGlobal();
        MockEndpoint out = getMockEndpoint("mock:out");
        out.expectedMessageCount(2);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("pgqrs:traced").to("mock:out");
            }
        });

        Span producer = sdk.getTracer("test").spanBuilder("send").startSpan();
        try (Scope ignored = producer.makeCurrent()) {
            assertThat(producer.getSpanContext().isValid()).isTrue();
            template.sendBody("pgqrs:traced", Map.of("n", 1));
        } finally {
            producer.end();
        }
        template.sendBody("pgqrs:traced", Map.of("n", 2)); // no span: no trace headers

        out.assertIsSatisfied(10_000);
        Exchange traced = out.getReceivedExchanges().stream()
                .filter(e -> e.getIn().getBody(String.class).contains("1")).findFirst().orElseThrow();
        Exchange plain = out.getReceivedExchanges().stream()
                .filter(e -> e.getIn().getBody(String.class).contains("2")).findFirst().orElseThrow();
        assertThat(traced.getIn().getHeader("traceparent", String.class))
                .as("headers of the consumed exchange: %s; stored: %s", traced.getIn().getHeaders(), storedHeaders())
                .startsWith("00-" + producer.getSpanContext().getTraceId() + "-" + producer.getSpanContext().getSpanId() + "-");
        assertThat(plain.getIn().getHeader("traceparent")).isNull();
    }
}
