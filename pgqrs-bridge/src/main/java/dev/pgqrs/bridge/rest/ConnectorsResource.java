package dev.pgqrs.bridge.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgqrs.Message;
import dev.pgqrs.QueueMetrics;
import dev.pgqrs.Store;
import dev.pgqrs.bridge.connect.ConnectorConfig;
import dev.pgqrs.bridge.connect.ConnectorRuntime;
import dev.pgqrs.bridge.store.ConnectorRecord;
import dev.pgqrs.bridge.store.ConnectorRepository;
import dev.pgqrs.bridge.store.DeadLetterRecord;
import dev.pgqrs.bridge.store.DeadLetterRepository;
import dev.pgqrs.bridge.store.TargetState;
import dev.pgqrs.bridge.store.TaskRecord;
import dev.pgqrs.bridge.store.TaskRepository;
import dev.pgqrs.bridge.validate.ConfigValidation;
import dev.pgqrs.bridge.validate.ConfigValidator;
import dev.pgqrs.bridge.validate.KameletCatalog;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code /connectors}: Kafka Connect's {@code ConnectorsResource} over the store. Every change is written to the
 * store (where every instance reads it) and this instance is woken to converge at once; the others do within
 * a poll. Paths, methods, bodies and status codes are Connect's: 201 on create, 200 on an update, 204 on a
 * delete and a stop, 202 on pause and resume (the change is asynchronous), 404 for an unknown connector, 409
 * for a name taken or a concurrent change, 400 for an invalid configuration (with every error).
 */
public final class ConnectorsResource {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final Store store;
    private final ConnectorRepository connectors;
    private final TaskRepository tasks;
    private final DeadLetterRepository deadLetters;
    private final ConnectorRuntime runtime;
    private final ConfigValidator validator;
    private final KameletCatalog kamelets;
    private final long liveWithinMillis;

    public ConnectorsResource(Store store, ConnectorRepository connectors, TaskRepository tasks, DeadLetterRepository deadLetters,
                              ConnectorRuntime runtime, ConfigValidator validator, KameletCatalog kamelets, long liveWithinMillis) {
        this.store = store;
        this.connectors = connectors;
        this.tasks = tasks;
        this.deadLetters = deadLetters;
        this.runtime = runtime;
        this.validator = validator;
        this.kamelets = kamelets;
        this.liveWithinMillis = liveWithinMillis;
    }

    // ---- GET /connectors[?expand=status|info] ------------------------------------------------------------

    HttpAnswer list(List<String> expand) {
        List<ConnectorRecord> all = connectors.list();
        if (expand.isEmpty()) {
            ArrayNode names = JSON.arrayNode();
            all.forEach(r -> names.add(r.name()));
            return HttpAnswer.of(200, names);
        }
        ObjectNode out = JSON.objectNode();
        for (ConnectorRecord r : all) {
            ObjectNode entry = out.putObject(r.name());
            if (expand.contains("info")) {
                entry.set("info", info(r));
            }
            if (expand.contains("status")) {
                entry.set("status", status(r));
            }
        }
        return HttpAnswer.of(200, out);
    }

    // ---- POST /connectors {"name", "config"} ------------------------------------------------------------

    HttpAnswer create(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw new HttpProblem(400, "the body must be a JSON object {\"name\": ..., \"config\": {...}}");
        }
        String name = text(body.get("name"));
        JsonNode configNode = body.get("config");
        Map<String, String> config = configNode == null ? new LinkedHashMap<>() : stringMap(configNode, "config");
        if (name == null || name.isBlank()) {
            name = config.get(ConnectorConfig.NAME);
        }
        if (name == null || name.isBlank()) {
            throw new HttpProblem(400, "Connector name must be given, as \"name\" (or config.name)");
        }
        requireValid(name, config);
        if (!connectors.create(name, config, TargetState.RUNNING, null, null)) {
            throw new HttpProblem(409, "Connector " + name + " already exists");
        }
        runtime.wakeUp();
        ConnectorRecord created = connectors.find(name).orElseThrow(() -> new HttpProblem(409, "Connector was deleted meanwhile"));
        return new HttpAnswer(201, info(created), Map.of("Location", "/connectors/" + name));
    }

    // ---- GET/DELETE /connectors/{name} ------------------------------------------------------------------

    HttpAnswer get(String name) {
        return HttpAnswer.of(200, info(record(name)));
    }

    HttpAnswer delete(String name) {
        if (!connectors.delete(name)) {
            throw HttpProblem.notFound(name);
        }
        deadLetters.deleteConnector(name);
        runtime.wakeUp();
        return HttpAnswer.noContent();
    }

    // ---- /connectors/{name}/config ----------------------------------------------------------------------

    HttpAnswer config(String name) {
        return HttpAnswer.of(200, configJson(record(name).config()));
    }

    /** PUT: creates (201) or replaces (200) the configuration. */
    HttpAnswer putConfig(String name, JsonNode body) {
        Map<String, String> config = stringMap(body, "the body");
        requireValid(name, config);
        var existing = connectors.find(name);
        if (existing.isEmpty()) {
            if (connectors.create(name, config, TargetState.RUNNING, null, null)) {
                runtime.wakeUp();
                return new HttpAnswer(201, info(record(name)), Map.of("Location", "/connectors/" + name));
            }
            throw new HttpProblem(409, "Cannot complete request because of a conflicting operation (e.g. another create of "
                    + name + ")");
        }
        return updated(name, existing.get(), config);
    }

    /** PATCH: merges into the configuration; a null value removes a key. */
    HttpAnswer patchConfig(String name, JsonNode body) {
        if (body == null || !body.isObject()) {
            throw new HttpProblem(400, "the body must be a JSON object of configuration keys");
        }
        ConnectorRecord existing = record(name);
        Map<String, String> merged = new LinkedHashMap<>(existing.config());
        for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getValue().isNull()) {
                merged.remove(e.getKey());
            } else {
                merged.put(e.getKey(), scalar(e.getValue(), e.getKey()));
            }
        }
        requireValid(name, merged);
        return updated(name, existing, merged);
    }

    private HttpAnswer updated(String name, ConnectorRecord existing, Map<String, String> config) {
        var version = connectors.updateConfig(name, config, existing.version());
        if (version.isEmpty()) {
            throw HttpProblem.notFound(name);
        }
        if (version.get() < 0) {
            throw new HttpProblem(409, "Cannot complete request because of a conflicting operation: the configuration of "
                    + name + " changed meanwhile; read it again and retry");
        }
        runtime.wakeUp();
        return HttpAnswer.of(200, info(record(name)));
    }

    // ---- state: status, pause, resume, stop, restart ----------------------------------------------------

    HttpAnswer status(String name) {
        return HttpAnswer.of(200, status(record(name)));
    }

    HttpAnswer target(String name, TargetState state) {
        if (!connectors.setTargetState(name, state)) {
            throw HttpProblem.notFound(name);
        }
        runtime.wakeUp();
        return state == TargetState.STOPPED ? HttpAnswer.noContent() : HttpAnswer.of(202, null);
    }

    /** Connect: 204 when only the connector is restarted, 202 with the status when tasks are included or only failed ones. */
    HttpAnswer restart(String name, boolean includeTasks, boolean onlyFailed) {
        if (!connectors.requestRestart(name, onlyFailed)) {
            throw HttpProblem.notFound(name);
        }
        runtime.wakeUp();
        if (!includeTasks && !onlyFailed) {
            return HttpAnswer.noContent();
        }
        ObjectNode status = status(record(name));
        ((ObjectNode) status.get("connector")).put("state", "RESTARTING");
        for (JsonNode t : status.withArray("tasks")) {
            if (!onlyFailed || "FAILED".equals(t.path("state").asText())) {
                ((ObjectNode) t).put("state", "RESTARTING");
            }
        }
        return HttpAnswer.of(202, status);
    }

    HttpAnswer tasks(String name) {
        ConnectorRecord r = record(name);
        ArrayNode out = JSON.arrayNode();
        int i = 0;
        for (String task : taskIds(r)) {
            ObjectNode t = out.addObject();
            ObjectNode id = t.putObject("id");
            id.put("connector", name);
            id.put("task", i++);
            ObjectNode config = t.putObject("config");
            config.put("route", task);
        }
        return HttpAnswer.of(200, out);
    }

    HttpAnswer taskStatus(String name, String task) {
        ObjectNode status = status(record(name));
        for (JsonNode t : status.withArray("tasks")) {
            if (t.path("id").asText().equals(task) || t.path("task").asText().equals(task)) {
                return HttpAnswer.of(200, t);
            }
        }
        throw new HttpProblem(404, "Task " + task + " of connector " + name + " not found");
    }

    // ---- offsets ----------------------------------------------------------------------------------------

    /**
     * {@code {"offsets": [{"partition": {"queue": Q}, "offset": {...}}]}}: where each source queue of the
     * connector stands — what was acknowledged, what waits, what is held, what was given up.
     */
    HttpAnswer offsets(String name) {
        record(name);
        ObjectNode out = JSON.objectNode();
        ArrayNode offsets = out.putArray("offsets");
        for (String queue : new LinkedHashSet<>(runtime.taskQueues(name).values())) {
            if (queue == null || !store.queues().exists(queue)) {
                continue;
            }
            QueueMetrics m = store.queues().metrics(queue);
            ObjectNode entry = offsets.addObject();
            entry.putObject("partition").put("queue", queue);
            ObjectNode offset = entry.putObject("offset");
            offset.put("acknowledged", m.archived());
            offset.put("pending", m.pending());
            offset.put("delayed", m.delayed());
            offset.put("in_flight", m.leased());
            offset.put("dead_lettered", m.deadLettered());
            offset.put("total", m.total());
        }
        return HttpAnswer.of(200, out);
    }

    // ---- dead letters -----------------------------------------------------------------------------------

    HttpAnswer deadLetters(String name, int limit, boolean includeReplayed) {
        ConnectorRecord r = record(name);
        ConnectorConfig config = new ConnectorConfig(name, r.config());
        ObjectNode out = JSON.objectNode();
        out.put("dead_letter_queue", config.deadLetterQueue());
        ArrayNode records = out.putArray("records");
        for (DeadLetterRecord d : deadLetters.list(name, includeReplayed, limit)) {
            ObjectNode e = records.addObject();
            e.put("id", d.id());
            e.put("dlq_message_id", d.dlqMessageId());
            e.put("queue", d.sourceQueue());
            e.put("message_id", d.sourceMessageId());
            e.set("payload", store.codec().parse(d.payload()));
            e.set("errors", store.codec().parse(d.context()));
            e.put("failed_at", Instant.ofEpochMilli(d.failedAt()).toString());
            if (d.replayedAt() != null) {
                e.put("replayed_at", Instant.ofEpochMilli(d.replayedAt()).toString());
                e.put("replayed_to", d.replayedTo());
                e.put("replayed_message_id", d.replayedMessageId());
            }
        }
        ArrayNode inPlace = out.putArray("in_place");
        for (String queue : sourceQueues(name)) {
            for (Message m : store.deadLetters().list(queue, limit)) {
                ObjectNode e = inPlace.addObject();
                e.put("queue", queue);
                e.put("id", m.id());
                e.set("payload", m.payload());
                e.put("error", m.lastError());
                e.put("read_count", m.readCount());
                e.put("dead_lettered_at", String.valueOf(m.deadLetteredAt()));
            }
        }
        return HttpAnswer.of(200, out);
    }

    /**
     * Replays dead letters: records of the dead-letter queue ({@code "ids"}, or {@code "all": true}) go back to the
     * queue they came from (or {@code "queue"}), each enqueued and marked replayed in one transaction, so one is
     * never replayed twice; dead letters kept in a source queue ({@code "in_place": {"queue": Q, "ids": [...]}})
     * are made deliverable again there.
     */
    HttpAnswer replay(String name, JsonNode body) {
        record(name);
        if (body == null || !body.isObject()) {
            throw new HttpProblem(400, "the body must be a JSON object: {\"ids\": [...]} or {\"all\": true}, optionally \"queue\"");
        }
        String target = text(body.get("queue"));
        if (target != null && !store.queues().exists(target)) {
            throw new HttpProblem(422, "queue '" + target + "' does not exist");
        }
        List<Long> ids = new ArrayList<>();
        if (body.path("all").asBoolean(false)) {
            deadLetters.list(name, false, Integer.MAX_VALUE).forEach(d -> ids.add(d.id()));
        } else {
            body.path("ids").forEach(n -> ids.add(n.asLong()));
        }
        ObjectNode out = JSON.objectNode();
        ArrayNode replayed = out.putArray("replayed");
        ArrayNode skipped = out.putArray("skipped");
        for (long id : ids) {
            try {
                long[] done = new long[1];
                String[] to = new String[1];
                store.inTransaction(c -> {
                    DeadLetterRecord d = deadLetters.find(c, name, id)
                            .orElseThrow(() -> new ReplayRefused("no dead letter " + id + " of connector " + name));
                    if (d.replayedAt() != null) {
                        throw new ReplayRefused("replayed already, to '" + d.replayedTo() + "' as message " + d.replayedMessageId());
                    }
                    to[0] = target != null ? target : d.sourceQueue();
                    if (to[0] == null || !store.queues().exists(to[0])) {
                        throw new ReplayRefused(to[0] == null
                                ? "the record did not come from a pgqrs queue: give the queue to replay it to as \"queue\""
                                : "its queue '" + to[0] + "' does not exist any more: give another as \"queue\"");
                    }
                    done[0] = store.enqueue(c, to[0], store.codec().parse(d.payload()));
                    if (!deadLetters.markReplayed(c, id, to[0], done[0])) {
                        throw new ReplayRefused("replayed already by a concurrent request");
                    }
                    return null;
                });
                replayed.addObject().put("id", id).put("queue", to[0]).put("message_id", done[0]);
            } catch (ReplayRefused e) {
                skipped.addObject().put("id", id).put("reason", e.getMessage());
            }
        }
        JsonNode inPlace = body.get("in_place");
        if (inPlace != null && inPlace.isObject()) {
            String queue = text(inPlace.get("queue"));
            if (queue == null || !sourceQueues(name).contains(queue)) {
                throw new HttpProblem(422, "in_place.queue must be a source queue of connector " + name + ": " + sourceQueues(name));
            }
            List<Long> messageIds = new ArrayList<>();
            inPlace.path("ids").forEach(n -> messageIds.add(n.asLong()));
            List<Long> done = inPlace.path("all").asBoolean(false)
                    ? List.of((long) store.deadLetters().replayAll(queue)) : store.deadLetters().replay(queue, messageIds);
            ArrayNode ip = out.putArray("replayed_in_place");
            done.forEach(ip::add);
        }
        return HttpAnswer.of(200, out);
    }

    private static final class ReplayRefused extends RuntimeException {
        ReplayRefused(String message) {
            super(message, null, false, false);
        }
    }

    // ---- views ------------------------------------------------------------------------------------------

    private ConnectorRecord record(String name) {
        return connectors.find(name).orElseThrow(() -> HttpProblem.notFound(name));
    }

    private ObjectNode info(ConnectorRecord r) {
        ObjectNode out = JSON.objectNode();
        out.put("name", r.name());
        out.set("config", configJson(r.config()));
        ArrayNode t = out.putArray("tasks");
        int i = 0;
        for (String ignored : taskIds(r)) {
            t.addObject().put("connector", r.name()).put("task", i++);
        }
        out.put("type", type(r));
        return out;
    }

    private List<String> taskIds(ConnectorRecord r) {
        Set<String> ids = new LinkedHashSet<>(runtime.taskQueues(r.name()).keySet());
        for (TaskRecord t : tasks.list(r.name(), liveWithinMillis)) {
            ids.add(t.task());
        }
        return new ArrayList<>(ids);
    }

    private Set<String> sourceQueues(String name) {
        Set<String> out = new LinkedHashSet<>();
        for (String q : runtime.taskQueues(name).values()) {
            if (q != null && store.queues().exists(q)) {
                out.add(q);
            }
        }
        return out;
    }

    private String type(ConnectorRecord r) {
        ConnectorConfig config = new ConnectorConfig(r.name(), r.config());
        if (config.isDesign()) {
            return "design";
        }
        return kamelets.find(config.connectorClass()).map(k -> k.type()).orElse("unknown");
    }

    /** Kafka Connect's status, with each task's queue figures and the connector's dead letters. */
    private ObjectNode status(ConnectorRecord r) {
        ObjectNode out = JSON.objectNode();
        out.put("name", r.name());
        List<TaskRecord> rows = tasks.list(r.name(), liveWithinMillis);
        Map<String, String> queues = runtime.taskQueues(r.name());
        Map<String, QueueMetrics> metrics = new LinkedHashMap<>();
        ArrayNode taskArray = JSON.arrayNode();
        TaskRecord failed = null;
        int i = 0;
        for (TaskRecord t : rows) {
            ObjectNode task = taskArray.addObject();
            task.put("id", i++);
            task.put("task", t.task());
            task.put("state", t.state());
            task.put("worker_id", t.workerId());
            if (t.trace() != null) {
                task.put("trace", t.trace());
            }
            String queue = queues.get(t.task());
            if (queue != null) {
                QueueMetrics m = metrics.computeIfAbsent(queue, q -> store.queues().exists(q) ? store.queues().metrics(q) : null);
                task.put("queue", queue);
                if (m != null) {
                    task.put("queue_depth", m.pending());
                    task.put("oldest_pending_age_ms", m.oldestPendingAge() == null ? null : m.oldestPendingAge().toMillis());
                    task.put("in_flight", m.leased());
                    task.put("delayed", m.delayed());
                    task.put("dead_letters", m.deadLettered());
                }
            }
            if ("FAILED".equals(t.state()) && failed == null) {
                failed = t;
            }
        }
        ObjectNode connector = out.putObject("connector");
        connector.put("state", failed != null ? "FAILED" : r.targetState().name());
        connector.put("worker_id", failed != null ? failed.workerId() : runtime.settings().workerId());
        if (failed != null) {
            connector.put("trace", failed.trace());
        }
        out.set("tasks", taskArray);
        out.put("type", type(r));
        out.put("target_state", r.targetState().name());
        out.put("version", r.version());
        ConnectorConfig config = new ConnectorConfig(r.name(), r.config());
        ObjectNode dlq = out.putObject("dead_letter_queue");
        dlq.put("queue", config.deadLetterQueue());
        dlq.put("tolerance", config.tolerance().name().toLowerCase(java.util.Locale.ROOT));
        dlq.put("records", deadLetters.countPending(r.name()));
        return out;
    }

    // ---- input ------------------------------------------------------------------------------------------

    private void requireValid(String name, Map<String, String> config) {
        ConfigValidation v = validator.validate(name, config);
        if (v.errorCount() > 0) {
            List<String> messages = v.messages();
            ObjectNode body = HttpAnswer.errorBody(400, "Connector configuration is invalid and contains the following "
                    + messages.size() + " error(s):\n" + String.join("\n", messages)
                    + "\nYou can also find the above list of errors at the endpoint `/connector-plugins/{connectorType}/config/validate`");
            body.set("validation", v.toJson());
            throw new InvalidConfig(body);
        }
    }

    /** A configuration refused: the 400 body carries the validation, per field. */
    static final class InvalidConfig extends RuntimeException {
        final ObjectNode body;

        InvalidConfig(ObjectNode body) {
            super(body.path("message").asText(), null, false, false);
            this.body = body;
        }
    }

    private static ObjectNode configJson(Map<String, String> config) {
        ObjectNode out = JSON.objectNode();
        config.forEach(out::put);
        return out;
    }

    static Map<String, String> stringMap(JsonNode node, String what) {
        if (node == null || !node.isObject()) {
            throw new HttpProblem(400, what + " must be a JSON object of configuration keys and string values");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isNull()) {
                out.put(e.getKey(), scalar(e.getValue(), e.getKey()));
            }
        }
        return out;
    }

    private static String scalar(JsonNode v, String key) {
        if (v.isContainerNode()) {
            throw new HttpProblem(400, "configuration value of '" + key + "' must be a string, number or boolean, not "
                    + (v.isArray() ? "an array" : "an object"));
        }
        return v.asText();
    }

    private static String text(JsonNode n) {
        return n == null || n.isNull() ? null : n.asText();
    }
}
