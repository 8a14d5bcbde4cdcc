package dev.pgqrs.examples.admin;

import dev.pgqrs.QueueMetrics;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Rates of a queue from two reads of its counters: messages enqueued per second (growth of {@code total}) and
 * settled per second (growth of {@code archived}, dead letters included), between this read and a baseline
 * read at least {@link #MIN_SPAN} earlier. The engine counts rows, not events, so the two reads are the only
 * way to a rate without a meter; the baseline moves forward once it is that old, so a rate covers the last
 * one to two spans whoever asks and however often. Rows deleted in between (retention, a purge) are not
 * counted as negative traffic: a rate is never below zero.
 */
final class QueueRates {

    static final Duration MIN_SPAN = Duration.ofSeconds(1);

    /** One read of a queue's counters. */
    private record Sample(Instant at, long total, long settled) {
    }

    /** Rates of one queue; null until two reads are at least {@link #MIN_SPAN} apart. */
    record Rates(double enqueuedPerSecond, double settledPerSecond, Duration span) {
    }

    private final Map<String, Sample> baseline = new HashMap<>();
    private final Map<String, Sample> latest = new HashMap<>();

    /** Records the read and answers the queue's rates against the baseline (null while there is none yet). */
    synchronized Rates observe(QueueMetrics m, Instant at) {
        Sample now = new Sample(at, m.total(), m.archived() + m.deadLettered());
        Sample last = latest.get(m.queue());
        Sample base = baseline.get(m.queue());
        if (last == null) {
            baseline.put(m.queue(), now);
            latest.put(m.queue(), now);
            return null;
        }
        if (Duration.between(last.at(), at).compareTo(MIN_SPAN) >= 0 && Duration.between(base.at(), last.at()).compareTo(MIN_SPAN) >= 0) {
            base = last; // the baseline moves on, keeping a span of at least MIN_SPAN
            baseline.put(m.queue(), base);
        }
        latest.put(m.queue(), now);
        Duration span = Duration.between(base.at(), at);
        if (span.compareTo(MIN_SPAN) < 0) {
            return null;
        }
        double seconds = span.toNanos() / 1e9;
        return new Rates(Math.max(0, now.total() - base.total()) / seconds, Math.max(0, now.settled() - base.settled()) / seconds, span);
    }
}
