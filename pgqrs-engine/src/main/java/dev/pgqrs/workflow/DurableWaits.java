package dev.pgqrs.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgqrs.PayloadCodec;
import dev.pgqrs.workflow.WorkflowTransitions.Received;
import dev.pgqrs.workflow.WorkflowTransitions.StepState;
import dev.pgqrs.workflow.WorkflowTransitions.Waiting;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The waits of one execution of a run: durable sleep, pause, and receiving an event. Each is a step:
 * the first time, it records its wake-up time and ends the execution (the run holds no thread while it
 * waits); when the run is continued after that time, or resumed, or sent the event, the step completes
 * and is replayed from then on.
 */
final class DurableWaits {

    /** Room left in a step name for the {@code recv:} prefix and a {@code #n} suffix. */
    private static final int MAX_TOPIC = StepRunner.MAX_STEP_NAME - 16;

    private final StepRunner steps;
    private final RunCheckpoints checkpoints;
    private final DatabaseClock clock;
    private final PayloadCodec codec;
    /** How often each topic was received so far in this execution: names the next {@code recv} step. */
    private final Map<String, Integer> receives = new HashMap<>();

    DurableWaits(StepRunner steps, RunCheckpoints checkpoints, DatabaseClock clock, PayloadCodec codec) {
        this.codec = codec;
        this.steps = steps;
        this.checkpoints = checkpoints;
        this.clock = clock;
    }

    void sleep(String name, Duration duration) {
        requireNotNegative("sleep duration", duration);
        StepInfo row = steps.enter(name);
        if (row != null && row.status() == RunStatus.SUCCESS) {
            return;
        }
        if (row == null && !duration.isZero()) {
            StepState wait = new StepState(RunStatus.PAUSED, WorkflowDocuments.SLEEP_WAIT, null, 0, duration.toMillis(), 0, 1);
            throw checkpoints.await(name, RunStatus.RUNNING, wait);
        }
        if (row != null && !clock.isDue(row.retryAt())) {
            throw checkpoints.await(name, RunStatus.RUNNING, null);
        }
        complete(name);
    }

    /** Pauses for {@code atMost}, or until resumed when null; the caller has checked the duration. */
    void pause(String name, Duration atMost) {
        StepInfo row = steps.enter(name);
        if (row != null && row.status() == RunStatus.SUCCESS) {
            return;
        }
        if (row == null) {
            Long millis = atMost == null ? null : atMost.toMillis();
            StepState wait = new StepState(RunStatus.PAUSED, WorkflowDocuments.PAUSE_WAIT, null, 0, millis, 0, 1);
            throw checkpoints.await(name, RunStatus.PAUSED, wait, WorkflowDocuments.runPause("paused at '" + name + "'", millis));
        }
        if (!clock.isDue(row.retryAt())) {
            throw checkpoints.await(name, RunStatus.PAUSED, null);
        }
        complete(name);
    }

    <T> Optional<T> receive(String topic, Class<T> type, Duration timeout) {
        if (topic == null || topic.isEmpty() || topic.length() > MAX_TOPIC) {
            throw new IllegalArgumentException("event topic must be 1 to " + MAX_TOPIC + " characters, was '" + topic + "'");
        }
        requireNotNegative("recv timeout", timeout);
        int occurrence = receives.merge(topic, 1, Integer::sum);
        String name = "recv:" + topic + (occurrence == 1 ? "" : "#" + occurrence);
        StepInfo row = steps.enter(name);
        String output;
        if (row != null && row.status() == RunStatus.SUCCESS) {
            output = row.outputJson();
        } else {
            StepState newWait = row != null ? null
                    : new StepState(RunStatus.PAUSED, WorkflowDocuments.eventWait(topic), null, 0, timeout.toMillis(), 0, 1);
            boolean timedOut = row == null ? timeout.isZero() : clock.isDue(row.retryAt());
            Received received = checkpoints.receive(topic, name, newWait, timedOut);
            switch (received.outcome()) {
                case CANCELLED:
                    throw checkpoints.finished(RunStatus.CANCELLED);
                case WAITING:
                    throw checkpoints.waiting(new Waiting(RunStatus.RUNNING, received.wakeAt()));
                default:
                    output = received.stepOutputJson();
            }
        }
        JsonNode value = WorkflowDocuments.receivedValue(output);
        return value == null ? Optional.empty() : Optional.of(codec.convert(value, type));
    }

    /** The wait is over: its step completes, a step boundary like any other. */
    private void complete(String name) {
        checkpoints.endIfCancelling(checkpoints.completeStep(name, null, 0));
    }

    static void requireNotNegative(String what, Duration d) {
        if (d == null || d.isNegative()) {
            throw new IllegalArgumentException(what + " must not be negative, was " + d);
        }
    }
}
