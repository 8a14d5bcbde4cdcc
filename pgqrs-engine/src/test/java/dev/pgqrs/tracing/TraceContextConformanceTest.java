package dev.pgqrs.tracing;

import dev.pgqrs.Consumer;
import dev.pgqrs.Message;
import dev.pgqrs.Store;
import dev.pgqrs.testing.ConformanceTest;
import dev.pgqrs.testing.TestBackend;
import dev.pgqrs.workflow.RunHandle;
import dev.pgqrs.workflow.Workflow;
import dev.pgqrs.workflow.WorkflowWorkerOptions;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The trace context of the enqueuing span travels with the message: a consumer reads it from the message's
 * headers, and a workflow run continues the trigger's trace in a span of its own, with a child span per step.
 */
class TraceContextConformanceTest {

    private final InMemorySpanExporter spans = InMemorySpanExporter.create();
    private OpenTelemetrySdk sdk;

    @BeforeEach
    void installSdk() {
        GlobalOpenTelemetry.resetForTest();
        sdk = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
                .buildAndRegisterGlobal();
    }

    @AfterEach
    void removeSdk() {
        sdk.close();
        GlobalOpenTelemetry.resetForTest();
    }

    @ConformanceTest
    void aMessageCarriesTheTraceContextOfTheSpanThatEnqueuedIt(TestBackend backend) {
        Store store = backend.open();
        store.queues().create("orders");
        Span producer = sdk.getTracer("test").spanBuilder("POST /orders").startSpan();
        try (Scope ignored = producer.makeCurrent()) {
            store.enqueue("orders", Map.of("order", 1));
            store.enqueueBatch("orders", List.of(Map.of("order", 2)));
        } finally {
            producer.end();
        }
        store.enqueue("orders", Map.of("order", 3)); // no span current: nothing stored

        try (Consumer consumer = store.consumer("orders")) {
            List<Message> leased = consumer.dequeue(3, Duration.ofMinutes(1));
            assertThat(leased).hasSize(3);
            // W3C traceparent: version, trace id, parent span id, flags (sampled)
            String expected = "00-" + producer.getSpanContext().getTraceId() + "-" + producer.getSpanContext().getSpanId() + "-";
            assertThat(leased.get(0).headers().get("traceparent")).startsWith(expected);
            assertThat(leased.get(1).headers().get("traceparent")).startsWith(expected);
            assertThat(leased.get(2).headers()).isEmpty();
            assertThat(leased.get(2).headersJson()).isNull();
            consumer.archive(leased);
        }
    }

    @ConformanceTest
    void aRunContinuesTheTriggersTraceWithASpanPerStep(TestBackend backend) {
        Store store = backend.open();
        store.queues().create("events");
        Workflow<String, String> wf = Workflow.define("checkout", String.class, String.class, (ctx, in) -> {
            String paid = ctx.step("charge", String.class, () -> "paid " + in);
            ctx.step("publish", Long.class, () -> store.enqueue("events", Map.of("paid", in)));
            return paid;
        });
        store.workflows().startWorker(wf, WorkflowWorkerOptions.defaults().pollInterval(Duration.ofMillis(20)));

        Span trigger = sdk.getTracer("test").spanBuilder("POST /orders").startSpan();
        RunHandle<String> run;
        try (Scope ignored = trigger.makeCurrent()) {
            run = store.workflows().trigger(wf, "A-1");
        } finally {
            trigger.end();
        }
        assertThat(run.await(Duration.ofSeconds(20))).isEqualTo("paid A-1");
        await().atMost(Duration.ofSeconds(20)).until(() -> named("run checkout") != null);

        String traceId = trigger.getSpanContext().getTraceId();
        SpanData runSpan = named("run checkout");
        SpanData charge = named("step charge");
        SpanData publish = named("step publish");
        assertThat(List.of(runSpan, charge, publish)).allMatch(s -> s.getTraceId().equals(traceId));
        assertThat(runSpan.getParentSpanId()).isEqualTo(trigger.getSpanContext().getSpanId());
        assertThat(charge.getParentSpanId()).isEqualTo(runSpan.getSpanId());
        assertThat(publish.getParentSpanId()).isEqualTo(runSpan.getSpanId());
        assertThat(runSpan.getAttributes().asMap().toString()).contains("SUCCESS");

        // The step's enqueue carries the step's span: the next hop continues the same trace.
        try (Consumer consumer = store.consumer("events")) {
            Message event = consumer.dequeueOne().orElseThrow();
            assertThat(event.headers().get("traceparent")).startsWith("00-" + traceId + "-" + publish.getSpanId() + "-");
            consumer.archive(event);
        }
    }

    @ConformanceTest
    void aFailedStepAttemptIsAnErrorSpanAndTheRetryAnotherSpan(TestBackend backend) {
        Store store = backend.open();
        int[] calls = {0};
        Workflow<String, String> wf = Workflow.define("flaky", String.class, String.class, (ctx, in) ->
                ctx.step("call", String.class, () -> {
                    if (calls[0]++ == 0) {
                        throw new IllegalStateException("unavailable");
                    }
                    return "ok";
                })).withRetryPolicy(dev.pgqrs.RetryPolicy.fixed(3, Duration.ofMillis(10)));
        store.workflows().startWorker(wf, WorkflowWorkerOptions.defaults().pollInterval(Duration.ofMillis(20)));
        RunHandle<String> run = store.workflows().trigger(wf, "x");
        assertThat(run.await(Duration.ofSeconds(20))).isEqualTo("ok");
        await().atMost(Duration.ofSeconds(20)).until(() -> all("step call").size() == 2 && all("run flaky").size() == 2);

        List<SpanData> attempts = all("step call");
        assertThat(attempts).extracting(s -> s.getStatus().getStatusCode().name()).containsExactlyInAnyOrder("ERROR", "UNSET");
        // Without a span at the trigger, the first execution starts the trace and the retry starts another.
        assertThat(all("run flaky")).extracting(s -> s.getAttributes().asMap().toString())
                .anyMatch(a -> a.contains("WAITING")).anyMatch(a -> a.contains("SUCCESS"));
    }

    private SpanData named(String name) {
        return spans.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name)).findFirst().orElse(null);
    }

    private List<SpanData> all(String name) {
        return spans.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name)).toList();
    }
}
