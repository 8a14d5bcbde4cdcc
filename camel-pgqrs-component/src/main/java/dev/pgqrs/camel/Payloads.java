package dev.pgqrs.camel;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgqrs.InvalidPayloadException;
import dev.pgqrs.Message;
import dev.pgqrs.payload.Json;
import org.apache.camel.Exchange;
import org.apache.camel.StreamCache;
import org.apache.camel.WrappedFile;

import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Converts between Camel bodies and pgqrs payloads (JSON objects). */
final class Payloads {

    private Payloads() {
    }

    /**
     * What the engine should enqueue for the exchange's body: text, bytes, Jackson trees, maps,
     * lists and POJOs go as they are (the engine maps them with Jackson); streams and files are read
     * as text first.
     */
    static Object toPayload(Exchange exchange) {
        Object body = exchange.getIn().getBody();
        if (body == null) {
            throw new InvalidPayloadException("the exchange has no body; pgqrs enqueues JSON objects");
        }
        if (body instanceof InputStream || body instanceof Reader || body instanceof StreamCache
                || body instanceof WrappedFile<?>) {
            return exchange.getIn().getBody(String.class);
        }
        return body;
    }

    /** A workflow run's input from a payload: text and bytes are parsed as JSON, anything else mapped by Jackson. */
    static JsonNode workflowInput(Object input) {
        return input instanceof CharSequence || input instanceof byte[]
                ? Json.parse(input instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : input.toString())
                : Json.MAPPER.valueToTree(input);
    }

    /** The payloads of a batch when the body is one: a {@link List} or a JSON array; else null. */
    static List<?> asBatch(Object payload) {
        if (payload instanceof List<?> list) {
            return list;
        }
        if (payload instanceof JsonNode node && node.isArray()) {
            return elements(node);
        }
        String text = payload instanceof CharSequence cs ? cs.toString()
                : payload instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : null;
        if (text != null && text.stripLeading().startsWith("[")) {
            return elements(Json.parse(text));
        }
        return null;
    }

    private static List<JsonNode> elements(JsonNode array) {
        List<JsonNode> out = new ArrayList<>(array.size());
        array.forEach(out::add);
        return out;
    }

    /** The consumed body: the payload JSON text by default, else the payload mapped to {@code type}. */
    static Object toBody(Message message, Class<?> type) {
        if (type == null || type == String.class) {
            return message.payloadJson();
        }
        if (type == JsonNode.class) {
            return message.payload();
        }
        return message.payloadAs(type);
    }
}
