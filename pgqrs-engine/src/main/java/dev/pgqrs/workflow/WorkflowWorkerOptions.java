package dev.pgqrs.workflow;

import java.time.Duration;

/**
 * How a {@link WorkflowWorker} runs. Immutable; start from {@link #defaults()}.
 *
 * @param workerName      unique worker name, or null to generate one
 * @param concurrency     runs executed at once (threads); each holds a database connection only while
 *                        it checkpoints, a transactional step for the step's duration
 * @param leaseDuration   how long a run's message stays leased without a sign of life; the worker
 *                        extends it every third of that while it executes the run. After a crash the
 *                        run is taken over once it expires. Null: the store's visibility timeout
 * @param pollInterval    how often an idle worker looks for due runs when no wake-up arrives; null:
 *                        the store's poll interval
 * @param shutdownTimeout how long {@link WorkflowWorker#close()} waits for executions to reach a step
 *                        boundary before abandoning them to lease expiry
 * @param checkpointLinger how long a plain step's completion may wait for the run's next write to carry it, or
 *                        {@link Duration#ZERO} (the default) to write each completion as its step returns. With a
 *                        linger, the next step's start writes the completion first, and when the function returns
 *                        right after the step, the step's completion, the run's finish and the message's archive
 *                        share one commit. A completion still held when the linger ends is written on its own. The
 *                        price: the function's code after a step runs before the step is durable, so a crash in
 *                        that window (at most the linger) runs the step again — without a linger a step that
 *                        returned is never run again. A few milliseconds cover a function's return
 */
public record WorkflowWorkerOptions(String workerName, int concurrency, Duration leaseDuration, Duration pollInterval,
                                    Duration shutdownTimeout, Duration checkpointLinger) {


    public WorkflowWorkerOptions {
        if (concurrency < 1) {
            throw new IllegalArgumentException("workflow worker concurrency must be at least 1, was " + concurrency);
        }
        requirePositive("leaseDuration", leaseDuration, true);
        requirePositive("pollInterval", pollInterval, true);
        requirePositive("shutdownTimeout", shutdownTimeout, false);
        if (checkpointLinger == null || checkpointLinger.isNegative() || checkpointLinger.compareTo(Duration.ofSeconds(1)) > 0) {
            throw new IllegalArgumentException("workflow worker checkpointLinger must be from 0 to 1 second, was "
                    + checkpointLinger);
        }
        if (leaseDuration != null && leaseDuration.toMillis() < 300) {
            throw new IllegalArgumentException("leaseDuration must be at least 300 ms (it is extended every third of it), was "
                    + leaseDuration);
        }
    }

    private static void requirePositive(String name, Duration d, boolean nullable) {
        if (d == null ? !nullable : d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("workflow worker " + name + " must be a positive duration, was " + d);
        }
    }

    /** As before {@link #checkpointLinger} existed: each step's completion written as its step returns. */
    public WorkflowWorkerOptions(String workerName, int concurrency, Duration leaseDuration, Duration pollInterval,
                                 Duration shutdownTimeout) {
        this(workerName, concurrency, leaseDuration, pollInterval, shutdownTimeout, Duration.ZERO);
    }

    /** Eight concurrent runs, the store's lease and poll settings, ten seconds to shut down, no checkpoint linger. */
    public static WorkflowWorkerOptions defaults() {
        return new WorkflowWorkerOptions(null, 8, null, null, Duration.ofSeconds(10), Duration.ZERO);
    }

    public WorkflowWorkerOptions workerName(String name) {
        return new WorkflowWorkerOptions(name, concurrency, leaseDuration, pollInterval, shutdownTimeout, checkpointLinger);
    }

    public WorkflowWorkerOptions concurrency(int runs) {
        return new WorkflowWorkerOptions(workerName, runs, leaseDuration, pollInterval, shutdownTimeout, checkpointLinger);
    }

    public WorkflowWorkerOptions leaseDuration(Duration lease) {
        return new WorkflowWorkerOptions(workerName, concurrency, lease, pollInterval, shutdownTimeout, checkpointLinger);
    }

    public WorkflowWorkerOptions pollInterval(Duration interval) {
        return new WorkflowWorkerOptions(workerName, concurrency, leaseDuration, interval, shutdownTimeout, checkpointLinger);
    }

    public WorkflowWorkerOptions shutdownTimeout(Duration timeout) {
        return new WorkflowWorkerOptions(workerName, concurrency, leaseDuration, pollInterval, timeout, checkpointLinger);
    }

    public WorkflowWorkerOptions checkpointLinger(Duration linger) {
        return new WorkflowWorkerOptions(workerName, concurrency, leaseDuration, pollInterval, shutdownTimeout, linger);
    }
}
