package dev.pgqrs.camel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgqrs.Consumer;
import dev.pgqrs.InvalidPayloadException;
import dev.pgqrs.Message;
import dev.pgqrs.QueueInfo;
import dev.pgqrs.ReleaseResult;
import dev.pgqrs.Store;
import dev.pgqrs.payload.Json;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Settles a consumed message when its exchange is done: acknowledges it on success (archive or
 * delete), and on failure gives it back after the retry back-off, or dead-letters it once it has
 * failed maxAttempts times. Acknowledging or dead-lettering ends the message's run: the checkpoints
 * of its durable steps are deleted in the same transaction.
 */
final class MessageSettler {

    private static final Logger LOG = LoggerFactory.getLogger(MessageSettler.class);
    static final String DEAD_LETTER_KEY = "_pgqrsDeadLetter";
    /** Member holding a payload that is not an object (an array, a scalar) in its dead-letter copy. */
    static final String WRAPPED_PAYLOAD_KEY = "payload";
    /** Longest error recorded, in UTF-8 bytes, when the store's string limit allows as much. */
    private static final int MAX_ERROR_BYTES = 1000;

    private final Store store;
    private final Supplier<Consumer> leases;
    private final PgqrsConfiguration conf;
    private final QueueInfo deadLetterQueue;

    MessageSettler(Store store, Supplier<Consumer> leases, PgqrsConfiguration conf, QueueInfo deadLetterQueue) {
        this.store = store;
        this.leases = leases;
        this.conf = conf;
        this.deadLetterQueue = deadLetterQueue;
    }

    /**
     * Whether acknowledging this completed exchange is the plain archive/delete, with no checkpoints
     * to delete along with it: only a run that used checkpoints, now or in an earlier delivery, has some.
     */
    boolean isPlainAck(Message message, Exchange exchange) {
        return DurableSteps.checkpointedRun(exchange) == null && message.readCount() == 1;
    }

    /** Acknowledges the plain completions of one poll together: one statement for all of them. */
    void completedAll(List<Message> messages) {
        List<Long> ids = new ArrayList<>(messages.size());
        for (Message m : messages) {
            ids.add(m.id());
        }
        List<Long> settled = conf.getAckMode() == AckMode.DELETE ? leases.get().delete(ids) : leases.get().archive(ids);
        if (settled.size() < ids.size()) {
            Set<Long> done = new HashSet<>(settled);
            for (Message m : messages) {
                if (!done.contains(m.id())) {
                    warnLeaseLost(m);
                }
            }
        }
    }

    /** The exchange completed: acknowledge. */
    void completed(Message message, Exchange exchange) {
        List<Long> ids = List.of(message.id());
        List<Long> settled;
        if (isPlainAck(message, exchange)) {
            settled = conf.getAckMode() == AckMode.DELETE ? leases.get().delete(ids) : leases.get().archive(ids);
        } else {
            // The run is over: its checkpoints go with the message, or not at all.
            settled = store.database().transaction("acknowledge message " + message.id(), c -> {
                List<Long> done = conf.getAckMode() == AckMode.DELETE ? leases.get().delete(c, ids) : leases.get().archive(c, ids);
                if (!done.isEmpty()) {
                    forgetRun(c, message, exchange);
                }
                return done;
            });
        }
        if (settled.isEmpty()) {
            warnLeaseLost(message);
        }
    }

    private static void warnLeaseLost(Message message) {
        LOG.warn("message {} of queue '{}' completed after its lease was lost (it expired and was delivered again): "
                + "it may be processed twice; raise visibilityTimeout or keep extendVisibility on", message.id(), message.queue());
    }

    /** The exchange failed: retry after the back-off, or dead-letter after maxAttempts. */
    void failed(Message message, Exchange exchange) {
        String error = exchange.getException() == null && (exchange.isRollbackOnly() || exchange.isRollbackOnlyLast())
                ? "exchange marked rollback-only" : describe(exchange.getException(), maxErrorBytes());
        int attempts = message.readCount();
        if (attempts >= conf.getMaxAttempts()) {
            deadLetter(message, exchange, attempts, error);
            return;
        }
        Duration backoff = Duration.ofMillis(conf.retryDelayAfter(attempts));
        ReleaseResult r = leases.get().release(List.of(message.id()), backoff, error);
        if (!r.deadLettered().isEmpty()) {
            // The store's max_read_ct ended the run (only when it was lowered under maxAttempts meanwhile).
            store.database().transaction("forget checkpoints of message " + message.id(), c -> forgetRun(c, message, exchange));
            LOG.warn("message {} of queue '{}' failed on attempt {} and reached the store's max_read_ct: dead-lettered ({})",
                    message.id(), message.queue(), attempts, error);
        } else if (r.released().isEmpty()) {
            LOG.warn("message {} of queue '{}' failed after its lease was lost; it is being redelivered already ({})",
                    message.id(), message.queue(), error);
        } else {
            LOG.debug("message {} of queue '{}' failed on attempt {} of {}, retrying in {} ms: {}",
                    message.id(), message.queue(), attempts, conf.getMaxAttempts(), backoff.toMillis(), error);
        }
    }

    private void deadLetter(Message message, Exchange exchange, int attempts, String error) {
        if (deadLetterQueue == null) {
            deadLetterInPlace(message, exchange, attempts, error);
            return;
        }
        ObjectNode payload = deadLetterCopy(message, attempts, error);
        String refused = refusal(payload);
        if (refused != null) {
            // The copy cannot be enqueued (e.g. a wrapped array now one level too deep, or too big):
            // dead-letter the message where it is instead, so it is neither lost nor retried forever.
            LOG.warn("message {} of queue '{}' cannot be moved to dead-letter queue '{}' ({}); dead-lettering it in its queue",
                    message.id(), message.queue(), deadLetterQueue.name(), refused);
            deadLetterInPlace(message, exchange, attempts, fit(error + "; not moved to '" + deadLetterQueue.name() + "': " + refused,
                    maxErrorBytes()));
            return;
        }
        // Moving it is one transaction: the dead-letter copy exists exactly when the original is settled.
        List<Long> moved = store.database().transaction("move message " + message.id() + " to '" + deadLetterQueue.name() + "'", c -> {
            List<Long> archived = leases.get().archive(c, List.of(message.id()));
            if (!archived.isEmpty()) {
                store.enqueue(c, deadLetterQueue.name(), (JsonNode) payload);
                forgetRun(c, message, exchange);
            }
            return archived;
        });
        if (!moved.isEmpty()) {
            LOG.warn("message {} of queue '{}' failed {} time(s): moved to dead-letter queue '{}' ({})",
                    message.id(), message.queue(), attempts, deadLetterQueue.name(), error);
        }
    }

    /**
     * The payload as the dead-letter queue receives it: an object payload with the context added under
     * {@value #DEAD_LETTER_KEY}; any other payload (an array, a scalar) wrapped as
     * {@code {"payload": X, "_pgqrsDeadLetter": {...}}}.
     */
    private static ObjectNode deadLetterCopy(Message message, int attempts, String error) {
        JsonNode original = message.payload();
        ObjectNode payload;
        if (original.isObject()) {
            payload = ((ObjectNode) original).deepCopy();
        } else {
            payload = Json.MAPPER.createObjectNode();
            payload.set(WRAPPED_PAYLOAD_KEY, original);
        }
        ObjectNode context = payload.putObject(DEAD_LETTER_KEY);
        context.put("queue", message.queue());
        context.put("messageId", message.id());
        context.put("attempts", attempts);
        context.put("error", error);
        context.put("failedAt", Instant.now().toString());
        return payload;
    }

    /** Why the store would refuse the payload, or null when it accepts it. */
    private String refusal(JsonNode payload) {
        try {
            store.validator().validate(payload);
            return null;
        } catch (InvalidPayloadException e) {
            return e.getMessage();
        }
    }

    /** The longest error text a dead-letter copy can carry: the store's string limit, at most {@value #MAX_ERROR_BYTES}. */
    private int maxErrorBytes() {
        return Math.min(MAX_ERROR_BYTES, store.config().payloadLimits().maxStringBytes());
    }

    /**
     * The message's run is over: deletes its checkpoints — under the run key its exchange used (or the
     * message's own), and any its deliveries recorded under another key — on the settling transaction.
     */
    private Integer forgetRun(Connection c, Message message, Exchange exchange) {
        String runKey = DurableSteps.checkpointedRun(exchange);
        return store.checkpoints().forget(c, runKey != null ? runKey : DurableSteps.messageRunKey(message.id()), message.id());
    }

    private void deadLetterInPlace(Message message, Exchange exchange, int attempts, String error) {
        List<Long> dead = store.database().transaction("dead-letter message " + message.id(), c -> {
            List<Long> done = leases.get().deadLetter(c, List.of(message.id()), error);
            if (!done.isEmpty()) {
                forgetRun(c, message, exchange);
            }
            return done;
        });
        if (!dead.isEmpty()) {
            LOG.warn("message {} of queue '{}' failed {} time(s): dead-lettered ({})", message.id(), message.queue(),
                    attempts, error);
        }
    }

    /**
     * The error of a failed exchange as it is recorded (last error, dead-letter context): class and
     * message, with what the database cannot store replaced (NUL, lone surrogates), cut to
     * {@code maxBytes} UTF-8 bytes. The store limits strings in bytes, so a long non-ASCII message
     * cut by characters could make the dead-letter copy too long to enqueue.
     */
    static String describe(Throwable cause, int maxBytes) {
        if (cause == null) {
            return "exchange failed";
        }
        return fit(cause.getClass().getName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage()), maxBytes);
    }

    /** Text made storable and cut to at most {@code maxBytes} UTF-8 bytes (ending in "…"), never inside a character. */
    static String fit(String text, int maxBytes) {
        StringBuilder clean = new StringBuilder(text.length());
        // NUL: PostgreSQL stores none in text or JSON; a lone surrogate is no character.
        text.codePoints().forEach(cp -> clean.appendCodePoint(cp == 0 ? '?' : cp >= 0xD800 && cp <= 0xDFFF ? 0xFFFD : cp));
        if (utf8Length(clean) <= maxBytes) {
            return clean.toString();
        }
        StringBuilder cut = new StringBuilder();
        int budget = maxBytes - 3; // "…" is 3 bytes
        int bytes = 0;
        for (int i = 0; i < clean.length(); ) {
            int cp = clean.codePointAt(i);
            int size = utf8Length(cp);
            if (bytes + size > budget) {
                break;
            }
            cut.appendCodePoint(cp);
            bytes += size;
            i += Character.charCount(cp);
        }
        return budget >= 0 ? cut.append('…').toString() : "";
    }

    private static int utf8Length(CharSequence text) {
        return text.codePoints().map(MessageSettler::utf8Length).sum();
    }

    private static int utf8Length(int cp) {
        return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    }
}
