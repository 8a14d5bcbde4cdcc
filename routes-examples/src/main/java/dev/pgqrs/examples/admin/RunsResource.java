package dev.pgqrs.examples.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgqrs.Store;
import dev.pgqrs.workflow.IllegalRunStateException;
import dev.pgqrs.workflow.RunDetails;
import dev.pgqrs.workflow.RunInfo;
import dev.pgqrs.workflow.RunStatus;
import dev.pgqrs.workflow.StepInfo;
import dev.pgqrs.workflow.WorkflowInfo;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * {@code /api/workflows} and {@code /api/runs}: the workflow definitions, runs filtered by workflow and status
 * with their steps, and cancel and resume of a run, over {@code store.workflows()}.
 */
final class RunsResource {

    private final Store store;

    RunsResource(Store store) {
        this.store = store;
    }

    AdminAnswer workflows() {
        ObjectNode json = AdminJson.object();
        ArrayNode list = json.putArray("workflows");
        for (WorkflowInfo w : store.workflows().list()) {
            ObjectNode o = list.addObject();
            o.put("name", w.name());
            o.put("queue", w.queue());
            AdminJson.time(o, "createdAt", w.createdAt());
        }
        return AdminAnswer.ok(json);
    }

    /** The newest runs, of one workflow or of every one, in one status or any; at most {@code limit}, newest first. */
    AdminAnswer runs(String workflow, String status, int limit) {
        RunStatus wanted = status(status);
        List<String> workflows = store.workflows().list().stream().map(WorkflowInfo::name).toList();
        if (workflow != null) {
            if (!workflows.contains(workflow)) {
                throw AdminProblem.notFound("no workflow '" + workflow + "'; the store has " + workflows);
            }
            workflows = List.of(workflow);
        }
        List<RunInfo> runs = new ArrayList<>();
        for (String w : workflows) {
            runs.addAll(store.workflows().list(w, wanted, limit));
        }
        runs.sort(Comparator.comparingLong(RunInfo::id).reversed());
        ObjectNode json = AdminJson.object();
        ArrayNode list = json.putArray("runs");
        runs.stream().limit(limit).forEach(r -> summary(list.addObject(), r));
        return AdminAnswer.ok(json);
    }

    /** A run with its input, output, error and steps (each: status, attempts, last error). */
    AdminAnswer run(long id) {
        RunDetails details = store.workflows().details(id);
        ObjectNode json = AdminJson.object();
        summary(json, details.run());
        if (details.run().inputJson() != null) {
            json.set("input", details.run().input());
        }
        if (details.run().outputJson() != null) {
            json.set("output", details.run().output());
        }
        ArrayNode steps = json.putArray("steps");
        for (StepInfo step : details.steps()) {
            ObjectNode s = steps.addObject();
            s.put("name", step.name());
            s.put("status", step.status().name());
            s.put("attempts", step.attempts());
            AdminJson.text(s, "error", step.errorMessage());
            AdminJson.time(s, "startedAt", step.startedAt());
            AdminJson.time(s, "retryAt", step.retryAt());
            AdminJson.time(s, "completedAt", step.completedAt());
        }
        return AdminAnswer.ok(json);
    }

    /** Asks the run to stop: {@code CANCELLING} until a worker finalises it; 409 for a run that has finished. */
    AdminAnswer cancel(long id) {
        RunStatus before = store.workflows().get(id).status();
        if (before.isFinished()) {
            throw AdminProblem.conflict("run " + id + " has already finished (" + before + "): there is nothing to cancel");
        }
        RunStatus after = store.workflows().cancel(id);
        return control(id, after);
    }

    /** Resumes a paused run; 409 for a run that is not paused. */
    AdminAnswer resume(long id) {
        RunInfo run = store.workflows().get(id);
        boolean resumed;
        try {
            resumed = store.workflows().resume(id);
        } catch (IllegalRunStateException e) {
            throw AdminProblem.conflict(e.getMessage());
        }
        if (!resumed) {
            throw AdminProblem.conflict("run " + id + " is not paused (" + run.status() + "): only a PAUSED run can be resumed");
        }
        return control(id, store.workflows().get(id).status());
    }

    private static AdminAnswer control(long id, RunStatus status) {
        ObjectNode json = AdminJson.object();
        json.put("id", id);
        json.put("status", status.name());
        return AdminAnswer.ok(json);
    }

    private static void summary(ObjectNode o, RunInfo r) {
        o.put("id", r.id());
        o.put("workflow", r.workflow());
        o.put("status", r.status().name());
        AdminJson.text(o, "error", r.errorMessage());
        AdminJson.time(o, "createdAt", r.createdAt());
        AdminJson.time(o, "startedAt", r.startedAt());
        AdminJson.time(o, "pausedAt", r.pausedAt());
        AdminJson.time(o, "completedAt", r.completedAt());
        AdminJson.time(o, "wakeAt", r.wakeAt());
    }

    private static RunStatus status(String status) {
        if (status == null || status.isBlank()) {
            return null;
        }
        try {
            return RunStatus.valueOf(status.trim().toUpperCase());
        } catch (IllegalArgumentException e) {
            throw AdminProblem.badRequest("status must be one of " + Arrays.toString(RunStatus.values()) + ", got '" + status + "'");
        }
    }
}
