package dev.pgqrs.bench.workflow;

import dev.pgqrs.bench.report.ProgressBar;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/** What one workflow run of the scenario observes: the timed window, step bodies executed, errors. */
public final class WorkflowProbe {

    private final AtomicLong stepBodies = new AtomicLong();
    private final AtomicLong triggered = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicReference<String> firstError = new AtomicReference<>();
    private final long maxRunNanos;
    private final ProgressBar progress;
    private final int steps;
    private volatile long startNanos;
    private volatile long stopNanos;
    private volatile long lastTriggerNanos;

    WorkflowProbe(WorkflowSettings settings, int steps, ProgressBar progress) {
        this.maxRunNanos = settings.maxRunTime().toNanos();
        this.steps = steps;
        this.progress = progress;
    }

    void startClock() {
        startNanos = System.nanoTime();
    }

    void stopClock() {
        if (stopNanos == 0) {
            stopNanos = System.nanoTime();
        }
    }

    boolean timeUp() {
        return System.nanoTime() - startNanos >= maxRunNanos;
    }

    double elapsedSeconds() {
        return ((stopNanos != 0 ? stopNanos : System.nanoTime()) - startNanos) / 1e9;
    }

    /** A step body ran (a step that completed is never run again, so this counts executions). */
    void stepRan() {
        stepBodies.incrementAndGet();
    }

    void triggered() {
        triggered.incrementAndGet();
        lastTriggerNanos = System.nanoTime();
    }

    /** When the last trigger returned, in seconds since the clock started (0 if none did). */
    double triggersDoneSeconds() {
        long last = lastTriggerNanos;
        return last == 0 ? 0 : (last - startNanos) / 1e9;
    }

    /** Runs known complete so far, for the progress bar. */
    void completed(long runsDone, long previouslyReported) {
        progress.advance(runsDone - previouslyReported);
    }

    void error(Throwable e) {
        errors.incrementAndGet();
        firstError.compareAndSet(null, e.getClass().getSimpleName() + ": " + e.getMessage());
    }

    long stepBodies() {
        return stepBodies.get();
    }

    long triggeredCount() {
        return triggered.get();
    }

    long errors() {
        return errors.get();
    }

    String firstError() {
        return firstError.get();
    }

    int steps() {
        return steps;
    }
}
