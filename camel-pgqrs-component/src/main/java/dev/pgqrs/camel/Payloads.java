package dev.pgqrs.camel;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgqrs.InvalidPayloadException;
import dev.pgqrs.Message;
import dev.pgqrs.PayloadCodec;
import org.apache.camel.Exchange;
import org.apache.camel.StreamCache;
import org.apache.camel.WrappedFile;

import java.io.InputStream;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;

/** Converts between Camel bodies and pgqrs payloads (JSON values). */
final class Payloads {

    private Payloads() {
    }

    /**
     * What the engine should enqueue for the exchange's body: text, bytes, Jackson trees, maps,
     * lists and POJOs go as they are (the engine maps them with the store's codec); streams and files are read
     * as text first.
     */
    static Object toPayload(Exchange exchange) {
        Object body = exchange.getIn().getBody();
        if (body == null) {
            throw new InvalidPayloadException("the exchange has no body; pgqrs enqueues JSON values (a JSON null is the text \"null\")");
        }
        if (body instanceof InputStream || body instanceof Reader || body instanceof StreamCache
                || body instanceof WrappedFile<?>) {
            return exchange.getIn().getBody(String.class);
        }
        return body;
    }

    /** A workflow run's input from a payload: text and bytes are parsed as JSON, anything else mapped by Jackson. */
    static JsonNode workflowInput(Object input, PayloadCodec codec) {
        if (input instanceof byte[] bytes) {
            return codec.parse(bytes); // UTF-8 only: anything else is refused, not turned into U+FFFD
        }
        return input instanceof CharSequence ? codec.parse(input.toString()) : codec.toTree(input);
    }

    /** The payloads of a batch when the body is one: a {@link List} or a JSON array; else null. */
    static List<?> asBatch(Object payload, PayloadCodec codec) {
        if (payload instanceof List<?> list) {
            return list;
        }
        if (payload instanceof JsonNode node && node.isArray()) {
            return elements(node);
        }
        if (payload instanceof byte[] bytes) {
            int first = 0;
            while (first < bytes.length && Character.isWhitespace(bytes[first])) {
                first++;
            }
            return first < bytes.length && bytes[first] == '[' ? elements(codec.parse(bytes)) : null;
        }
        if (payload instanceof CharSequence cs && cs.toString().stripLeading().startsWith("[")) {
            return elements(codec.parse(cs.toString()));
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
