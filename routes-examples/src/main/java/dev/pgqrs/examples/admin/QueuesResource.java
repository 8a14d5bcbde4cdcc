package dev.pgqrs.examples.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgqrs.Message;
import dev.pgqrs.QueueMetrics;
import dev.pgqrs.Store;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code /api/queues}: every queue with its depth, oldest pending age and rates, and a queue's dead letters
 * (list, replay, delete), over {@code store.queues()} and {@code store.deadLetters()}.
 */
final class QueuesResource {

    static final int MAX_LIMIT = 1000;

    private final Store store;
    private final QueueRates rates = new QueueRates();
    private final Clock clock;

    QueuesResource(Store store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** Every queue: one metrics read of the store, the rates against the previous read. */
    AdminAnswer list() {
        List<QueueMetrics> metrics = store.queues().metrics();
        Instant at = clock.instant();
        ObjectNode json = AdminJson.object();
        json.put("sampledAt", at.toString());
        ArrayNode queues = json.putArray("queues");
        for (QueueMetrics m : metrics) {
            ObjectNode q = queues.addObject();
            q.put("name", m.queue());
            q.put("depth", m.pending() + m.leased() + m.delayed());
            q.put("pending", m.pending());
            q.put("leased", m.leased());
            q.put("delayed", m.delayed());
            q.put("archived", m.archived());
            q.put("deadLettered", m.deadLettered());
            q.put("total", m.total());
            if (m.oldestPendingAge() != null) {
                q.put("oldestPendingAgeMillis", m.oldestPendingAge().toMillis());
            }
            QueueRates.Rates r = rates.observe(m, at);
            if (r != null) {
                q.put("enqueuedPerSecond", round(r.enqueuedPerSecond()));
                q.put("settledPerSecond", round(r.settledPerSecond()));
                q.put("rateSpanMillis", r.span().toMillis());
            }
        }
        return AdminAnswer.ok(json);
    }

    /** A queue's dead letters, oldest first. */
    AdminAnswer deadLetters(String queue, int limit) {
        List<Message> letters = store.deadLetters().list(queue, limit);
        ObjectNode json = AdminJson.object();
        json.put("queue", queue);
        ArrayNode list = json.putArray("deadLetters");
        for (Message m : letters) {
            ObjectNode d = list.addObject();
            d.put("id", m.id());
            d.set("payload", payload(m));
            AdminJson.text(d, "error", m.lastError());
            d.put("attempts", m.readCount());
            AdminJson.time(d, "enqueuedAt", m.enqueuedAt());
            AdminJson.time(d, "deadLetteredAt", m.deadLetteredAt() != null ? m.deadLetteredAt() : m.archivedAt());
        }
        return AdminAnswer.ok(json);
    }

    /** Replays one dead letter: 404 when the id is no dead letter of the queue (any more). */
    AdminAnswer replay(String queue, long id) {
        if (!store.deadLetters().replay(queue, id)) {
            throw AdminProblem.notFound("message " + id + " is not a dead letter of queue '" + queue + "'");
        }
        return settled("replayed", queue, List.of(id), List.of());
    }

    /** {@code {"ids": [...]}} or {@code {"all": true}}: replays them; answers which were and which were not. */
    AdminAnswer replay(String queue, ObjectNode body) {
        if (body.path("all").asBoolean(false)) {
            if (body.has("ids")) {
                throw AdminProblem.badRequest("give either \"ids\" or \"all\": true, not both");
            }
            int n = store.deadLetters().replayAll(queue);
            ObjectNode json = AdminJson.object();
            json.put("queue", queue);
            json.put("replayedCount", n);
            return AdminAnswer.ok(json);
        }
        Set<Long> ids = ids(body);
        List<Long> done = store.deadLetters().replay(queue, ids);
        return settled("replayed", queue, done, rest(ids, done));
    }

    /** Deletes one dead letter for good: 404 when the id is no dead letter of the queue, or carries a workflow run. */
    AdminAnswer delete(String queue, long id) {
        if (store.deadLetters().delete(queue, List.of(id)).isEmpty()) {
            throw AdminProblem.notFound("message " + id + " is not a dead letter of queue '" + queue
                    + "' (or it carries a workflow run, which keeps it)");
        }
        return settled("deleted", queue, List.of(id), List.of());
    }

    private static AdminAnswer settled(String what, String queue, List<Long> done, List<Long> notDone) {
        ObjectNode json = AdminJson.object();
        json.put("queue", queue);
        ArrayNode doneIds = json.putArray(what);
        done.forEach(doneIds::add);
        ArrayNode notDoneIds = json.putArray("not" + Character.toUpperCase(what.charAt(0)) + what.substring(1));
        notDone.forEach(notDoneIds::add);
        return AdminAnswer.ok(json);
    }

    private static Set<Long> ids(ObjectNode body) {
        JsonNode ids = body.get("ids");
        if (ids == null || !ids.isArray() || ids.isEmpty()) {
            throw AdminProblem.badRequest("the body must have \"ids\": a non-empty array of message ids, or \"all\": true");
        }
        if (ids.size() > MAX_LIMIT) {
            throw AdminProblem.badRequest("at most " + MAX_LIMIT + " ids at once, got " + ids.size());
        }
        Set<Long> out = new LinkedHashSet<>();
        for (JsonNode id : ids) {
            if (!id.isIntegralNumber() || !id.canConvertToLong() || id.asLong() < 1) {
                throw AdminProblem.badRequest("\"ids\" must hold positive whole numbers, got " + id);
            }
            out.add(id.asLong());
        }
        return out;
    }

    private static List<Long> rest(Set<Long> asked, List<Long> done) {
        List<Long> rest = new ArrayList<>(asked);
        rest.removeAll(done);
        return rest;
    }

    private static JsonNode payload(Message m) {
        try {
            return m.payload();
        } catch (RuntimeException e) {
            // a payload another edition stored that this store's codec does not read: shown as its text
            return AdminJson.MAPPER.getNodeFactory().textNode(m.payloadJson());
        }
    }

    private static double round(double perSecond) {
        return Math.round(perSecond * 100) / 100.0;
    }
}
