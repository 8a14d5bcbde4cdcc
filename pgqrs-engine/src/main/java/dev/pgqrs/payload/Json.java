package dev.pgqrs.payload;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.pgqrs.InvalidPayloadException;

import java.io.IOException;

/** The one Jackson mapper pgqrs uses for payloads and stored results. Thread-safe. */
public final class Json {

    // Strict about the text: one JSON value per document, nothing after it ("{...} garbage" and
    // "{...}{...}" are errors, not the first value with the rest ignored).
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private Json() {
    }

    public static JsonNode parse(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (IOException e) {
            throw new InvalidPayloadException("not valid JSON: " + e.getMessage().split("\n")[0], e);
        }
    }

    /** Parses JSON text given as UTF-8 bytes; bytes that are not UTF-8 are refused, not decoded into U+FFFD. */
    public static JsonNode parse(byte[] utf8) {
        return parse(PayloadValidator.decodeUtf8(utf8));
    }

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (IOException e) {
            throw new InvalidPayloadException("cannot convert " + value.getClass().getName() + " to JSON: " + e.getMessage(), e);
        }
    }

    public static <T> T convert(JsonNode node, Class<T> type) {
        try {
            return MAPPER.treeToValue(node, type);
        } catch (IOException | IllegalArgumentException e) {
            throw new InvalidPayloadException("cannot read JSON as " + type.getName() + ": " + e.getMessage(), e);
        }
    }

    public static <T> T read(String json, Class<T> type) {
        try {
            return MAPPER.readValue(json, type);
        } catch (IOException e) {
            throw new InvalidPayloadException("cannot read JSON as " + type.getName() + ": " + e.getMessage(), e);
        }
    }
}
