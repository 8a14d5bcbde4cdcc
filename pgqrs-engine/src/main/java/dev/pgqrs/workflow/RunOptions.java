package dev.pgqrs.workflow;

import dev.pgqrs.EnqueueOptions;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * How to start a run, beyond its input: the queue options of its message (delay, priority, run key), a
 * deadline or a timeout, and the version to record when triggering by name. Immutable.
 *
 * <pre>{@code
 * workflows.trigger(CHECKOUT, order, RunOptions.defaults()
 *         .timeout(Duration.ofMinutes(10))          // counted from the run's first start
 *         .enqueue(EnqueueOptions.withDedupKey("order-" + order.id())));
 * }</pre>
 *
 * <p>A run past its deadline (or its timeout) is cancelled: a worker executing it stops at the next step
 * boundary, as on {@link Workflows#cancel}; a run waiting or queued is cancelled when it is next taken, which
 * is at its deadline at the latest for a waiting run. It ends {@code CANCELLED} with the reason as its error.
 *
 * @param enqueue  the message's options (delay, priority, run key)
 * @param deadline when the run is cancelled if unfinished, or null
 * @param timeout  how long the run may take from its first start, or null; with a deadline too, the
 *                 earlier of the two applies
 * @param version  the version to record on a run triggered by name (a trigger through a {@link Workflow}
 *                 records the definition's own); null records none, and any worker executes the run
 */
public record RunOptions(EnqueueOptions enqueue, Instant deadline, Duration timeout, String version) {

    public RunOptions {
        Objects.requireNonNull(enqueue, "enqueue");
        if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
            throw new IllegalArgumentException("run timeout must be positive, was " + timeout);
        }
        if (version != null) {
            Workflow.requireVersion(version);
        }
    }

    public static RunOptions defaults() {
        return new RunOptions(EnqueueOptions.defaults(), null, null, null);
    }

    public RunOptions enqueue(EnqueueOptions options) {
        return new RunOptions(options, deadline, timeout, version);
    }

    public RunOptions deadline(Instant at) {
        return new RunOptions(enqueue, at, timeout, version);
    }

    public RunOptions timeout(Duration d) {
        return new RunOptions(enqueue, deadline, d, version);
    }

    public RunOptions version(String v) {
        return new RunOptions(enqueue, deadline, timeout, v);
    }
}
