package dev.pgqrs;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pgqrs.payload.Json;
import dev.pgqrs.payload.PayloadValidator;

import java.io.IOException;
import java.lang.reflect.Type;
import java.util.Objects;

/**
 * How a store maps your objects to JSON and back: payloads you enqueue, {@link Message#payloadAs},
 * workflow inputs, step results and run outputs. The default is Jackson with Java time support, ISO dates
 * and unknown properties ignored; give your own {@link ObjectMapper} (your modules, naming strategy, mix-ins)
 * with {@code PgqrsConfig.builder().objectMapper(mapper)}. Thread-safe.
 *
 * <p>The rules of what a payload may be (depth, sizes, no NaN, no NUL, valid UTF-8) are the store's, whatever
 * the mapper: a value the mapper writes is validated as any payload is. Documents the engine writes for
 * itself (run errors, dead-letter context) do not go through your mapper, so they keep the layout pgqrs for
 * Rust reads.
 */
public final class PayloadCodec {

    private static final PayloadCodec DEFAULT = new PayloadCodec(Json.MAPPER);

    private final ObjectMapper mapper;

    private PayloadCodec(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** Jackson as pgqrs configures it by default. */
    public static PayloadCodec defaults() {
        return DEFAULT;
    }

    /**
     * A codec on a copy of {@code mapper} (changes made to it later do not reach the store), strict about
     * text: one JSON value per document, nothing after it.
     */
    public static PayloadCodec of(ObjectMapper mapper) {
        Objects.requireNonNull(mapper, "mapper");
        return new PayloadCodec(mapper.copy().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS));
    }

    /** {@code value} as a JSON tree. */
    public JsonNode toTree(Object value) {
        try {
            return mapper.valueToTree(value);
        } catch (IllegalArgumentException e) {
            throw new InvalidPayloadException("cannot convert " + typeName(value) + " to JSON: " + firstLine(e), e);
        }
    }

    /** {@code value} as JSON text. */
    public String write(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (IOException e) {
            throw new InvalidPayloadException("cannot convert " + typeName(value) + " to JSON: " + firstLine(e), e);
        }
    }

    /** Parses one JSON document; anything after it is an error. */
    public JsonNode parse(String json) {
        try {
            return mapper.readTree(json);
        } catch (IOException e) {
            throw new InvalidPayloadException("not valid JSON: " + firstLine(e), e);
        }
    }

    /** Parses JSON given as UTF-8 bytes; bytes that are not UTF-8 are refused, not decoded into U+FFFD. */
    public JsonNode parse(byte[] utf8) {
        return parse(PayloadValidator.decodeUtf8(utf8));
    }

    /** A JSON tree mapped to {@code type}. */
    public <T> T convert(JsonNode node, Class<T> type) {
        try {
            return mapper.treeToValue(node, type);
        } catch (IOException | IllegalArgumentException e) {
            throw new InvalidPayloadException("cannot read JSON as " + type.getName() + ": " + firstLine(e), e);
        }
    }

    /** JSON text mapped to {@code type}. */
    public <T> T read(String json, Class<T> type) {
        return read(json, mapper.constructType(type));
    }

    /** JSON text mapped to a generic type (e.g. from {@code new TypeReference<List<Item>>() {}.getType()}). */
    public <T> T read(String json, Type type) {
        return read(json, mapper.constructType(type));
    }

    private <T> T read(String json, JavaType type) {
        try {
            return mapper.readValue(json, type);
        } catch (IOException e) {
            throw new InvalidPayloadException("cannot read JSON as " + type.toCanonical() + ": " + firstLine(e), e);
        }
    }

    private static String typeName(Object value) {
        return value == null ? "null" : value.getClass().getName();
    }

    private static String firstLine(Exception e) {
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    @Override
    public String toString() {
        return this == DEFAULT ? "PayloadCodec{default}" : "PayloadCodec{" + mapper.getClass().getName() + "}";
    }
}
