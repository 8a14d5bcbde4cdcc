package dev.pgqrs.examples.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;

/** The admin API's JSON: times as ISO-8601 text, absent values left out (never {@code null} fields). */
final class AdminJson {

    static final ObjectMapper MAPPER = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private AdminJson() {
    }

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    static void time(ObjectNode json, String field, Instant value) {
        if (value != null) {
            json.put(field, value.toString());
        }
    }

    static void text(ObjectNode json, String field, String value) {
        if (value != null) {
            json.put(field, value);
        }
    }

    static String write(JsonNode body) {
        try {
            return MAPPER.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The request body as an object; an empty body is an empty object. */
    static ObjectNode parseObject(String text) {
        if (text == null || text.isBlank()) {
            return object();
        }
        JsonNode node;
        try {
            node = MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw AdminProblem.badRequest("the body is not JSON: " + e.getOriginalMessage());
        }
        if (!(node instanceof ObjectNode object)) {
            throw AdminProblem.badRequest("the body must be a JSON object, got " + node.getNodeType().name().toLowerCase());
        }
        return object;
    }
}
