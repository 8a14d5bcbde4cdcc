package dev.pgqrs.workflow;

import dev.pgqrs.workflow.WorkflowTransitions.StepCommit;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The completion of the step a run's function has just returned from, held back for a short linger so that the
 * write that comes next carries it: the next step's or wait's (written first, in its own commit, before that
 * step's body runs) or, when the function returns right after the step, the run's finish (the same commit). A
 * function that does neither within the linger has it written by a timer, so a completed step is durable at most
 * that long after its body returned: a crash inside that window runs the step again, as a crash between a body's
 * return and its checkpoint always did.
 *
 * <p>Shared by the run's thread and one timer task: whichever takes the completion first writes it; the run's
 * thread learns the outcome of a timer's write the next time it asks.
 */
final class HeldStepCompletion {

    /** A plain step's success, not written yet. */
    record Completion(String step, String outputJson, long elapsedMillis) implements Taken {
    }

    /** A completion the timer wrote: its commit, or why the write failed (a {@link RunInterrupted} when it gave the run up). */
    record Written(Completion completion, StepCommit commit, Throwable failure) implements Taken {
    }

    /** What {@link #take} hands the run's thread: a completion still to write, or the outcome of the timer's write. */
    sealed interface Taken permits Completion, Written {
    }

    private final ScheduledExecutorService timers;
    private final Executor lateWrites;
    private final long lingerMicros;
    private final Function<Completion, StepCommit> write;
    private Completion held;
    private ScheduledFuture<?> timer;
    private boolean timerWriting;
    private Written writtenByTimer;

    HeldStepCompletion(ScheduledExecutorService timers, Executor lateWrites, long lingerMicros,
                       Function<Completion, StepCommit> write) {
        this.timers = timers;
        this.lateWrites = lateWrites;
        this.lingerMicros = lingerMicros;
        this.write = write;
    }

    /** Holds a step's completion until the next write takes it or the linger ends. */
    synchronized void hold(Completion completion) {
        if (held != null || timerWriting || writtenByTimer != null) {
            throw new IllegalStateException("a step's completion is held already: take it before holding another");
        }
        held = completion;
        timer = timers.schedule(this::lingerEnded, lingerMicros, TimeUnit.MICROSECONDS);
    }

    /**
     * Takes what is held, for the run's thread to write or to act on: the completion itself (its timer
     * cancelled), the outcome of the timer's write (waiting for a write under way to end), or null.
     */
    synchronized Taken take() {
        boolean interrupted = false;
        while (timerWriting) {
            try {
                wait();
            } catch (InterruptedException e) {
                interrupted = true; // the write ends on its own; the caller's interrupt is kept for it
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (writtenByTimer != null) {
            Written w = writtenByTimer;
            writtenByTimer = null;
            return w;
        }
        Completion c = held;
        if (c != null) {
            held = null;
            timer.cancel(false);
            timer = null;
        }
        return c;
    }

    private void lingerEnded() {
        try {
            lateWrites.execute(this::writeLate);
        } catch (RejectedExecutionException closing) {
            writeLate(); // the store is closing: write it here rather than not at all
        }
    }

    private void writeLate() {
        Completion c;
        synchronized (this) {
            if (held == null) {
                return;
            }
            c = held;
            held = null;
            timer = null;
            timerWriting = true;
        }
        Written outcome;
        try {
            outcome = new Written(c, write.apply(c), null);
        } catch (RuntimeException | RunInterrupted e) {
            outcome = new Written(c, null, e);
        }
        synchronized (this) {
            writtenByTimer = outcome;
            timerWriting = false;
            notifyAll();
        }
    }
}
