package dev.pgqrs.fault;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgqrs.payload.Json;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The messages of {@link ProducerLoop}s, by origin and sequence number: which confirmed numbers are
 * missing (lost) and which were enqueued twice (an enqueue that failed after its commit, retried).
 */
public final class TrafficLedger {

    private final Map<String, Map<Long, Integer>> bySeq = new TreeMap<>();

    public TrafficLedger(QueueLedger messages) {
        for (QueueLedger.Row r : messages.rows()) {
            JsonNode p = Json.parse(r.payload());
            bySeq.computeIfAbsent(p.path("origin").asText(), o -> new HashMap<>()).merge(p.path("seq").asLong(), 1, Integer::sum);
        }
    }

    /** Sequence numbers below {@code confirmed} of {@code origin} that were never enqueued. */
    public long missing(String origin, long confirmed) {
        Map<Long, Integer> seqs = bySeq.getOrDefault(origin, Map.of());
        long missing = 0;
        for (long s = 0; s < confirmed; s++) {
            if (!seqs.containsKey(s)) {
                missing++;
            }
        }
        return missing;
    }

    /** Messages beyond the first with the same origin and sequence number. */
    public long enqueuedTwice() {
        return bySeq.values().stream().flatMap(m -> m.values().stream()).mapToLong(n -> n - 1).sum();
    }
}
