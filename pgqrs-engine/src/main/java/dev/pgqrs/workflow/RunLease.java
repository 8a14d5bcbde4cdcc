package dev.pgqrs.workflow;

/**
 * A worker's hold on a run: it owns the run's message (the queue's lease) under its worker id, as the
 * delivery {@code readCount} counted. Every checkpoint of the run is conditional on still owning the
 * message, so a worker whose lease ran out and was taken over can no longer change the run; finishing
 * (the queue's own archive) is fenced on the delivery too.
 *
 * @param parentRunId the run that started this one from a step (woken when this one finishes), or null
 */
record RunLease(long runId, long messageId, int readCount, long workerId, Long parentRunId) {

    RunLease(long runId, long messageId, int readCount, long workerId) {
        this(runId, messageId, readCount, workerId, null);
    }
}
