package dev.pgqrs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgqrs.payload.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Settles a queue worker's deliveries: acknowledges (archive or delete), gives a failed attempt back after
 * the retry policy's back-off, dead-letters when the attempts are used up — in place, or moved to a
 * dead-letter queue with its context in the same transaction. Acknowledging or dead-lettering ends the
 * message's run, so the checkpoints of its durable steps are deleted in the same transaction.
 */
final class DeliverySettler {

    private static final Logger LOG = LoggerFactory.getLogger(DeliverySettler.class);
    /** The key under which a dead-lettered copy carries its context. */
    static final String DEAD_LETTER_KEY = "_pgqrsDeadLetter";

    private final Store store;
    private final Consumer consumer;
    private final QueueWorkerOptions options;
    private final QueueInfo deadLetterQueue;
    private final int maxErrorBytes;

    DeliverySettler(Store store, Consumer consumer, QueueWorkerOptions options, QueueInfo deadLetterQueue) {
        this.store = store;
        this.consumer = consumer;
        this.options = options;
        this.deadLetterQueue = deadLetterQueue;
        this.maxErrorBytes = store.config().payloadLimits().maxStringBytes();
    }

    /** Acknowledges deliveries: one statement for plain ones, one transaction for those with checkpoints. */
    void ack(List<Delivery> deliveries) {
        List<Message> plain = new ArrayList<>(deliveries.size());
        List<Delivery> withRun = new ArrayList<>();
        for (Delivery d : deliveries) {
            if (hasRun(d)) {
                withRun.add(d);
            } else {
                plain.add(d.message());
            }
        }
        if (!plain.isEmpty()) {
            List<Message> done = options.ackMode() == AckMode.DELETE ? consumer.delete(plain) : consumer.archive(plain);
            warnLost(plain, done);
        }
        for (Delivery d : withRun) {
            boolean done = store.inTransaction(c -> {
                boolean acked = !acknowledge(c, d).isEmpty();
                if (acked) {
                    forgetRun(c, d);
                }
                return acked;
            });
            if (!done) {
                warnLost(d.message());
            }
        }
    }

    /**
     * Whether the acknowledgement of {@code d} may ride on the next fetch's statement: not when it must delete
     * checkpoints too, which takes a transaction of its own.
     */
    boolean ridesOnFetch(Delivery d) {
        return !hasRun(d);
    }

    <T> T ackWith(Delivery d, TransactionWork<T> work) {
        return store.inTransaction(c -> {
            T result = work.run(c);
            if (acknowledge(c, d).isEmpty()) {
                throw new DeliveryLostException(d.message());
            }
            forgetRun(c, d);
            return result;
        });
    }

    private List<Message> acknowledge(Connection c, Delivery d) {
        List<Message> one = List.of(d.message());
        return options.ackMode() == AckMode.DELETE ? consumer.delete(c, one) : consumer.archive(c, one);
    }

    /** A failed attempt: retry after the back-off, or dead-letter. */
    void fail(Delivery d, Throwable error) {
        String text = describe(error);
        RetryPolicy policy = options.retryPolicy();
        if (!policy.isRetryable(error)) {
            deadLetter(d, "not retryable: " + text);
            return;
        }
        retryIn(d, policy.delayAfter(d.attempt(), error), text);
    }

    void retryIn(Delivery d, Duration delay, String reason) {
        String text = ErrorText.cut(reason, maxErrorBytes);
        if (d.attempt() >= options.retryPolicy().maxAttempts()) {
            deadLetter(d, text);
            return;
        }
        List<Message> released = consumer.release(List.of(d.message()), delay, text);
        if (released.isEmpty()) {
            LOG.warn("message {} of queue '{}' failed after its lease was lost; it is being delivered again already ({})",
                    d.message().id(), d.message().queue(), text);
        } else {
            LOG.debug("message {} of queue '{}' failed on attempt {} of {}, retrying in {} ms: {}", d.message().id(),
                    d.message().queue(), d.attempt(), options.retryPolicy().maxAttempts(), delay.toMillis(), text);
        }
    }

    /** No more attempts: dead-lettered in place, or moved to the dead-letter queue, in one transaction. */
    void deadLetter(Delivery d, String reason) {
        String text = ErrorText.cut(reason, maxErrorBytes);
        Message m = d.message();
        boolean done;
        if (deadLetterQueue == null) {
            done = store.inTransaction(c -> {
                boolean dead = !consumer.deadLetter(c, List.of(m), text).isEmpty();
                if (dead) {
                    forgetRun(c, d);
                }
                return dead;
            });
        } else {
            String copy = Json.write(deadLetterCopy(m, text));
            try {
                done = store.inTransaction(c -> {
                    boolean settled = !acknowledge(c, d).isEmpty();
                    if (settled) {
                        // The original passed validation; its copy with context may not (depth, size) and must not be lost.
                        deadLetterProducer().enqueueValidated(c, copy);
                        forgetRun(c, d);
                    }
                    return settled;
                });
            } catch (PgqrsException e) {
                if (OutageLog.isOutage(e)) {
                    throw e;
                }
                LOG.warn("moving message {} of queue '{}' to dead-letter queue '{}' failed ({}); dead-lettering it in place",
                        m.id(), m.queue(), deadLetterQueue.name(), e.getMessage());
                done = store.inTransaction(c -> {
                    boolean dead = !consumer.deadLetter(c, List.of(m), text).isEmpty();
                    if (dead) {
                        forgetRun(c, d);
                    }
                    return dead;
                });
                if (done) {
                    return;
                }
            }
        }
        if (!done) {
            warnLost(m);
        } else if (deadLetterQueue == null) {
            LOG.warn("message {} of queue '{}' failed {} time(s): dead-lettered ({})", m.id(), m.queue(), d.attempt(), text);
        } else {
            LOG.warn("message {} of queue '{}' failed {} time(s): moved to dead-letter queue '{}' ({})", m.id(), m.queue(),
                    d.attempt(), deadLetterQueue.name(), text);
        }
    }

    private Producer deadLetterProducer() {
        return store.ephemeralProducer(deadLetterQueue.name());
    }

    /**
     * The dead-letter copy: the payload with its context under {@value #DEAD_LETTER_KEY} (queue, message id,
     * attempts, error, time); a payload that is not an object is wrapped as {@code {"payload": …}} first.
     */
    private JsonNode deadLetterCopy(Message m, String error) {
        JsonNode payload = m.payload();
        ObjectNode copy;
        if (payload.isObject()) {
            copy = ((ObjectNode) payload).deepCopy();
        } else {
            copy = Json.MAPPER.createObjectNode();
            copy.set("payload", payload);
        }
        ObjectNode context = copy.putObject(DEAD_LETTER_KEY);
        context.put("queue", m.queue());
        context.put("messageId", m.id());
        context.put("attempts", m.readCount());
        context.put("error", error);
        context.put("failedAt", Instant.now().toString());
        return copy;
    }

    /**
     * Whether settling must also delete checkpoints: the handling recorded some, or an earlier delivery may
     * have (only a message's first delivery is known to have none).
     */
    private static boolean hasRun(Delivery d) {
        return d.checkpointRun() != null || d.attempt() > 1;
    }

    private Integer forgetRun(Connection c, Delivery d) throws SQLException {
        if (!hasRun(d)) {
            return 0;
        }
        String runKey = d.checkpointRun() != null ? d.checkpointRun() : "message:" + d.message().id();
        return store.checkpoints().forget(c, runKey, d.message().id());
    }

    private static void warnLost(List<Message> tried, List<Message> done) {
        if (done.size() < tried.size()) {
            Set<Message> settled = new HashSet<>(done);
            for (Message m : tried) {
                if (!settled.contains(m)) {
                    warnLost(m);
                }
            }
        }
    }

    /** Handled messages whose acknowledgement found their leases lost. */
    static void warnLost(List<Message> lost) {
        for (Message m : lost) {
            warnLost(m);
        }
    }

    private static void warnLost(Message m) {
        LOG.warn("message {} of queue '{}' was handled after its lease was lost (it ran out and the message is delivered "
                + "again): it may be handled twice; raise the visibility timeout or keep lease extension on", m.id(), m.queue());
    }

    /** An error as stored with the message: class and message, within the store's string limit. */
    String describe(Throwable error) {
        if (error == null) {
            return "failed";
        }
        String text = error.getClass().getName() + (error.getMessage() == null ? "" : ": " + error.getMessage());
        return ErrorText.cut(text, maxErrorBytes);
    }
}
