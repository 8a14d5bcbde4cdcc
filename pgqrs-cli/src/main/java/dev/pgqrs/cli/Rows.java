package dev.pgqrs.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pgqrs.Message;
import dev.pgqrs.QueueInfo;
import dev.pgqrs.QueueMetrics;
import dev.pgqrs.ScheduleFiring;
import dev.pgqrs.ScheduleInfo;
import dev.pgqrs.WorkerInfo;
import dev.pgqrs.workflow.RunInfo;
import dev.pgqrs.workflow.StepInfo;
import dev.pgqrs.workflow.WorkflowInfo;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The answers' shapes: each of the engine's records as the fields the command prints, in a fixed order.
 * Times are ISO-8601 UTC text, ages and durations seconds; these names are the documented JSON fields.
 */
final class Rows {

    static final List<String> QUEUE_COLUMNS = List.of("id", "name", "created_at");
    static final List<String> METRICS_COLUMNS = List.of("queue", "total", "pending", "leased", "delayed", "archived",
            "dead_lettered", "oldest_pending_age_seconds");
    static final List<String> ESTIMATED_METRICS_COLUMNS = List.of("queue", "total", "pending", "leased", "delayed",
            "archived", "dead_lettered", "oldest_pending_age_seconds", "estimated");
    static final List<String> MESSAGE_COLUMNS = List.of("id", "read_ct", "enqueued_at", "visible_at", "payload");
    static final List<String> DEAD_LETTER_COLUMNS = List.of("id", "read_ct", "dead_lettered_at", "last_error", "payload");
    static final List<String> WORKER_COLUMNS = List.of("id", "name", "queue", "status", "heartbeat_age_seconds");
    static final List<String> WORKFLOW_COLUMNS = List.of("id", "name", "queue", "created_at");
    static final List<String> RUN_COLUMNS = List.of("id", "workflow", "status", "created_at", "completed_at", "error");
    static final List<String> STEP_COLUMNS = List.of("name", "status", "attempts", "retry_at", "error");
    static final List<String> SCHEDULE_COLUMNS = List.of("name", "cron", "time_zone", "target", "target_name", "paused",
            "next_fire_at", "last_fired_at", "last_outcome", "missed_firings", "overlap");

    private static final ObjectMapper JSON = new ObjectMapper();

    private Rows() {
    }

    static Map<String, Object> queue(QueueInfo q) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", q.id());
        row.put("name", q.name());
        row.put("created_at", time(q.createdAt()));
        return row;
    }

    static Map<String, Object> metrics(QueueMetrics m) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("queue", m.queue());
        row.put("total", m.total());
        row.put("pending", m.pending());
        row.put("leased", m.leased());
        row.put("delayed", m.delayed());
        row.put("archived", m.archived());
        row.put("dead_lettered", m.deadLettered());
        row.put("oldest_pending_enqueued_at", time(m.oldestPendingEnqueuedAt()));
        row.put("oldest_pending_age_seconds", seconds(m.oldestPendingAge()));
        return row;
    }

    static Map<String, Object> estimatedMetrics(QueueMetrics m) {
        Map<String, Object> row = metrics(m);
        row.put("estimated", m.estimated());
        return row;
    }

    static Map<String, Object> message(Message m) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", m.id());
        row.put("queue", m.queue());
        row.put("read_ct", m.readCount());
        row.put("enqueued_at", time(m.enqueuedAt()));
        row.put("visible_at", time(m.visibleAt()));
        row.put("dequeued_at", time(m.dequeuedAt()));
        row.put("consumer_worker_id", m.consumerWorkerId());
        row.put("priority", m.priority());
        row.put("dedup_key", m.dedupKey());
        row.put("dead_lettered_at", time(m.deadLetteredAt()));
        row.put("last_error", m.lastError());
        row.put("payload", m.payload());
        return row;
    }

    static Map<String, Object> worker(WorkerInfo w, Map<Long, String> queueNames) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", w.id());
        row.put("name", w.name());
        row.put("queue", w.queueId() == null ? null : queueNames.getOrDefault(w.queueId(), String.valueOf(w.queueId())));
        row.put("status", w.status().sqlName());
        row.put("started_at", time(w.startedAt()));
        row.put("heartbeat_at", time(w.heartbeatAt()));
        row.put("heartbeat_age_seconds", seconds(w.heartbeatAge()));
        row.put("shutdown_at", time(w.shutdownAt()));
        return row;
    }

    static Map<String, Object> workflow(WorkflowInfo w) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", w.id());
        row.put("name", w.name());
        row.put("queue", w.queue());
        row.put("created_at", time(w.createdAt()));
        return row;
    }

    static Map<String, Object> run(RunInfo r) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", r.id());
        row.put("workflow", r.workflow());
        row.put("status", r.status().name());
        row.put("message_id", r.messageId());
        row.put("worker_id", r.workerId());
        row.put("input", r.input());
        row.put("output", r.output());
        row.put("error", r.errorMessage());
        row.put("created_at", time(r.createdAt()));
        row.put("started_at", time(r.startedAt()));
        row.put("paused_at", time(r.pausedAt()));
        row.put("completed_at", time(r.completedAt()));
        row.put("wake_at", time(r.wakeAt()));
        return row;
    }

    static Map<String, Object> step(StepInfo s) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("name", s.name());
        row.put("status", s.status().name());
        row.put("attempts", s.attempts());
        row.put("retry_count", s.retryCount());
        row.put("retry_at", time(s.retryAt()));
        row.put("wait", s.waitKind());
        row.put("output", s.output());
        row.put("error", s.errorMessage());
        row.put("started_at", time(s.startedAt()));
        row.put("completed_at", time(s.completedAt()));
        row.put("duration_seconds", seconds(s.duration()));
        return row;
    }

    /**
     * A schedule as listed: its definition, whether it is paused, its next firing and its last one (null when it
     * never fired), which the caller reads beside it.
     */
    static Map<String, Object> schedule(ScheduleInfo s, Instant nextFireAt, ScheduleFiring last) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("name", s.name());
        row.put("cron", s.cron());
        row.put("time_zone", s.timeZone().getId());
        row.put("target", s.target().name());
        row.put("target_name", s.targetName());
        row.put("payload", json(s.payloadJson()));
        row.put("paused", s.paused());
        row.put("paused_at", time(s.pausedAt()));
        row.put("next_fire_at", time(nextFireAt));
        row.put("last_fired_at", last == null ? null : time(last.firedAt()));
        row.put("last_outcome", last == null ? null : last.outcome().name());
        row.put("missed_firings", s.missedFirings().name());
        row.put("max_catch_up", s.maxCatchUp());
        row.put("overlap", s.overlap().name());
        row.put("created_at", time(s.createdAt()));
        row.put("updated_at", time(s.updatedAt()));
        return row;
    }

    static Map<String, Object> firing(ScheduleFiring f) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("schedule", f.schedule());
        row.put("scheduled_at", time(f.scheduledAt()));
        row.put("fired_at", time(f.firedAt()));
        row.put("outcome", f.outcome().name());
        row.put("message_id", f.messageId());
        row.put("run_id", f.runId());
        return row;
    }

    /** A JSON text the store holds (checked when it was stored), as the JSON value it is. */
    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the store holds a payload that is not JSON: " + e.getOriginalMessage(), e);
        }
    }

    static String time(Instant t) {
        return t == null ? null : t.toString();
    }

    static Double seconds(Duration d) {
        return d == null ? null : d.toMillis() / 1000.0;
    }
}
