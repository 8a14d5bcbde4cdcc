package dev.pgqrs.workflow;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The timeout of one step attempt: interrupts the attempt's thread when it fires. Firing and stopping are
 * mutually exclusive, so the thread is interrupted only while the attempt runs, and a stop after a firing clears
 * the interrupt before the runtime goes on with its own statements on that thread.
 */
final class StepTimer {

    private final Thread thread;
    private ScheduledFuture<?> future;
    private boolean fired;
    private boolean stopped;

    private StepTimer(Thread thread) {
        this.thread = thread;
    }

    static StepTimer start(ScheduledExecutorService timers, Thread thread, Duration timeout) {
        StepTimer timer = new StepTimer(thread);
        synchronized (timer) {
            timer.future = timers.schedule(timer::fire, timeout.toNanos(), TimeUnit.NANOSECONDS);
        }
        return timer;
    }

    private synchronized void fire() {
        if (!stopped) {
            fired = true;
            thread.interrupt();
        }
    }

    /** Stops the timer; returns whether it had fired (the attempt timed out). Call on the attempt's thread. */
    synchronized boolean stop() {
        stopped = true;
        future.cancel(false);
        if (fired) {
            Thread.interrupted(); // the interrupt was for the step's body, not for what runs next on this thread
        }
        return fired;
    }
}
