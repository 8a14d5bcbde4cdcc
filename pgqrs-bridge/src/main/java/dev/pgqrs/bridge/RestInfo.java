package dev.pgqrs.bridge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

/** {@code GET /}: what answers (Kafka Connect's version, commit and cluster id; here the instance and its store). */
final class RestInfo {

    private RestInfo() {
    }

    static JsonNode of(String workerId, String backend) {
        return JsonNodeFactory.instance.objectNode().put("version", "0.1.0-SNAPSHOT").put("commit", "pgqrs-bridge")
                .put("worker_id", workerId).put("store", backend);
    }
}
