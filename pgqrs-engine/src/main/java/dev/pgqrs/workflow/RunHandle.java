package dev.pgqrs.workflow;


import java.time.Duration;
import java.util.Optional;

/**
 * A handle on a run: its id, and its result once it has one. Cheap to create and to keep; every call
 * reads the run's current state from the store.
 */
public final class RunHandle<O> {

    private static final long MAX_POLL_MILLIS = 200;

    private final Workflows workflows;
    private final long id;
    private final Class<O> outputType;
    private final boolean duplicate;

    RunHandle(Workflows workflows, long id, Class<O> outputType) {
        this(workflows, id, outputType, false);
    }

    RunHandle(Workflows workflows, long id, Class<O> outputType, boolean duplicate) {
        this.workflows = workflows;
        this.id = id;
        this.outputType = outputType;
        this.duplicate = duplicate;
    }

    public long id() {
        return id;
    }

    /**
     * True when the trigger that returned this handle found its run key held: no run was started, and this is
     * the run that holds the key. False for every other handle.
     */
    public boolean isDuplicate() {
        return duplicate;
    }

    public RunInfo info() {
        return workflows.get(id);
    }

    public RunStatus status() {
        return info().status();
    }

    /**
     * The result, without waiting: empty while the run is unfinished.
     *
     * @throws RunFailedException    if the run ended in ERROR
     * @throws RunCancelledException if it was cancelled
     */
    public Optional<O> result() {
        RunInfo run = info();
        return run.isFinished() ? Optional.ofNullable(outcome(run)) : Optional.empty();
    }

    /**
     * Waits for the run to finish and returns its output.
     *
     * @throws RunNotFinishedException if it has not finished within {@code timeout}
     * @throws RunFailedException      if it ended in ERROR
     * @throws RunCancelledException   if it was cancelled
     */
    public O await(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long pause = 2;
        RunCompletions completions = workflows.completions();
        while (true) {
            long seen = completions.generation();
            RunInfo run = info();
            if (run.isFinished()) {
                return outcome(run);
            }
            long remaining = (deadline - System.nanoTime()) / 1_000_000;
            if (remaining <= 0) {
                throw new RunNotFinishedException(run, timeout);
            }
            try {
                completions.await(seen, Math.min(pause, remaining));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RunNotFinishedException(run, timeout);
            }
            pause = Math.min(pause * 2, MAX_POLL_MILLIS);
        }
    }

    /** Requests cancellation (see {@link Workflows#cancel}). */
    public RunStatus cancel() {
        return workflows.cancel(id);
    }

    private O outcome(RunInfo run) {
        switch (run.status()) {
            case SUCCESS:
                return run.outputJson() == null ? null : workflows.codec().read(run.outputJson(), outputType);
            case CANCELLED:
                throw new RunCancelledException(run);
            default:
                throw new RunFailedException(run);
        }
    }

    @Override
    public String toString() {
        return "RunHandle{" + id + "}";
    }
}
