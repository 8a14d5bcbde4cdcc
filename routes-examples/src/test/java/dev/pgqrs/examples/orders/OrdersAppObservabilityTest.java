package dev.pgqrs.examples.orders;

import dev.pgqrs.testing.BackendKind;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The app's meters and traces, seen from outside: {@code GET /metrics} in Prometheus text after an order, and
 * one trace (the OpenTelemetry SDK's in-memory exporter) from {@code POST /orders} through the workflow's queue,
 * the run and each of its steps to the sink (the {@code ship} step writing the delivery note), and from the
 * partner intake through the {@code orders} queue (a Camel consumer) into the same chain. On SQLite: the
 * engine's own tests run the trace context and the meters on both backends; here the wiring is under test.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OrdersAppObservabilityTest {

    private static final Duration AWAIT = Duration.ofSeconds(30);
    private static final List<String> STEPS = List.of("claim-order", "validate", "reserve-stock", "charge-payment", "ship");

    private final InMemorySpanExporter spans = InMemorySpanExporter.create();
    private OpenTelemetrySdk sdk;
    private RunningApp app;

    @BeforeAll
    void start() throws Exception {
        GlobalOpenTelemetry.resetForTest();
        sdk = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
                .buildAndRegisterGlobal();
        app = RunningApp.start(BackendKind.SQLITE, Map.of());
    }

    @AfterAll
    void stop() throws Exception {
        try {
            if (app != null) {
                app.close();
            }
        } finally {
            sdk.close();
            GlobalOpenTelemetry.resetForTest();
        }
    }

    @Test
    void oneTraceFollowsAnOrderFromPostOrdersThroughTheQueueAndEveryStepToTheSink() throws Exception {
        assertThat(app.postJson("/orders", "{\"orderId\":\"T-1\",\"items\":[{\"sku\":\"KB-42\",\"quantity\":1}]}")
                .statusCode()).isEqualTo(202);
        app.awaitRun("T-1", "SUCCESS");

        SpanData run = awaitRunSpanWithSteps();
        String traceId = run.getTraceId();
        // Every step of the run is a child of the run's span, in the same trace; ship is the sink (the outbox).
        for (String step : STEPS) {
            SpanData s = span(traceId, "step " + step).orElseThrow(() -> new AssertionError("no span of step " + step));
            assertThat(s.getParentSpanId()).as(step).isEqualTo(run.getSpanId());
        }
        // The run's span continues the trace of the HTTP request that triggered it, across the workflow's queue.
        List<SpanData> chain = ancestors(run);
        assertThat(chain).as("spans from the run up to the trace's root").isNotEmpty();
        SpanData root = chain.get(chain.size() - 1);
        assertThat(root.getParentSpanContext().isValid()).isFalse();
        assertThat(uri(root)).startsWith("platform-http:///orders?");
        assertThat(chain).allMatch(s -> s.getTraceId().equals(traceId));
    }

    @Test
    void thePartnerIntakesTraceCrossesTheOrdersQueueToo() throws Exception {
        assertThat(app.postJson("/partner/orders", "{\"orderId\":\"T-2\",\"items\":[{\"sku\":\"MS-7\",\"quantity\":1}]}")
                .statusCode()).isEqualTo(202);
        app.awaitRun("T-2", "SUCCESS");

        await().atMost(AWAIT).untilAsserted(() -> {
            // POST /partner/orders (the design) -> pgqrs:orders -> the Camel consumer of orders -> the trigger -> the
            // run: without the trace context restored by the consumer, the run's trace would begin at that consumer.
            SpanData run = spans.getFinishedSpanItems().stream()
                    .filter(s -> s.getName().equals("run fulfil-order") && !ancestors(s).isEmpty())
                    .filter(s -> {
                        List<SpanData> chain = ancestors(s);
                        SpanData root = chain.get(chain.size() - 1);
                        return uri(root).startsWith("platform-http:///partner/orders");
                    })
                    .findFirst().orElseThrow(() -> new AssertionError("no run span in a trace begun by POST /partner/orders: "
                            + describe()));
            List<SpanData> chain = ancestors(run);
            // the design's pgqrs:orders producer, the orders consumer (its parent: the context restored), the trigger
            assertThat(chain.stream().map(OrdersAppObservabilityTest::uri).toList())
                    .anyMatch(u -> u.equals("pgqrs://orders")).anyMatch(u -> u.startsWith("pgqrs://orders?"));
            assertThat(chain).allMatch(s -> s.getTraceId().equals(run.getTraceId()));
        });
    }

    @Test
    void metricsAnswersPrometheusTextWithTheEnginesAndCamelsMetersAfterAnOrder() throws Exception {
        assertThat(app.postJson("/orders", "{\"orderId\":\"M-1\",\"items\":[{\"sku\":\"HD-1\",\"quantity\":1}]}")
                .statusCode()).isEqualTo(202);
        app.awaitRun("M-1", "SUCCESS");

        HttpResponse<String> scrape = app.get("/metrics");

        assertThat(scrape.statusCode()).isEqualTo(200);
        assertThat(scrape.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
        String text = scrape.body();
        assertThat(text)
                .containsPattern("pgqrs_messages_enqueued_total\\{app=\"pgqrs-orders\",backend=\"sqlite\",queue=\"fulfil-order\"} [1-9]")
                .containsPattern("pgqrs_workflow_runs_total\\{app=\"pgqrs-orders\",backend=\"sqlite\",status=\"SUCCESS\",workflow=\"fulfil-order\"} [1-9]")
                .contains("pgqrs_workflow_run_duration_seconds_count{")
                // the workflow's queue exists when the meters are bound; queues made later appear at the next snapshot
                .contains("pgqrs_queue_depth{app=\"pgqrs-orders\",backend=\"sqlite\",queue=\"fulfil-order\"}")
                .contains("pgqrs_queue_oldest_pending_age_seconds{")
                .contains("hikaricp_connections_active{")
                .containsPattern("camel_exchanges_total\\{[^}]*routeId=\"http-orders-in\"[^}]*} [1-9]");
        assertThat(text).doesNotContainIgnoringCase("password").doesNotContain(app.home.toString());
    }

    /** The endpoint of a Camel span (camel-opentelemetry2's {@code camel.uri}); empty for the engine's spans. */
    private static String uri(SpanData span) {
        String uri = span.getAttributes().get(io.opentelemetry.api.common.AttributeKey.stringKey("camel.uri"));
        return uri == null ? "" : uri;
    }

    private String describe() {
        StringBuilder sb = new StringBuilder();
        for (SpanData s : spans.getFinishedSpanItems()) {
            sb.append("\n  ").append(s.getName()).append(' ').append(s.getKind()).append(" trace=").append(s.getTraceId())
                    .append(" id=").append(s.getSpanId()).append(" parent=").append(s.getParentSpanId())
                    .append(' ').append(s.getAttributes().asMap());
        }
        return sb.toString();
    }

    private SpanData awaitRunSpanWithSteps() {
        return await().atMost(AWAIT).until(() -> spans.getFinishedSpanItems().stream()
                .filter(s -> s.getName().equals("run fulfil-order"))
                .filter(s -> STEPS.stream().allMatch(step -> span(s.getTraceId(), "step " + step).isPresent()))
                .filter(s -> !ancestors(s).isEmpty())
                .findFirst().orElse(null), r -> r != null);
    }

    private Optional<SpanData> span(String traceId, String name) {
        return spans.getFinishedSpanItems().stream()
                .filter(s -> s.getTraceId().equals(traceId) && s.getName().equals(name)).findFirst();
    }

    /** The span's parent, its parent's parent, ... up to the root: every one must have been exported. */
    private List<SpanData> ancestors(SpanData span) {
        List<SpanData> chain = new ArrayList<>();
        SpanData at = span;
        while (at.getParentSpanContext().isValid()) {
            String parent = at.getParentSpanId();
            Optional<SpanData> p = spans.getFinishedSpanItems().stream()
                    .filter(s -> s.getSpanId().equals(parent)).findFirst();
            if (p.isEmpty()) {
                return List.of(); // not ended (yet): the chain is not whole
            }
            at = p.get();
            chain.add(at);
        }
        return chain;
    }
}
