package dev.pgqrs.bridge.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.LinkedHashMap;
import java.util.Map;

/** How a connector's configuration is kept in a TEXT column: a JSON object of strings, keys in order. */
final class Rows {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<LinkedHashMap<String, String>> STRING_MAP = new TypeReference<>() {
    };

    private Rows() {
    }

    static String configJson(Map<String, String> config) {
        try {
            return JSON.writeValueAsString(config);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write a connector configuration as JSON: " + e.getMessage(), e);
        }
    }

    static Map<String, String> config(String json) {
        try {
            return JSON.readValue(json, STRING_MAP);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored connector configuration is not a JSON object of strings: " + e.getOriginalMessage(), e);
        }
    }
}
