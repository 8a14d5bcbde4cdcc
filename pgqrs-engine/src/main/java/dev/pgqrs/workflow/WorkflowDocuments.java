package dev.pgqrs.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgqrs.payload.Json;

/**
 * The JSON documents the workflow runtime stores besides user values, in the shapes pgqrs for Rust writes
 * and reads, so each edition understands the other's runs:
 * <ul>
 *   <li>{@code error} of a failed run: a JSON string, the error's text;</li>
 *   <li>{@code error} of a paused run: {@code {"message": …, "resume_after": seconds | null}};</li>
 *   <li>{@code error} of a step: {@code {"is_transient", "code", "message", "retry_after"}} (a pause adds
 *       {@code "resume_after"}), plus what this edition adds to explain it ({@code type}, {@code attempt});</li>
 *   <li>{@code input} of a waiting step: {@code {"wait": "sleep" | "pause" | "event", "topic": …}}, and of a
 *       step waiting for a child run {@code {"wait": "child", "child_run_id": …, "workflow": …}};</li>
 *   <li>{@code error} of a cancelled run: null, or a JSON string, the reason (a deadline, a cancelled parent);</li>
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

    /**
     * A run's input from its stored {@code input}: pgqrs keeps the whole trigger payload {@code {"input": X}}
     * there, and so does this edition; X is the input. (A run stored as X alone, by an older release of
     * this edition, reads as X.)
     */
    static JsonNode runInput(String storedJson) {
        if (storedJson == null) {
            return null;
        }
        JsonNode stored = Json.parse(storedJson);
        if (stored.isObject() && stored.size() == 1 && stored.has("input")) {
            JsonNode input = stored.get("input");
            return input.isNull() ? null : input;
        }
        return stored;
    }

    static String childWait(long childRunId, String workflow) {
        ObjectNode doc = Json.MAPPER.createObjectNode();
        doc.put("wait", "child");
        doc.put("child_run_id", childRunId);
        doc.put("workflow", workflow);
        return doc.toString();
    }

    /** The child run a step waits for, or null when the step's input is not a child wait. */
    static Long childRunId(String stepInputJson) {
        if (stepInputJson == null) {
            return null;
        }
        JsonNode doc = Json.parse(stepInputJson);
        JsonNode id = doc.get("child_run_id");
        return "child".equals(doc.path("wait").asText()) && id != null && id.canConvertToLong() ? id.asLong() : null;
    }

    /** The reason a run is cancelled with, as stored in its error: a JSON string. */
    static String cancelReason(String reason) {
        return Json.MAPPER.getNodeFactory().textNode(reason).toString();
    }

    /** The value a recv step received, or null when it timed out (or received JSON null). */
    static JsonNode receivedValue(String recvOutputJson) {
        JsonNode value = Json.parse(recvOutputJson).get("value");
        return value == null || value.isNull() ? null : value;
    }

    /**
     * A failed attempt of a step: {@code transient} when it may be tried again (a retry is scheduled, or the
     * attempts ran out), {@code retryAfterMillis} the wait before the next attempt when one is scheduled.
     */
    static String stepFailure(Throwable error, int attempt, boolean transientFailure, Long retryAfterMillis) {
        ObjectNode doc = Json.MAPPER.createObjectNode();
        doc.put("is_transient", transientFailure);
        doc.put("code", transientFailure ? "TRANSIENT" : "NON_RETRYABLE");
        doc.put("message", describe(error));
        putSeconds(doc, "retry_after", retryAfterMillis);
        doc.put("type", error.getClass().getName());
        doc.put("attempt", attempt);
        if (error instanceof StepTimeoutException) {
            doc.put("timed_out", true);
        }
        return doc.toString();
    }

    /** The error of a step that paused its run (for {@code resumeAfterMillis}, or until resumed when null). */
    static String stepPause(String reason, Long resumeAfterMillis) {
        ObjectNode doc = Json.MAPPER.createObjectNode();
        doc.put("is_transient", true);
        doc.put("code", "PAUSED");
        doc.put("message", reason);
        putSeconds(doc, "resume_after", resumeAfterMillis);
        putSeconds(doc, "retry_after", resumeAfterMillis);
        return doc.toString();
    }

    /** The error of a paused run. */
    static String runPause(String reason, Long resumeAfterMillis) {
        ObjectNode doc = Json.MAPPER.createObjectNode();
        doc.put("message", reason);
        putSeconds(doc, "resume_after", resumeAfterMillis);
        return doc.toString();
    }

    /** A run's final error: its text, as a JSON string. {@code kind} and the rest are in the text already. */
    static String runFailure(String kind, String message, Throwable cause, String step, Integer attempts) {
        return Json.MAPPER.getNodeFactory().textNode(message).toString();
    }

    private static void putSeconds(ObjectNode doc, String field, Long millis) {
        if (millis == null) {
            doc.putNull(field);
        } else {
            doc.put(field, (millis + 999) / 1000);
        }
    }

    /** "SimpleName: message" of an exception, bounded in length. */
    static String describe(Throwable error) {
        String message = error.getMessage();
        String text = error.getClass().getSimpleName() + (message == null ? "" : ": " + message);
        return text.length() > MAX_MESSAGE ? text.substring(0, MAX_MESSAGE) + "…" : text;
    }

    /** The text of a stored error document: a JSON string as it is, an object's {@code message}. */
    static String message(String json) {
        if (json == null) {
            return null;
        }
        JsonNode doc = Json.parse(json);
        if (doc.isTextual()) {
            return doc.textValue();
        }
        JsonNode message = doc.get("message");
        return message != null ? message.asText() : doc.toString();
    }
}
