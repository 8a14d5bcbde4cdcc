package dev.pgqrs.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgqrs.payload.Json;

/**
 * The JSON documents the workflow runtime stores besides user values:
 * <ul>
 *   <li>{@code error} of runs and steps: an object with {@code type} and {@code message} (what other
 *       pgqrs editions read), plus what explains the failure ({@code step}, {@code attempts},
 *       {@code kind}, {@code attempt}, {@code retrying});</li>
 *   <li>{@code input} of a waiting step: {@code {"wait": "sleep" | "pause" | "event", "topic": …}};</li>
 *   <li>{@code output} of a {@code recv} step: {@code {"value": …}} or {@code {"timedOut": true}}.</li>
 * </ul>
 */
final class WorkflowDocuments {

    static final String SLEEP_WAIT = "{\"wait\":\"sleep\"}";
    static final String PAUSE_WAIT = "{\"wait\":\"pause\"}";
    private static final int MAX_MESSAGE = 4000;

    private WorkflowDocuments() {
    }

    static String eventWait(String topic) {
        ObjectNode doc = Json.MAPPER.createObjectNode();
        doc.put("wait", "event");
        doc.put("topic", topic);
        return doc.toString();
    }

    /** The value a recv step received, or null when it timed out (or received JSON null). */
    static JsonNode receivedValue(String recvOutputJson) {
        JsonNode value = Json.parse(recvOutputJson).get("value");
        return value == null || value.isNull() ? null : value;
    }

    /** One failed attempt of a step. */
    static String stepFailure(Throwable error, int attempt, boolean willRetry) {
        ObjectNode doc = base(error.getClass().getName(), describe(error));
        doc.put("attempt", attempt);
        doc.put("retrying", willRetry);
        return doc.toString();
    }

    /** A pause requested by a step. */
    static String pause(String reason) {
        return base(PauseRunException.class.getName(), reason).toString();
    }

    /** A run's final error. */
    static String runFailure(String kind, String message, Throwable cause, String step, Integer attempts) {
        ObjectNode doc = base(cause == null ? kind : cause.getClass().getName(), message);
        doc.put("kind", kind);
        if (step != null) {
            doc.put("step", step);
        }
        if (attempts != null) {
            doc.put("attempts", attempts);
        }
        return doc.toString();
    }

    /** "SimpleName: message" of an exception, bounded in length. */
    static String describe(Throwable error) {
        String message = error.getMessage();
        String text = error.getClass().getSimpleName() + (message == null ? "" : ": " + message);
        return text.length() > MAX_MESSAGE ? text.substring(0, MAX_MESSAGE) + "…" : text;
    }

    static String message(String json) {
        if (json == null) {
            return null;
        }
        JsonNode doc = Json.parse(json);
        JsonNode message = doc.get("message");
        return message != null ? message.asText() : doc.toString();
    }

    private static ObjectNode base(String type, String message) {
        ObjectNode doc = Json.MAPPER.createObjectNode();
        doc.put("type", type);
        doc.put("message", message);
        return doc;
    }
}
