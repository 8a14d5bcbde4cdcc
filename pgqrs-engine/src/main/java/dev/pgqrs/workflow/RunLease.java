package dev.pgqrs.workflow;

/**
 * A worker's hold on a run: it owns the run's message (the queue's lease) under its worker id. Every
 * checkpoint of the run is conditional on still owning the message, so a worker whose lease ran out
 * and was taken over can no longer change the run.
 */
record RunLease(long runId, long messageId, long workerId) {
}
