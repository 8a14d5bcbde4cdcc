package dev.pgqrs.internal;

import java.util.Arrays;

/**
 * What the engine counts as it moves messages and runs, told to whoever listens (the meters of
 * {@code dev.pgqrs.metrics}). Counting happens in memory around the statements the engine runs anyway: no
 * statement and no round trip is added, and with no listener a call is one volatile read.
 *
 * <p>A listener is called on the thread that ran the statement, after it succeeded; it must be quick and
 * must not throw.
 */
public final class EngineEvents {

    /** Told about each statement that moved messages or ended a run. */
    public interface Listener {
        /** {@code messages} inserted into {@code queue} by one statement that took {@code nanos}. */
        default void enqueued(String queue, int messages, long nanos) {
        }

        /** {@code messages} leased from {@code queue} by one dequeue statement that took {@code nanos} (0 when empty). */
        default void dequeued(String queue, int messages, long nanos) {
        }

        /** Deliveries archived or deleted by their consumer (a handled message). */
        default void acknowledged(String queue, int messages) {
        }

        /** Deliveries given back after a failed attempt, to be delivered again. */
        default void retried(String queue, int messages) {
        }

        /** Messages moved to the dead-letter state (by a consumer, a worker, or a dequeue at the delivery limit). */
        default void deadLettered(String queue, int messages) {
        }

        /** A run of {@code workflow} ended with {@code status}; {@code nanos} is the execution that ended it. */
        default void runFinished(String workflow, String status, long nanos) {
        }

        /** A step's attempt failed and the step will be tried again. */
        default void stepRetried(String workflow, String step) {
        }
    }

    private static final Listener[] NONE = new Listener[0];

    private volatile Listener[] listeners = NONE;

    public synchronized void add(Listener listener) {
        Listener[] now = Arrays.copyOf(listeners, listeners.length + 1);
        now[now.length - 1] = listener;
        listeners = now;
    }

    public synchronized void remove(Listener listener) {
        listeners = Arrays.stream(listeners).filter(l -> l != listener).toArray(Listener[]::new);
    }

    public void enqueued(String queue, int messages, long nanos) {
        for (Listener l : listeners) {
            l.enqueued(queue, messages, nanos);
        }
    }

    public void dequeued(String queue, int messages, long nanos) {
        for (Listener l : listeners) {
            l.dequeued(queue, messages, nanos);
        }
    }

    public void acknowledged(String queue, int messages) {
        if (messages > 0) {
            for (Listener l : listeners) {
                l.acknowledged(queue, messages);
            }
        }
    }

    public void retried(String queue, int messages) {
        if (messages > 0) {
            for (Listener l : listeners) {
                l.retried(queue, messages);
            }
        }
    }

    public void deadLettered(String queue, int messages) {
        if (messages > 0) {
            for (Listener l : listeners) {
                l.deadLettered(queue, messages);
            }
        }
    }

    public void runFinished(String workflow, String status, long nanos) {
        for (Listener l : listeners) {
            l.runFinished(workflow, status, nanos);
        }
    }

    public void stepRetried(String workflow, String step) {
        for (Listener l : listeners) {
            l.stepRetried(workflow, step);
        }
    }
}
