package dev.pgqrs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgqrs.payload.Json;

import java.time.Instant;

/**
 * A message as the store returned it. The payload is kept as the JSON text the database sent and
 * parsed only when asked for, so a consumer that forwards text never pays for a parse.
 */
public final class Message {

    private final long id;
    private final String queue;
    private final String payloadJson;
    private final Instant enqueuedAt;
    private final Instant visibleAt;
    private final int readCount;
    private final Instant dequeuedAt;
    private final Long producerWorkerId;
    private final Long consumerWorkerId;
    private final Instant archivedAt;
    private final Instant deadLetteredAt;
    private final String lastError;
    private final int priority;
    private final String dedupKey;
    private final String orderingKey;
    private final String headersJson;
    private final PayloadCodec codec;
    private volatile JsonNode payload;

    public Message(long id, String queue, String payloadJson, Instant enqueuedAt, Instant visibleAt, int readCount,
                   Instant dequeuedAt, Long producerWorkerId, Long consumerWorkerId, Instant archivedAt,
                   Instant deadLetteredAt, String lastError, PayloadCodec codec) {
        this(id, queue, payloadJson, enqueuedAt, visibleAt, readCount, dequeuedAt, producerWorkerId, consumerWorkerId,
                archivedAt, deadLetteredAt, lastError, 0, null, codec);
    }

    public Message(long id, String queue, String payloadJson, Instant enqueuedAt, Instant visibleAt, int readCount,
                   Instant dequeuedAt, Long producerWorkerId, Long consumerWorkerId, Instant archivedAt,
                   Instant deadLetteredAt, String lastError, int priority, String dedupKey, PayloadCodec codec) {
        this(id, queue, payloadJson, enqueuedAt, visibleAt, readCount, dequeuedAt, producerWorkerId, consumerWorkerId,
                archivedAt, deadLetteredAt, lastError, priority, dedupKey, null, null, codec);
    }

    public Message(long id, String queue, String payloadJson, Instant enqueuedAt, Instant visibleAt, int readCount,
                   Instant dequeuedAt, Long producerWorkerId, Long consumerWorkerId, Instant archivedAt,
                   Instant deadLetteredAt, String lastError, int priority, String dedupKey, String orderingKey,
                   String headersJson, PayloadCodec codec) {
        this.orderingKey = orderingKey;
        this.headersJson = headersJson;
        this.priority = priority;
        this.dedupKey = dedupKey;
        this.id = id;
        this.queue = queue;
        this.payloadJson = payloadJson;
        this.enqueuedAt = enqueuedAt;
        this.visibleAt = visibleAt;
        this.readCount = readCount;
        this.dequeuedAt = dequeuedAt;
        this.producerWorkerId = producerWorkerId;
        this.consumerWorkerId = consumerWorkerId;
        this.archivedAt = archivedAt;
        this.deadLetteredAt = deadLetteredAt;
        this.lastError = lastError;
        this.codec = codec;
    }

    public long id() {
        return id;
    }

    public String queue() {
        return queue;
    }

    /**
     * The headers stored with the message, as a JSON object of text values, or null for none: the W3C trace
     * context ({@code traceparent}, {@code tracestate}) of the span that enqueued it, when the producer ran with
     * OpenTelemetry and a span was current. Messages of other editions have none.
     */
    public String headersJson() {
        return headersJson;
    }

    /** {@link #headersJson()} as a map (empty when there are none); values that are not text are left out. */
    public java.util.Map<String, String> headers() {
        java.util.Map<String, String> headers = new java.util.LinkedHashMap<>();
        if (headersJson != null && !headersJson.isBlank()) {
            try {
                Json.parse(headersJson).fields().forEachRemaining(e -> {
                    if (e.getValue().isTextual()) {
                        headers.put(e.getKey(), e.getValue().asText());
                    }
                });
            } catch (RuntimeException unreadable) {
                // headers in a shape this edition does not write: none to offer
            }
        }
        return headers;
    }

    /** The payload as JSON text. */
    public String payloadJson() {
        return payloadJson;
    }

    /** The payload as a Jackson tree (parsed on first call). */
    public JsonNode payload() {
        JsonNode p = payload;
        if (p == null) {
            p = Json.parse(payloadJson);
            payload = p;
        }
        return p;
    }

    /** The payload mapped to a type with the store's {@link PayloadCodec}. */
    public <T> T payloadAs(Class<T> type) {
        return codec.read(payloadJson, type);
    }

    public Instant enqueuedAt() {
        return enqueuedAt;
    }

    /** When the message becomes (or became) visible to consumers: the lease end while leased. */
    public Instant visibleAt() {
        return visibleAt;
    }

    /** How many times the message has been delivered, this delivery included. */
    public int readCount() {
        return readCount;
    }

    public Instant dequeuedAt() {
        return dequeuedAt;
    }

    public Long producerWorkerId() {
        return producerWorkerId;
    }

    public Long consumerWorkerId() {
        return consumerWorkerId;
    }

    public Instant archivedAt() {
        return archivedAt;
    }

    public Instant deadLetteredAt() {
        return deadLetteredAt;
    }

    public boolean isDeadLettered() {
        return deadLetteredAt != null;
    }

    /** The error recorded by the last failed delivery or dead-lettering, if any. */
    public String lastError() {
        return lastError;
    }

    /** The priority it was enqueued with: 0 (the default) or more; higher ones are delivered first. */
    public int priority() {
        return priority;
    }

    /**
     * The ordering key it was enqueued with, or null. On a FIFO queue, messages with the same key are delivered in
     * enqueue order, one at a time.
     */
    public String orderingKey() {
        return orderingKey;
    }

    /**
     * The deduplication key it was enqueued with, or null: none, or its key's window has passed (the key was
     * cleared and may be used again).
     */
    public String dedupKey() {
        return dedupKey;
    }

    @Override
    public String toString() {
        return "Message{id=" + id + ", queue=" + queue + ", readCount=" + readCount + ", payload=" + payloadJson + "}";
    }
}
