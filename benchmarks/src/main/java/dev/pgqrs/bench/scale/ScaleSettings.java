package dev.pgqrs.bench.scale;

/**
 * @param messages     messages drained in each run (taken from the backlog, or enqueued fresh when there is none)
 * @param consumers    consumer threads of the drain
 * @param batch        messages per dequeue
 * @param metricsCalls timed {@code queues().metrics()} calls per run
 */
public record ScaleSettings(int messages, int consumers, int batch, int metricsCalls) {
}
