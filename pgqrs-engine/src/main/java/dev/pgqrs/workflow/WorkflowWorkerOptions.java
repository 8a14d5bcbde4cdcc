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
 */
public record WorkflowWorkerOptions(String workerName, int concurrency, Duration leaseDuration, Duration pollInterval,
                                    Duration shutdownTimeout) {

    public WorkflowWorkerOptions {
        if (concurrency < 1) {
            throw new IllegalArgumentException("workflow worker concurrency must be at least 1, was " + concurrency);
        }
        requirePositive("leaseDuration", leaseDuration, true);
        requirePositive("pollInterval", pollInterval, true);
        requirePositive("shutdownTimeout", shutdownTimeout, false);
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

    /** Eight concurrent runs, the store's lease and poll settings, ten seconds to shut down. */
    public static WorkflowWorkerOptions defaults() {
        return new WorkflowWorkerOptions(null, 8, null, null, Duration.ofSeconds(10));
    }

    public WorkflowWorkerOptions workerName(String name) {
        return new WorkflowWorkerOptions(name, concurrency, leaseDuration, pollInterval, shutdownTimeout);
    }

    public WorkflowWorkerOptions concurrency(int runs) {
        return new WorkflowWorkerOptions(workerName, runs, leaseDuration, pollInterval, shutdownTimeout);
    }

    public WorkflowWorkerOptions leaseDuration(Duration lease) {
        return new WorkflowWorkerOptions(workerName, concurrency, lease, pollInterval, shutdownTimeout);
    }

    public WorkflowWorkerOptions pollInterval(Duration interval) {
        return new WorkflowWorkerOptions(workerName, concurrency, leaseDuration, interval, shutdownTimeout);
    }

    public WorkflowWorkerOptions shutdownTimeout(Duration timeout) {
        return new WorkflowWorkerOptions(workerName, concurrency, leaseDuration, pollInterval, timeout);
    }
}
