package dev.pgqrs.camel;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgqrs.Store;
import dev.pgqrs.checkpoint.Checkpoint;
import dev.pgqrs.payload.Json;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.StreamCache;

import java.io.InputStream;
import java.io.Reader;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/** The processor a {@link PgqrsStepPolicy} wraps around its segment: skip and restore, or run and record. */
final class DurableStepProcessor extends SegmentProcessor {

    private static final String OWN_HEADERS = "CamelPgqrs";

    private final String stepName;
    private final HeaderSelection recorded;
    private final Supplier<Store> store;

    DurableStepProcessor(Processor segment, String stepName, HeaderSelection recorded, Supplier<Store> store) {
        super(segment);
        this.stepName = stepName;
        this.recorded = recorded;
        this.store = store;
    }

    @Override
    protected void around(Exchange exchange) throws Exception {
        String runKey = exchange.getMessage().getHeader(PgqrsConstants.RUN_ID, String.class);
        if (runKey == null || runKey.isEmpty()) {
            throw new IllegalStateException("durable step '" + stepName + "' needs a run: the exchange has no "
                    + PgqrsConstants.RUN_ID + " header. Consume from a pgqrs endpoint, or set the header to a key "
                    + "that identifies the run (e.g. an idempotency key)");
        }
        Store s = store.get();
        Optional<Checkpoint> done = s.checkpoints().find(runKey, stepName);
        DurableSteps.markCheckpointed(exchange, runKey);
        if (done.isPresent()) {
            restore(exchange, done.get());
            return;
        }
        runSegment(exchange);
        if (exchange.getException() != null || exchange.isRollbackOnly()) {
            return; // a failed step records nothing: it runs again on the next delivery
        }
        Checkpoint mine = capture(exchange, runKey);
        Checkpoint kept = s.checkpoints().record(mine);
        if (kept != mine) {
            // A concurrent delivery of the same run completed the step first: continue with its result.
            restore(exchange, kept);
        }
    }

    @Override
    public String toString() {
        return "DurableStep[" + stepName + "]";
    }

    private Checkpoint capture(Exchange exchange, String runKey) throws JsonProcessingException {
        Message message = exchange.getMessage();
        Object body = message.getBody();
        String type;
        String text;
        if (body == null) {
            type = "null";
            text = null;
        } else if (body instanceof String s) {
            type = "string";
            text = s;
        } else if (body instanceof byte[] bytes) {
            type = "bytes";
            text = Base64.getEncoder().encodeToString(bytes);
        } else if (body instanceof InputStream || body instanceof Reader || body instanceof StreamCache) {
            type = "string";
            text = message.getBody(String.class);
            message.setBody(text); // the stream was consumed by reading it
        } else if (body instanceof JsonNode node) {
            type = "json";
            text = Json.write(node);
        } else {
            type = "json:" + body.getClass().getName();
            text = Json.write(body);
        }
        ObjectNode headers = Json.MAPPER.createObjectNode();
        if (!recorded.isEmpty()) {
            for (Map.Entry<String, Object> h : message.getHeaders().entrySet()) {
                if (!h.getKey().startsWith(OWN_HEADERS) && recorded.matches(h.getKey())) {
                    headers.set(h.getKey(), Json.MAPPER.valueToTree(h.getValue()));
                }
            }
        }
        return new Checkpoint(runKey, stepName, type, text, headers.isEmpty() ? null : Json.write(headers));
    }

    private void restore(Exchange exchange, Checkpoint checkpoint) throws Exception {
        Message message = exchange.getMessage();
        message.setBody(decodeBody(exchange, checkpoint));
        if (checkpoint.headers() != null) {
            JsonNode headers = Json.parse(checkpoint.headers());
            for (Iterator<Map.Entry<String, JsonNode>> it = headers.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> h = it.next();
                message.setHeader(h.getKey(), Json.MAPPER.convertValue(h.getValue(), Object.class));
            }
        }
        message.setHeader(PgqrsConstants.STEP_REPLAYED, true);
    }

    private static Object decodeBody(Exchange exchange, Checkpoint checkpoint) throws Exception {
        String type = checkpoint.bodyType();
        String text = checkpoint.body();
        switch (type) {
            case "null":
                return null;
            case "string":
                return text;
            case "bytes":
                return Base64.getDecoder().decode(text);
            case "json":
                return Json.parse(text);
            default:
                if (type.startsWith("json:")) {
                    Class<?> cls = exchange.getContext().getClassResolver().resolveMandatoryClass(type.substring(5));
                    return Json.MAPPER.readValue(text, cls);
                }
                throw new IllegalStateException("checkpoint of step '" + checkpoint.stepName() + "' has unknown body type '" + type + "'");
        }
    }
}
