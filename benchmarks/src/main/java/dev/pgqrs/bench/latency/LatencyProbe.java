package dev.pgqrs.bench.latency;

import dev.pgqrs.bench.measure.LatencyRecorder;
import dev.pgqrs.bench.report.ProgressBar;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/** What one latency run observes: sends, receipts (recorded only after the warm-up), errors. */
public final class LatencyProbe {

    private final LatencyRecorder latency = new LatencyRecorder();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong sentInWindow = new AtomicLong();
    private final AtomicLong lastCommitNanos = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicReference<String> firstError = new AtomicReference<>();
    private final ProgressBar progress;
    private volatile long recordFromNanos = Long.MAX_VALUE;

    LatencyProbe(ProgressBar progress) {
        this.progress = progress;
    }

    /** Messages scheduled at or after this instant are recorded; earlier ones were the warm-up. */
    void recordFrom(long nanos) {
        recordFromNanos = nanos;
    }

    /** A message due at {@code scheduledNanos} was committed at {@code committedNanos}. */
    void sent(long scheduledNanos, long committedNanos) {
        sent.incrementAndGet();
        if (scheduledNanos >= recordFromNanos) {
            sentInWindow.incrementAndGet();
            lastCommitNanos.accumulateAndGet(committedNanos, Math::max);
        }
    }

    /**
     * Messages per second the producer actually committed in the recorded window: below the
     * target rate when commits could not keep up (the latency then includes the producer's delay).
     */
    double achievedRate() {
        long last = lastCommitNanos.get();
        return last <= recordFromNanos ? 0 : sentInWindow.get() / ((last - recordFromNanos) / 1e9);
    }

    /** A consumer took a message stamped {@code scheduledNanos} in hand now. */
    void received(long scheduledNanos) {
        long now = System.nanoTime();
        received.incrementAndGet();
        if (scheduledNanos >= recordFromNanos) {
            latency.recordNanos(now - scheduledNanos);
            progress.advance(1);
        }
    }

    void error(Throwable e) {
        errors.incrementAndGet();
        firstError.compareAndSet(null, e.getClass().getSimpleName() + ": " + e.getMessage());
    }

    LatencyRecorder latency() {
        return latency;
    }

    long sentCount() {
        return sent.get();
    }

    long receivedCount() {
        return received.get();
    }

    long errors() {
        return errors.get();
    }

    String firstError() {
        return firstError.get();
    }
}
