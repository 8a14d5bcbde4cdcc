package dev.pgqrs.camel;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.pgqrs.PayloadCodec;
import dev.pgqrs.checkpoint.Checkpoint;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.StreamCache;

import java.io.InputStream;
import java.io.Reader;
import java.util.Base64;
import java.util.Map;

/**
 * What a durable step records of its exchange when its segment completes — the body and the chosen
 * headers — and how a replay puts them back. Stored as the output of a workflow run's step, or as a
 * checkpoint of a queue message's run; the JSON it makes reads well in {@code details(runId)}:
 * {@code {"bodyType": "string", "body": "reserved-1", "headers": {"reservationId": "R-1"}}}.
 *
 * @param bodyType {@code null}, {@code string}, {@code bytes} (body is base64 text), {@code json} (a
 *                 Jackson tree), or {@code json:<class>} (a value Jackson maps back to that class)
 * @param body     the body as JSON (null for a null body)
 * @param headers  the recorded headers, or null when none were
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record StepResult(String bodyType, JsonNode body, ObjectNode headers) {

    /** The consumer's own headers ({@code CamelPgqrs…}) are never recorded: they describe the delivery, not the step. */
    private static final String OWN_HEADERS = "CamelPgqrs";

    /** Captures the exchange's body and the headers {@code recorded} selects; a stream body is read (and replaced) as text. */
    static StepResult capture(Exchange exchange, HeaderSelection recorded, PayloadCodec codec) {
        Message message = exchange.getMessage();
        Object body = message.getBody();
        String type;
        JsonNode value;
        if (body == null) {
            type = "null";
            value = null;
        } else if (body instanceof String s) {
            type = "string";
            value = TextNode.valueOf(s);
        } else if (body instanceof byte[] bytes) {
            type = "bytes";
            value = TextNode.valueOf(Base64.getEncoder().encodeToString(bytes));
        } else if (body instanceof InputStream || body instanceof Reader || body instanceof StreamCache) {
            String text = message.getBody(String.class);
            message.setBody(text); // the stream was consumed by reading it
            type = "string";
            value = TextNode.valueOf(text);
        } else if (body instanceof JsonNode node) {
            type = "json";
            value = node.deepCopy();
        } else {
            type = "json:" + body.getClass().getName();
            value = codec.toTree(body);
        }
        ObjectNode headers = null;
        if (!recorded.isEmpty()) {
            for (Map.Entry<String, Object> h : message.getHeaders().entrySet()) {
                if (!h.getKey().startsWith(OWN_HEADERS) && recorded.matches(h.getKey())) {
                    if (headers == null) {
                        headers = JsonNodeFactory.instance.objectNode();
                    }
                    headers.set(h.getKey(), codec.toTree(h.getValue()));
                }
            }
        }
        return new StepResult(type, value, headers);
    }

    /** Puts the recorded body and headers back on the exchange and marks it {@link PgqrsConstants#STEP_REPLAYED}. */
    void restore(Exchange exchange, String stepName, PayloadCodec codec) throws Exception {
        Message message = exchange.getMessage();
        message.setBody(decodeBody(exchange, stepName, codec));
        if (headers != null) {
            for (Map.Entry<String, JsonNode> h : headers.properties()) {
                message.setHeader(h.getKey(), codec.convert(h.getValue(), Object.class));
            }
        }
        message.setHeader(PgqrsConstants.STEP_REPLAYED, true);
    }

    private Object decodeBody(Exchange exchange, String stepName, PayloadCodec codec) throws Exception {
        switch (bodyType) {
            case "null":
                return null;
            case "string":
                return body.textValue();
            case "bytes":
                return Base64.getDecoder().decode(body.textValue());
            case "json":
                return body.deepCopy();
            default:
                if (bodyType.startsWith("json:")) {
                    Class<?> cls = exchange.getContext().getClassResolver().resolveMandatoryClass(bodyType.substring(5));
                    return codec.convert(body, cls);
                }
                throw new IllegalStateException("durable step '" + stepName + "' has a recorded body of unknown type '"
                        + bodyType + "'");
        }
    }

    /** As a checkpoint of a queue message's run (text columns: strings and base64 as they are, JSON as JSON text). */
    Checkpoint toCheckpoint(String runKey, Long messageId, String stepName, PayloadCodec codec) {
        String text = body == null ? null : isText(bodyType) ? body.textValue() : codec.write(body);
        return new Checkpoint(runKey, messageId, stepName, bodyType, text, headers == null ? null : codec.write(headers));
    }

    static StepResult of(Checkpoint checkpoint, PayloadCodec codec) {
        String type = checkpoint.bodyType();
        String text = checkpoint.body();
        JsonNode body = text == null ? null : isText(type) ? TextNode.valueOf(text) : codec.parse(text);
        ObjectNode headers = checkpoint.headers() == null ? null : (ObjectNode) codec.parse(checkpoint.headers());
        return new StepResult(type, body, headers);
    }

    private static boolean isText(String bodyType) {
        return bodyType.equals("string") || bodyType.equals("bytes");
    }
}
