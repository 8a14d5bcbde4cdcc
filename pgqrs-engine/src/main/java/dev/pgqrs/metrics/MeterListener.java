package dev.pgqrs.metrics;

import dev.pgqrs.internal.EngineEvents;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static dev.pgqrs.metrics.MeterNames.*;

/**
 * Turns what the engine counts ({@link EngineEvents}) into Micrometer counters and timers. The meters of a
 * queue, workflow or step are looked up once and kept, so the hot path pays a map read and an increment.
 */
final class MeterListener implements EngineEvents.Listener {

    private record QueueMeters(Counter enqueued, Counter dequeued, Counter acked, Counter retried,
                               Counter deadLettered, Timer enqueueLatency, Timer dequeueLatency) {
    }

    private final MeterRegistry registry;
    private final Tags tags;
    private final Map<String, QueueMeters> queues = new ConcurrentHashMap<>();
    private final Map<String, Counter> runs = new ConcurrentHashMap<>();
    private final Map<String, Timer> runDurations = new ConcurrentHashMap<>();
    private final Map<String, Counter> stepRetries = new ConcurrentHashMap<>();
    private final Function<String, QueueMeters> newQueueMeters;

    MeterListener(MeterRegistry registry, Tags tags) {
        this.registry = registry;
        this.tags = tags;
        this.newQueueMeters = this::queueMeters;
    }

    private QueueMeters queueMeters(String queue) {
        Tags t = tags.and(TAG_QUEUE, queue);
        return new QueueMeters(
                counter(ENQUEUED, "messages inserted into the queue", t),
                counter(DEQUEUED, "messages leased from the queue (each delivery)", t),
                counter(ACKED, "deliveries archived or deleted by their consumer", t),
                counter(RETRIED, "deliveries given back after a failed attempt", t),
                counter(DEAD_LETTERED, "messages moved to the dead-letter state", t),
                Timer.builder(ENQUEUE_LATENCY).description("one enqueue statement (a batch is one)").tags(t).register(registry),
                Timer.builder(DEQUEUE_LATENCY).description("one dequeue statement, empty ones included").tags(t).register(registry));
    }

    private Counter counter(String name, String description, Tags t) {
        return Counter.builder(name).description(description).tags(t).register(registry);
    }

    private QueueMeters of(String queue) {
        return queues.computeIfAbsent(queue, newQueueMeters);
    }

    @Override
    public void enqueued(String queue, int messages, long nanos) {
        QueueMeters m = of(queue);
        m.enqueued().increment(messages);
        m.enqueueLatency().record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void dequeued(String queue, int messages, long nanos) {
        QueueMeters m = of(queue);
        m.dequeued().increment(messages);
        m.dequeueLatency().record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void acknowledged(String queue, int messages) {
        of(queue).acked().increment(messages);
    }

    @Override
    public void retried(String queue, int messages) {
        of(queue).retried().increment(messages);
    }

    @Override
    public void deadLettered(String queue, int messages) {
        of(queue).deadLettered().increment(messages);
    }

    @Override
    public void runFinished(String workflow, String status, long nanos) {
        String key = workflow + '\u0000' + status;
        runs.computeIfAbsent(key, k -> Counter.builder(WORKFLOW_RUNS).description("workflow runs that ended, by status")
                .tags(tags.and(TAG_WORKFLOW, workflow, TAG_STATUS, status)).register(registry)).increment();
        runDurations.computeIfAbsent(key, k -> Timer.builder(WORKFLOW_RUN_DURATION)
                .description("the execution that ended the run, from its claim to its end")
                .tags(tags.and(TAG_WORKFLOW, workflow, TAG_STATUS, status)).register(registry))
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void stepRetried(String workflow, String step) {
        stepRetries.computeIfAbsent(workflow + '\u0000' + step, k -> Counter.builder(WORKFLOW_STEP_RETRIES)
                .description("failed step attempts that will be tried again")
                .tags(tags.and(TAG_WORKFLOW, workflow, TAG_STEP, step)).register(registry)).increment();
    }
}
