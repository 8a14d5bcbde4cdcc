package dev.pgqrs.bridge.connect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.pgqrs.InvalidPayloadException;
import dev.pgqrs.Store;
import dev.pgqrs.bridge.store.DeadLetterRepository;
import dev.pgqrs.camel.PgqrsConstants;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.Processor;
import org.apache.camel.util.URISupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;

/**
 * Writes a record that failed for good, under {@code errors.tolerance=all}, to the connector's dead-letter
 * queue: {@code {"payload": the original record, "__connect.errors": its context}}, the context named after
 * Kafka Connect's {@code __connect.errors.*} headers ({@code connector.name}, {@code task.id}, {@code stage},
 * the original {@code queue} and {@code message.id}, {@code attempts}, {@code exception.class.name},
 * {@code exception.message}, {@code exception.stacktrace}). In the same transaction the record is indexed in
 * {@code pgqrs_bridge_dead_letters} with the whole stack trace (the queue's copy keeps its first lines, as
 * pgqrs bounds the strings of a payload), which is what the REST API lists and replays.
 */
final class DeadLetterReporter implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterReporter.class);
    static final String CONTEXT_KEY = "__connect.errors";
    private static final int STACK_LINES_IN_QUEUE = 40;

    private final String connector;
    private final String queue;
    private final Store store;
    private final DeadLetterRepository index;
    private final boolean log;

    DeadLetterReporter(String connector, String queue, Store store, DeadLetterRepository index, boolean log) {
        this.connector = connector;
        this.queue = queue;
        this.store = store;
        this.index = index;
        this.log = log;
    }

    @Override
    public void process(Exchange exchange) {
        Throwable error = exchange.getProperty(ExchangePropertyKey.EXCEPTION_CAUGHT, Throwable.class);
        FailedNode node = exchange.getProperty(FailedNode.PROPERTY, FailedNode.class);
        String sourceQueue = exchange.getIn().getHeader(PgqrsConstants.QUEUE, String.class);
        Long sourceId = exchange.getIn().getHeader(PgqrsConstants.MESSAGE_ID, Long.class);
        Integer delivery = exchange.getIn().getHeader(PgqrsConstants.READ_COUNT, Integer.class);
        int attempts = Math.max(1, exchange.getProperty(ErrorHandling.ATTEMPTS, 1, Integer.class));
        String task = exchange.getProperty(ExchangePropertyKey.FAILURE_ROUTE_ID, String.class);
        String endpoint = exchange.getProperty(ExchangePropertyKey.FAILURE_ENDPOINT, String.class);

        ObjectNode context = JsonNodeFactory.instance.objectNode();
        context.put("connector.name", connector);
        context.put("task.id", task != null ? task : exchange.getFromRouteId());
        context.put("stage", FailedNode.stage(node));
        if (node != null) {
            context.put("node.type", node.type());
            context.put("node.id", node.id());
        }
        if (endpoint != null) {
            context.put("endpoint", URISupport.sanitizeUri(endpoint));
        }
        if (sourceQueue != null) {
            context.put("queue", sourceQueue);
        }
        if (sourceId != null) {
            context.put("message.id", sourceId);
        }
        if (delivery != null) {
            context.put("delivery", delivery);
        }
        context.put("attempts", attempts);
        context.put("exception.class.name", error == null ? null : error.getClass().getName());
        context.put("exception.message", error == null ? null : error.getMessage());
        String trace = stackTrace(error);

        JsonNode payload = payload(exchange.getIn().getBody());
        ObjectNode indexed = context.deepCopy();
        indexed.put("exception.stacktrace", trace);

        ObjectNode record = JsonNodeFactory.instance.objectNode();
        record.set("payload", payload);
        ObjectNode inQueue = context.deepCopy();
        inQueue.set("exception.stacktrace", stackLines(trace, store.config().payloadLimits().maxStringBytes()));
        record.set(CONTEXT_KEY, inQueue);
        long id = store.inTransaction(c -> {
            long messageId;
            try {
                messageId = store.enqueue(c, queue, record);
            } catch (InvalidPayloadException tooLarge) {
                // pgqrs's payload rules (depth, size) refuse the wrapped copy: the queue gets the context alone,
                // the index keeps the payload.
                ObjectNode slim = JsonNodeFactory.instance.objectNode();
                slim.put("payload_omitted", tooLarge.getMessage());
                slim.set(CONTEXT_KEY, inQueue);
                messageId = store.enqueue(c, queue, slim);
            }
            index.insert(c, connector, queue, messageId, sourceQueue, sourceId, payload.toString(), indexed.toString());
            return messageId;
        });
        if (log) {
            LOG.warn("connector {}: a record failed at {} ({}) after {} attempt(s) and went to dead-letter queue '{}' as message {}: {}",
                    connector, FailedNode.stage(node), node == null ? "its source" : node.id(), attempts, queue, id,
                    error == null ? "no exception" : error.toString());
        }
    }

    /** The body as JSON: JSON text as its value, other text as a string, maps and objects as Jackson writes them. */
    private JsonNode payload(Object body) {
        if (body == null) {
            return JsonNodeFactory.instance.nullNode();
        }
        if (body instanceof JsonNode node) {
            return node;
        }
        String text = body instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8)
                : body instanceof CharSequence cs ? cs.toString() : null;
        if (text != null) {
            try {
                return store.codec().parse(text);
            } catch (RuntimeException notJson) {
                return TextNode.valueOf(text);
            }
        }
        try {
            return store.codec().toTree(body);
        } catch (RuntimeException notMappable) {
            return TextNode.valueOf(body.toString());
        }
    }

    static String stackTrace(Throwable error) {
        if (error == null) {
            return null;
        }
        StringWriter out = new StringWriter();
        error.printStackTrace(new PrintWriter(out));
        return out.toString();
    }

    /** The first lines of a stack trace, each cut to what pgqrs stores in one string. */
    private static ArrayNode stackLines(String trace, int maxBytes) {
        ArrayNode lines = JsonNodeFactory.instance.arrayNode();
        if (trace == null) {
            return lines;
        }
        for (String line : trace.split("\\R")) {
            if (lines.size() == STACK_LINES_IN_QUEUE) {
                lines.add("...");
                break;
            }
            lines.add(cut(line.replace('\0', ' '), maxBytes));
        }
        return lines;
    }

    private static String cut(String s, int maxBytes) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        if (utf8.length <= maxBytes) {
            return s;
        }
        int end = Math.min(s.length(), maxBytes / 4);
        return s.substring(0, end);
    }
}
