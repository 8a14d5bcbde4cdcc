package dev.pgqrs.bridge.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Map;

/** A REST answer: status, JSON body (null for none, as 204) and extra headers. */
public record HttpAnswer(int status, JsonNode body, Map<String, String> headers) {

    static HttpAnswer of(int status, JsonNode body) {
        return new HttpAnswer(status, body, Map.of());
    }

    static HttpAnswer noContent() {
        return new HttpAnswer(204, null, Map.of());
    }

    /** Kafka Connect's error body: {@code {"error_code": N, "message": "..."}}. */
    static HttpAnswer error(int status, String message) {
        return of(status, errorBody(status, message));
    }

    static ObjectNode errorBody(int status, String message) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("error_code", status);
        body.put("message", message);
        return body;
    }
}
