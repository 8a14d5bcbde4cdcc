package dev.pgqrs;

import java.time.Duration;

/**
 * Limits of a queue, enforced by the database in the dequeue statement for every consumer and queue worker of this
 * edition, in every process: a <b>concurrency limit</b> (at most N messages of the queue leased at once; a lease
 * counts until the message is archived, deleted or released, or its visibility timeout runs out) and a <b>rate
 * limit</b> (at most N messages dequeued per period, counted in fixed windows of the database clock: the window
 * starts at a multiple of the period since the Unix epoch). A dequeue at a limit returns fewer messages, or none.
 * Set with {@link Queues#setLimits}; immutable.
 *
 * <pre>{@code
 * store.queues().setLimits("orders", QueueLimits.concurrency(5).withRate(100, Duration.ofSeconds(1)));
 * }</pre>
 *
 * @param concurrency at most this many messages leased at once, or null for no concurrency limit
 * @param rate        at most this many messages dequeued per {@code ratePeriod}, or null for no rate limit
 * @param ratePeriod  the rate limit's window (whole milliseconds), null exactly when {@code rate} is
 */
public record QueueLimits(Integer concurrency, Integer rate, Duration ratePeriod) {

    public QueueLimits {
        if (concurrency != null && concurrency < 1) {
            throw new IllegalArgumentException("concurrency limit must be at least 1, was " + concurrency);
        }
        if (rate != null && rate < 1) {
            throw new IllegalArgumentException("rate limit must be at least 1 message per period, was " + rate);
        }
        if (rate != null && ratePeriod == null) {
            throw new IllegalArgumentException("rate limit of " + rate + " messages has no period");
        }
        if (rate == null && ratePeriod != null) {
            throw new IllegalArgumentException("rate period " + ratePeriod + " given without a rate limit");
        }
        if (ratePeriod != null && (ratePeriod.isNegative() || ratePeriod.toMillis() < 1
                || ratePeriod.toNanos() % 1_000_000 != 0)) {
            throw new IllegalArgumentException("rate period must be a positive whole number of milliseconds, was "
                    + ratePeriod);
        }
        if (concurrency == null && rate == null) {
            throw new IllegalArgumentException("queue limits without a concurrency or a rate limit: use "
                    + "Queues.clearLimits to remove a queue's limits");
        }
    }

    /** At most {@code maxLeased} messages of the queue leased at once. */
    public static QueueLimits concurrency(int maxLeased) {
        return new QueueLimits(maxLeased, null, null);
    }

    /** At most {@code messages} dequeued per {@code period}. */
    public static QueueLimits rate(int messages, Duration period) {
        return new QueueLimits(null, messages, period);
    }

    /** These limits with a concurrency limit (replacing any). */
    public QueueLimits withConcurrency(int maxLeased) {
        return new QueueLimits(maxLeased, rate, ratePeriod);
    }

    /** These limits with a rate limit (replacing any). */
    public QueueLimits withRate(int messages, Duration period) {
        return new QueueLimits(concurrency, messages, period);
    }
}
