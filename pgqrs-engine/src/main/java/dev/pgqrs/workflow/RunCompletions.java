package dev.pgqrs.workflow;

/**
 * Wakes threads waiting for run results in this process when a local worker finishes a run, so they
 * need not wait for their next poll. Runs finished by other processes are found by polling.
 */
final class RunCompletions {

    private long generation;

    synchronized long generation() {
        return generation;
    }

    synchronized void finished() {
        generation++;
        notifyAll();
    }

    /** Waits until a run finishes after {@code seen} was read, or the time passes. */
    synchronized void await(long seen, long millis) throws InterruptedException {
        if (generation == seen && millis > 0) {
            wait(millis);
        }
    }
}
