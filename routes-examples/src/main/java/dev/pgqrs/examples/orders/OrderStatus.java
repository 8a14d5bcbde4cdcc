package dev.pgqrs.examples.orders;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgqrs.workflow.RunDetails;
import dev.pgqrs.workflow.RunInfo;
import dev.pgqrs.workflow.StepInfo;

import java.time.Instant;

/**
 * What {@code GET /orders/{id}} answers: the order's fulfilment run — its status (QUEUED, RUNNING,
 * PAUSED, SUCCESS, ERROR, CANCELLED…), the reason it failed, its output — and each step of the run
 * with its status, attempts and last error, in the order they ran.
 */
final class OrderStatus {

    private OrderStatus() {
    }

    static ObjectNode of(String orderId, RunDetails details) {
        RunInfo run = details.run();
        ObjectNode json = OrdersJson.MAPPER.createObjectNode();
        json.put("orderId", orderId);
        json.put("workflow", run.workflow());
        json.put("runId", run.id());
        json.put("status", run.status().name());
        if (run.errorMessage() != null) {
            json.put("error", run.errorMessage());
        }
        JsonNode output = run.output();
        if (output != null) {
            json.set("output", output);
        }
        time(json, "createdAt", run.createdAt());
        time(json, "completedAt", run.completedAt());
        ArrayNode steps = json.putArray("steps");
        for (StepInfo step : details.steps()) {
            ObjectNode s = steps.addObject();
            s.put("name", step.name());
            s.put("status", step.status().name());
            s.put("attempts", step.attempts());
            if (step.errorMessage() != null) {
                s.put("error", step.errorMessage());
            }
            time(s, "retryAt", step.retryAt());
            time(s, "completedAt", step.completedAt());
        }
        return json;
    }

    /** The answer of an intake: the run that fulfils the order, and whether it was there before. */
    static ObjectNode accepted(OrderIntake.Acceptance acceptance, String status) {
        ObjectNode json = OrdersJson.MAPPER.createObjectNode();
        json.put("orderId", acceptance.orderId());
        json.put("workflow", FulfilmentWorkflow.NAME);
        json.put("runId", acceptance.runId());
        json.put("status", status);
        json.put("duplicate", acceptance.duplicate());
        return json;
    }

    private static void time(ObjectNode json, String field, Instant value) {
        if (value != null) {
            json.put(field, value.toString());
        }
    }
}
