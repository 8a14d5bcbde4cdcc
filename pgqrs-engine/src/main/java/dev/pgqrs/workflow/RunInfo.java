package dev.pgqrs.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgqrs.payload.Json;

import java.time.Instant;

/**
 * A run as stored ({@code pgqrs_workflow_runs}). JSON columns are kept as text and parsed on request.
 *
 * @param wakeAt when a waiting run becomes due again (retry, sleep, timed pause, event timeout), taken
 *               from its message's visibility; null while a worker holds it, when it waits to be
 *               resumed indefinitely is far in the future, and null once finished
 * @param version the version of the definition that started the run; null when triggered by name without one,
 *                by another edition, or before versions were recorded (any worker of the workflow executes it)
 * @param deadlineAt when the run is cancelled if it has not finished (a trigger's deadline, or its timeout
 *                   counted from its first start); null for none
 * @param parentRunId the run whose step started this one as a child, or null
 * @param parentStep that step's name, or null
 * @param forkedFromRunId the run this one was forked from, or null
 * @param forkedFromStep the step of that run this one executes from, or null
 */
public record RunInfo(long id, String workflow, RunStatus status, String inputJson, String outputJson, String errorJson,
                      Instant createdAt, Instant updatedAt, Instant startedAt, Instant pausedAt, Instant completedAt,
                      Long workerId, long messageId, Instant wakeAt, String version, Instant deadlineAt,
                      Long parentRunId, String parentStep, Long forkedFromRunId, String forkedFromStep) {

    public boolean isFinished() {
        return status.isFinished();
    }

    /** The run's input (stored, as pgqrs stores it, as the trigger payload {@code {"input": …}}). */
    public JsonNode input() {
        return WorkflowDocuments.runInput(inputJson);
    }

    /** The output as JSON (typed: {@code workflows().handle(runId, Type.class).await(…)}, or {@code store.codec().convert}). */
    public JsonNode output() {
        return outputJson == null ? null : Json.parse(outputJson);
    }

    /**
     * The stored error document: a JSON string (the error's text) for a failed run, {@code {"message",
     * "resume_after"}} for a paused one, as pgqrs writes them.
     */
    public JsonNode error() {
        return errorJson == null ? null : Json.parse(errorJson);
    }

    /** The error's human-readable message, or null. */
    public String errorMessage() {
        return WorkflowDocuments.message(errorJson);
    }
}
