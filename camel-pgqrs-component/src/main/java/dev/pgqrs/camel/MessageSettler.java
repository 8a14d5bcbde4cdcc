package dev.pgqrs.camel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgqrs.Consumer;
import dev.pgqrs.Message;
import dev.pgqrs.QueueInfo;
import dev.pgqrs.ReleaseResult;
import dev.pgqrs.Store;
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
    private static final int MAX_ERROR_LENGTH = 1000;

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
        List<Message> settled = conf.getAckMode() == AckMode.DELETE ? leases.get().delete(messages) : leases.get().archive(messages);
        if (settled.size() < messages.size()) {
            Set<Message> done = new HashSet<>(settled);
            for (Message m : messages) {
                if (!done.contains(m)) {
                    warnLeaseLost(m);
                }
            }
        }
    }

    /** The exchange completed: acknowledge. */
    void completed(Message message, Exchange exchange) {
        List<Message> ids = List.of(message);
        List<Message> settled;
        if (isPlainAck(message, exchange)) {
            settled = conf.getAckMode() == AckMode.DELETE ? leases.get().delete(ids) : leases.get().archive(ids);
        } else {
            // The run is over: its checkpoints go with the message, or not at all.
            settled = store.database().transaction("acknowledge message " + message.id(), c -> {
                List<Message> done = conf.getAckMode() == AckMode.DELETE ? leases.get().delete(c, ids) : leases.get().archive(c, ids);
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
                ? "exchange marked rollback-only" : describe(exchange.getException());
        int attempts = message.readCount();
        if (attempts >= conf.getMaxAttempts()) {
            deadLetter(message, exchange, attempts, error);
            return;
        }
        Duration backoff = Duration.ofMillis(conf.retryDelayAfter(attempts));
        ReleaseResult r = leases.get().release(List.of(message), backoff, error);
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
            List<Message> dead = store.database().transaction("dead-letter message " + message.id(), c -> {
                List<Message> done = leases.get().deadLetter(c, List.of(message), error);
                if (!done.isEmpty()) {
                    forgetRun(c, message, exchange);
                }
                return done;
            });
            if (!dead.isEmpty()) {
                LOG.warn("message {} of queue '{}' failed {} time(s): dead-lettered ({})", message.id(), message.queue(),
                        attempts, error);
            }
            return;
        }
        ObjectNode payload = ((ObjectNode) message.payload()).deepCopy();
        ObjectNode context = payload.putObject(DEAD_LETTER_KEY);
        context.put("queue", message.queue());
        context.put("messageId", message.id());
        context.put("attempts", attempts);
        context.put("error", error);
        context.put("failedAt", Instant.now().toString());
        // Moving it is one transaction: the dead-letter copy exists exactly when the original is settled.
        List<Message> moved = store.database().transaction("move message " + message.id() + " to '" + deadLetterQueue.name() + "'", c -> {
            List<Message> archived = leases.get().archive(c, List.of(message));
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
     * The message's run is over: deletes its checkpoints — under the run key its exchange used (or the
     * message's own), and any its deliveries recorded under another key — on the settling transaction.
     */
    private Integer forgetRun(Connection c, Message message, Exchange exchange) {
        String runKey = DurableSteps.checkpointedRun(exchange);
        return store.checkpoints().forget(c, runKey != null ? runKey : DurableSteps.messageRunKey(message.id()), message.id());
    }

    static String describe(Throwable cause) {
        if (cause == null) {
            return "exchange failed";
        }
        String text = cause.getClass().getName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
        return text.length() > MAX_ERROR_LENGTH ? text.substring(0, MAX_ERROR_LENGTH - 1) + "…" : text;
    }
}
