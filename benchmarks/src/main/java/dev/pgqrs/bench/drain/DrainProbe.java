package dev.pgqrs.bench.drain;

import dev.pgqrs.bench.measure.LatencyRecorder;
import dev.pgqrs.bench.report.ProgressBar;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What one drain run observes, shared by its consumer threads: the timed window, call latencies,
 * every delivered id (to prove exactly-once delivery), acks and errors.
 *
 * <p>Contenders start the clock when their consumers are ready and released, and stop it when the
 * last ack returned, so set-up (pools, worker rows, route start-up) is not timed.
 */
public final class DrainProbe {

    private final int messages;
    private final long maxRunNanos;
    private final ProgressBar progress;
    private final LatencyRecorder dequeueLatency = new LatencyRecorder();
    private final LatencyRecorder ackLatency = new LatencyRecorder();
    private final Set<Long> seen = ConcurrentHashMap.newKeySet();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong acked = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicReference<String> firstError = new AtomicReference<>();
    private volatile long startNanos;
    private volatile long stopNanos;

    public DrainProbe(DrainSettings settings, ProgressBar progress) {
        this.messages = settings.messages();
        this.maxRunNanos = settings.maxRunTime().toNanos();
        this.progress = progress;
    }

    public int messages() {
        return messages;
    }

    public void startClock() {
        startNanos = System.nanoTime();
    }

    public void stopClock() {
        if (stopNanos == 0) {
            stopNanos = System.nanoTime();
        }
    }

    /** True once the run's time cap has passed: consumers finish their current batch and stop. */
    public boolean timeUp() {
        return startNanos != 0 && System.nanoTime() - startNanos >= maxRunNanos;
    }

    public long deadlineNanos() {
        return startNanos + maxRunNanos;
    }

    public double elapsedSeconds() {
        long end = stopNanos != 0 ? stopNanos : System.nanoTime();
        return (end - startNanos) / 1e9;
    }

    /** A consumer received message {@code id}. */
    public void delivered(long id) {
        if (!seen.add(id)) {
            duplicates.incrementAndGet();
        }
        delivered.incrementAndGet();
    }

    /** {@code n} messages were acknowledged (archived, deleted, completed). */
    public void acked(int n) {
        acked.addAndGet(n);
        progress.advance(n);
    }

    public boolean allAcked() {
        return acked.get() >= messages;
    }

    public void error(Throwable e) {
        errors.incrementAndGet();
        firstError.compareAndSet(null, e.getClass().getSimpleName() + ": " + e.getMessage());
    }

    public void error(String what) {
        errors.incrementAndGet();
        firstError.compareAndSet(null, what);
    }

    public LatencyRecorder dequeueLatency() {
        return dequeueLatency;
    }

    public LatencyRecorder ackLatency() {
        return ackLatency;
    }

    public long delivered() {
        return delivered.get();
    }

    public long distinctDelivered() {
        return seen.size();
    }

    public long duplicates() {
        return duplicates.get();
    }

    public long acked() {
        return acked.get();
    }

    public long errors() {
        return errors.get();
    }

    public String firstError() {
        return firstError.get();
    }
}
