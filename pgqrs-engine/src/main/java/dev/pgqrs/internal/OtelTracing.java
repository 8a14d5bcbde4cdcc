package dev.pgqrs.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@link MessageTracing} on OpenTelemetry's API, through {@link GlobalOpenTelemetry} (read at each use, so an
 * SDK installed after the store opened is used): its propagators write and read the headers, its tracer
 * makes the spans. The only class of the engine that names an OpenTelemetry type.
 */
final class OtelTracing implements MessageTracing {

    private static final String SCOPE = "dev.pgqrs.engine";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("messaging.system");
    private static final AttributeKey<String> DESTINATION = AttributeKey.stringKey("messaging.destination.name");
    private static final AttributeKey<String> WORKFLOW = AttributeKey.stringKey("pgqrs.workflow");
    private static final AttributeKey<Long> RUN_ID = AttributeKey.longKey("pgqrs.run.id");
    private static final AttributeKey<String> STEP = AttributeKey.stringKey("pgqrs.step");
    private static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("pgqrs.step.attempt");
    private static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("pgqrs.run.outcome");

    private static final TextMapGetter<Map<String, String>> FROM_MAP = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
            return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
            return carrier == null ? null : carrier.get(key);
        }
    };

    private static OpenTelemetry otel() {
        return GlobalOpenTelemetry.get();
    }

    @Override
    public String currentHeaders() {
        Context context = Context.current();
        if (!Span.fromContext(context).getSpanContext().isValid()) {
            return null; // nothing to continue: the common case costs one thread-local read
        }
        Map<String, String> headers = new LinkedHashMap<>();
        otel().getPropagators().getTextMapPropagator().inject(context, headers, (carrier, k, v) -> carrier.put(k, v));
        if (headers.isEmpty()) {
            return null;
        }
        ObjectNode doc = JSON.createObjectNode();
        headers.forEach(doc::put);
        return doc.toString();
    }

    /** The trace context stored with a message, as a context to continue (root when there is none). */
    static Context extract(String headersJson) {
        Map<String, String> headers = parse(headersJson);
        if (headers.isEmpty()) {
            return Context.root();
        }
        return otel().getPropagators().getTextMapPropagator().extract(Context.root(), headers, FROM_MAP);
    }

    static Map<String, String> parse(String headersJson) {
        Map<String, String> headers = new LinkedHashMap<>();
        if (headersJson == null || headersJson.isBlank()) {
            return headers;
        }
        try {
            JsonNode doc = JSON.readTree(headersJson);
            for (Iterator<Map.Entry<String, JsonNode>> it = doc.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getValue().isTextual()) {
                    headers.put(e.getKey(), e.getValue().asText());
                }
            }
        } catch (Exception unreadable) {
            // headers another writer left in another shape: the run starts a trace of its own
        }
        return headers;
    }

    @Override
    public RunTrace startRun(String workflow, long runId, String headersJson) {
        Tracer tracer = otel().getTracer(SCOPE);
        Span span = tracer.spanBuilder("run " + workflow)
                .setSpanKind(SpanKind.CONSUMER)
                .setParent(extract(headersJson))
                .setAttribute(SYSTEM, "pgqrs")
                .setAttribute(DESTINATION, workflow)
                .setAttribute(WORKFLOW, workflow)
                .setAttribute(RUN_ID, runId)
                .startSpan();
        return new OtelRun(tracer, span, span.makeCurrent(), workflow, runId);
    }

    private static final class OtelRun implements RunTrace {
        private final Tracer tracer;
        private final Span span;
        private final Scope scope;
        private final String workflow;
        private final long runId;

        OtelRun(Tracer tracer, Span span, Scope scope, String workflow, long runId) {
            this.tracer = tracer;
            this.span = span;
            this.scope = scope;
            this.workflow = workflow;
            this.runId = runId;
        }

        @Override
        public StepTrace startStep(String step, int attempt) {
            // The run's span is the parent whatever thread the step runs on (a RunContext may change threads).
            Span stepSpan = tracer.spanBuilder("step " + step)
                    .setParent(Context.root().with(span))
                    .setAttribute(WORKFLOW, workflow)
                    .setAttribute(RUN_ID, runId)
                    .setAttribute(STEP, step)
                    .setAttribute(ATTEMPT, (long) attempt)
                    .startSpan();
            Scope stepScope = stepSpan.makeCurrent();
            return new StepTrace() {
                @Override
                public void failed(Throwable error) {
                    stepSpan.recordException(error);
                    stepSpan.setStatus(StatusCode.ERROR, String.valueOf(error.getMessage()));
                }

                @Override
                public void close() {
                    stepScope.close();
                    stepSpan.end();
                }
            };
        }

        @Override
        public void outcome(String outcome) {
            span.setAttribute(OUTCOME, outcome);
            if ("ERROR".equals(outcome)) {
                span.setStatus(StatusCode.ERROR);
            }
        }

        @Override
        public void close() {
            scope.close();
            span.end();
        }
    }
}
