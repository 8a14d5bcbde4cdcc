package dev.pgqrs.examples.orders;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.pgqrs.PayloadCodec;

/**
 * The app's JSON: its own mapper for the documents it builds (replies, events), and the store's default
 * codec to read and write payloads, so that text which is not JSON fails as the store would refuse it (an
 * {@code InvalidPayloadException}, answered 400).
 */
final class OrdersJson {

    static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private static final PayloadCodec CODEC = PayloadCodec.of(MAPPER);

    private OrdersJson() {
    }

    static JsonNode parse(String json) {
        return CODEC.parse(json);
    }

    static String write(Object value) {
        return CODEC.write(value);
    }
}
