package dev.pgqrs.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgqrs.payload.Json;

import java.time.Duration;
import java.time.Instant;

/**
 * A step of a run as stored ({@code pgqrs_workflow_steps}).
 *
 * @param retryCount  failed attempts so far
 * @param retryAt     when the step is due again: the next attempt after a failure, or the end of a
 *                    pause, sleep or event wait; null when no retry or wake-up is scheduled
 * @param startedAt   when the first attempt started
 * @param lastRetryAt when the latest retry attempt started (null before any retry)
 */
public record StepInfo(long id, String name, RunStatus status, String inputJson, String outputJson, String errorJson,
                       int retryCount, Instant retryAt, Instant lastRetryAt, Instant createdAt, Instant updatedAt,
                       Instant startedAt, Instant completedAt) {

    /** Attempts made: the failed ones, plus the one that succeeded. */
    public int attempts() {
        return retryCount + (status == RunStatus.SUCCESS ? 1 : 0);
    }

    public JsonNode output() {
        return outputJson == null ? null : Json.parse(outputJson);
    }

    /** The last failed attempt's error document, kept after a later attempt succeeds. */
    public JsonNode error() {
        return errorJson == null ? null : Json.parse(errorJson);
    }

    public String errorMessage() {
        return WorkflowDocuments.message(errorJson);
    }

    /** From the first attempt's start to completion; null until completed. */
    public Duration duration() {
        return startedAt == null || completedAt == null ? null : Duration.between(startedAt, completedAt);
    }

    /** What kind of wait a PAUSED step is ({@code pause}, {@code sleep}, {@code event}), or null. */
    public String waitKind() {
        if (inputJson == null) {
            return null;
        }
        JsonNode wait = Json.parse(inputJson).get("wait");
        return wait == null ? null : wait.asText();
    }
}
