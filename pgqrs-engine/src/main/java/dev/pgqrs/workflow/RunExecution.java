package dev.pgqrs.workflow;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import dev.pgqrs.InvalidPayloadException;
import dev.pgqrs.payload.Json;
import dev.pgqrs.store.WorkflowRepository.StartedRun;
import dev.pgqrs.workflow.RunInterrupted.Kind;
import dev.pgqrs.workflow.WorkflowTransitions.Received;
import dev.pgqrs.workflow.WorkflowTransitions.StepCommit;
import dev.pgqrs.workflow.WorkflowTransitions.StepState;
import dev.pgqrs.workflow.WorkflowTransitions.Waiting;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * One execution of a run on a worker: calls the workflow function, replays completed steps from their
 * stored output, runs the others and records each outcome through {@link WorkflowTransitions}. Ends
 * when the run finishes, waits (retry, sleep, pause, event) or is given up; a later execution,
 * perhaps on another worker, continues from the recorded steps.
 *
 * <p>Exactly-once is about the <em>recorded result</em>: a step whose completion committed never runs
 * again. A step that was running when its worker died runs again, so its side effects outside the
 * checkpoint transaction are at-least-once ({@link #transactionalStep} makes database writes
 * exactly-once).
 */
final class RunExecution implements RunContext {

    private static final Logger LOG = LoggerFactory.getLogger(RunExecution.class);
    private static final int MAX_STEP_NAME = 255;
    private static final JavaType NOTHING = Json.MAPPER.constructType(Void.class);

    private final WorkflowWorker worker;
    private final WorkflowTransitions transitions;
    private final Workflow<Object, Object> workflow;
    private final StartedRun run;
    private final RunLease lease;
    private final Map<String, StepInfo> stored;
    private final Set<String> usedNames = new HashSet<>();
    private final Map<String, Integer> receives = new HashMap<>();
    private final long startNanos = System.nanoTime();
    /** The thread inside a RunContext call, if any: calls may come from any thread, but never overlap. */
    private final AtomicReference<Thread> caller = new AtomicReference<>();
    private volatile boolean inStep;
    private int attempt;
    private volatile RunInterrupted interruption;
    private volatile boolean ended;

    RunExecution(WorkflowWorker worker, WorkflowTransitions transitions, Workflow<Object, Object> workflow,
                 StartedRun run, long workerId, Map<String, StepInfo> stored) {
        this.worker = worker;
        this.transitions = transitions;
        this.workflow = workflow;
        this.run = run;
        this.lease = new RunLease(run.runId(), run.messageId(), workerId);
        this.stored = stored;
    }

    /** Runs the workflow function to its end or to its next wait. Never throws. */
    void execute() {
        Object input;
        try {
            input = run.inputJson() == null ? null : Json.MAPPER.readValue(run.inputJson(), workflow.inputType());
        } catch (IOException e) {
            failRun("invalid_input", "input of run " + run.runId() + " cannot be read as "
                    + workflow.inputType().getName() + ": " + e.getMessage(), e);
            return;
        }
        RetryPolicy runPolicy = workflow.runRetryPolicy();
        StepInfo attempts = runPolicy == null ? null : stored.get(Workflow.RUN_ATTEMPTS_STEP);
        int runAttempt;
        try {
            runAttempt = prepareRunAttempt(attempts);
        } catch (RunInterrupted e) {
            return;
        }
        long t0 = System.nanoTime();
        Object output;
        try {
            output = workflow.function().run(this, input);
        } catch (RunInterrupted e) {
            return;
        } catch (Throwable t) {
            if (interruption != null) {
                return; // workflow code wrapped or swallowed our interruption; the transition is done
            }
            if (t instanceof VirtualMachineError) {
                LOG.error("run {} of workflow '{}': {}; giving the run up to another attempt", run.runId(),
                        workflow.name(), t.toString());
                return;
            }
            if (runPolicy != null) {
                try {
                    throw runFailed(runPolicy, t, runAttempt, elapsedMillis(t0));
                } catch (RunInterrupted ignored) {
                    return; // waits for its retry or pause, or failed
                }
            }
            failRun("workflow_failed", "workflow '" + workflow.name() + "' failed outside its steps: "
                    + WorkflowDocuments.describe(t), t);
            return;
        } finally {
            ended = true;
        }
        if (interruption != null) {
            return; // the function swallowed a wait and returned: its value must not count
        }
        String json;
        try {
            json = output == null ? null : Json.write(output);
        } catch (InvalidPayloadException e) {
            failRun("invalid_output", "output of workflow '" + workflow.name() + "' cannot be stored as JSON: "
                    + e.getMessage(), e);
            return;
        }
        long elapsed = elapsedMillis(t0);
        try {
            finished(checkpoint(() -> attempts == null
                    ? transitions.finish(lease, RunStatus.SUCCESS, json, null, null, null)
                    : transitions.finishAfterRetries(lease, json, Workflow.RUN_ATTEMPTS_STEP, elapsed)));
        } catch (RunInterrupted ignored) {
            // finished or given up
        }
    }

    /**
     * Under a run retry policy: whether the function may be called now (its last failed attempt's
     * retry, or its pause, is due) and which attempt that is. Throws when the run must wait.
     */
    private int prepareRunAttempt(StepInfo attempts) {
        if (attempts == null || attempts.status() == RunStatus.SUCCESS) {
            return 1;
        }
        if (attempts.status() == RunStatus.ERROR && attempts.retryAt() == null) {
            failRun("permanent", "workflow '" + workflow.name() + "' had already failed for good: "
                    + attempts.errorMessage(), null);
            throw interruption;
        }
        if (!isDue(attempts.retryAt())) {
            RunStatus runStatus = attempts.status() == RunStatus.PAUSED ? RunStatus.PAUSED : RunStatus.RUNNING;
            throw waiting(checkpoint(() -> transitions.await(lease, Workflow.RUN_ATTEMPTS_STEP, runStatus, null)));
        }
        return attempts.retryCount() + 1;
    }

    /** An attempt of the function failed under the run retry policy: pause, retry, or fail. Returns what to throw. */
    private RunInterrupted runFailed(RetryPolicy policy, Throwable error, int attemptNo, long elapsed) {
        if (worker.isHalted()) {
            return interrupt(Kind.ABANDONED, "worker halted");
        }
        StepFailure failure = StepFailure.ofRun(workflow.name(), policy, error, attemptNo);
        String step = Workflow.RUN_ATTEMPTS_STEP;
        switch (failure.outcome()) {
            case PAUSE: {
                StepState paused = new StepState(RunStatus.PAUSED, WorkflowDocuments.PAUSE_WAIT, failure.stepErrorJson(),
                        attemptNo - 1, failure.delayMillis(), elapsed, attemptNo);
                return waiting(checkpoint(() -> transitions.await(lease, step, RunStatus.PAUSED, paused)));
            }
            case RETRY: {
                LOG.debug("run {}: attempt {} of workflow '{}' failed ({}), retrying in {} ms", run.runId(), attemptNo,
                        workflow.name(), error, failure.delayMillis());
                StepState retry = new StepState(RunStatus.ERROR, null, failure.stepErrorJson(), attemptNo,
                        failure.delayMillis(), elapsed, attemptNo);
                return waiting(checkpoint(() -> transitions.await(lease, step, RunStatus.RUNNING, retry)));
            }
            default: {
                StepState failed = new StepState(RunStatus.ERROR, null, failure.stepErrorJson(), attemptNo, null,
                        elapsed, attemptNo);
                return finished(checkpoint(() -> transitions.finish(lease, RunStatus.ERROR, null, failure.runErrorJson(),
                        step, failed)));
            }
        }
    }

    private void failRun(String kind, String message, Throwable cause) {
        String error = WorkflowDocuments.runFailure(kind, message, cause, null, null);
        try {
            finished(checkpoint(() -> transitions.finish(lease, RunStatus.ERROR, null, error, null, null)));
        } catch (RunInterrupted ignored) {
            // finished or given up
        }
    }

    // ---- RunContext ---------------------------------------------------------------------------------

    @Override
    public long runId() {
        return run.runId();
    }

    @Override
    public String workflow() {
        return workflow.name();
    }

    @Override
    public int attempt() {
        if (!inStep) {
            throw new IllegalStateException("attempt() is only meaningful inside a step body");
        }
        return attempt;
    }

    @Override
    public RetryPolicy retryPolicy() {
        return workflow.retryPolicy();
    }

    @Override
    public <T> T step(String name, Class<T> type, RetryPolicy policy, StepBody<T> body) {
        return exclusive(() -> plainStep(name, Json.MAPPER.constructType(type), policy, body));
    }

    @Override
    public <T> T step(String name, TypeReference<T> type, RetryPolicy policy, StepBody<T> body) {
        return exclusive(() -> plainStep(name, Json.MAPPER.constructType(type), policy, body));
    }

    @Override
    public <T> T transactionalStep(String name, Class<T> type, RetryPolicy policy, TransactionalStepBody<T> body) {
        return exclusive(() -> transactional(name, type, policy, body));
    }

    private <T> T transactional(String name, Class<T> type, RetryPolicy policy, TransactionalStepBody<T> body) {
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(body, "body");
        JavaType javaType = Json.MAPPER.constructType(type);
        StepInfo row = enterStep(name);
        if (row != null && row.status() == RunStatus.SUCCESS) {
            return read(row, javaType);
        }
        int attemptNo = prepareAttempt(name, row);
        long t0 = System.nanoTime();
        TransactionalOutcome<T> outcome = new TransactionalOutcome<>();
        if (worker.isHalted()) {
            throw interrupt(Kind.ABANDONED, "worker halted");
        }
        try {
            transitions.database().transaction("transactional step '" + name + "' of run " + run.runId(), c -> {
                T value;
                try {
                    value = invoke(() -> body.apply(c), attemptNo);
                } catch (Throwable t) {
                    throw new BodyFailed(t);
                }
                String json = serializeOrFail(value);
                if (worker.isHalted()) {
                    throw new BodyFailed(null);
                }
                StepCommit commit = transitions.completeStepOn(c, lease, name, json, elapsedMillis(t0));
                if (commit.alreadyRecorded() != null) {
                    // Another execution recorded this step first: roll this attempt's writes back.
                    throw new AlreadyRecorded(commit.alreadyRecorded());
                }
                outcome.value = value;
                outcome.commit = commit;
                return null;
            });
        } catch (BodyFailed f) {
            if (f.getCause() == null) {
                throw interrupt(Kind.ABANDONED, "worker halted");
            }
            throw failed(name, policy, f.getCause(), attemptNo, elapsedMillis(t0));
        } catch (AlreadyRecorded a) {
            return read(a.step, javaType);
        } catch (RuntimeException e) {
            throw abandoned(e); // the checkpoint could not be written (lease lost, database away)
        }
        return afterCommit(outcome.commit, outcome.value, javaType);
    }

    @Override
    public void sleep(String name, Duration duration) {
        exclusive(() -> {
            sleepFor(name, duration);
            return null;
        });
    }

    private void sleepFor(String name, Duration duration) {
        requireNotNegative("sleep duration", duration);
        StepInfo row = enterStep(name);
        if (row != null && row.status() == RunStatus.SUCCESS) {
            return;
        }
        if (row == null && !duration.isZero()) {
            StepState wait = new StepState(RunStatus.PAUSED, WorkflowDocuments.SLEEP_WAIT, null, 0, duration.toMillis(), 0, 1);
            throw waiting(checkpoint(() -> transitions.await(lease, name, RunStatus.RUNNING, wait)));
        }
        if (row != null && !isDue(row.retryAt())) {
            throw waiting(checkpoint(() -> transitions.await(lease, name, RunStatus.RUNNING, null)));
        }
        completeWait(name);
    }

    @Override
    public void pause(String name) {
        exclusive(() -> {
            pauseFor(name, null);
            return null;
        });
    }

    @Override
    public void pause(String name, Duration atMost) {
        requireNotNegative("pause duration", atMost);
        exclusive(() -> {
            pauseFor(name, atMost);
            return null;
        });
    }

    private void pauseFor(String name, Duration atMost) {
        StepInfo row = enterStep(name);
        if (row != null && row.status() == RunStatus.SUCCESS) {
            return;
        }
        if (row == null) {
            StepState wait = new StepState(RunStatus.PAUSED, WorkflowDocuments.PAUSE_WAIT, null, 0, millisOrNull(atMost), 0, 1);
            throw waiting(checkpoint(() -> transitions.await(lease, name, RunStatus.PAUSED, wait)));
        }
        if (!isDue(row.retryAt())) {
            throw waiting(checkpoint(() -> transitions.await(lease, name, RunStatus.PAUSED, null)));
        }
        completeWait(name);
    }

    @Override
    public <T> Optional<T> recv(String topic, Class<T> type, Duration timeout) {
        return exclusive(() -> receive(topic, type, timeout));
    }

    private <T> Optional<T> receive(String topic, Class<T> type, Duration timeout) {
        if (topic == null || topic.isEmpty() || topic.length() > MAX_STEP_NAME - 16) {
            throw new IllegalArgumentException("event topic must be 1 to " + (MAX_STEP_NAME - 16) + " characters, was '" + topic + "'");
        }
        requireNotNegative("recv timeout", timeout);
        int occurrence = receives.merge(topic, 1, Integer::sum);
        String name = "recv:" + topic + (occurrence == 1 ? "" : "#" + occurrence);
        StepInfo row = enterStep(name);
        String output;
        if (row != null && row.status() == RunStatus.SUCCESS) {
            output = row.outputJson();
        } else {
            StepState newWait = row != null ? null
                    : new StepState(RunStatus.PAUSED, WorkflowDocuments.eventWait(topic), null, 0, timeout.toMillis(), 0, 1);
            boolean timedOut = row == null ? timeout.isZero() : isDue(row.retryAt());
            Received received = checkpoint(() -> transitions.receive(lease, topic, name, newWait, timedOut));
            switch (received.outcome()) {
                case CANCELLED:
                    throw finished(RunStatus.CANCELLED);
                case WAITING:
                    throw waiting(new Waiting(RunStatus.RUNNING, received.wakeAt()));
                default:
                    output = received.stepOutputJson();
            }
        }
        JsonNode value = WorkflowDocuments.receivedValue(output);
        return value == null ? Optional.empty() : Optional.of(Json.convert(value, type));
    }

    // ---- step mechanics -------------------------------------------------------------------------------

    private <T> T plainStep(String name, JavaType type, RetryPolicy policy, StepBody<T> body) {
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(body, "body");
        StepInfo row = enterStep(name);
        if (row != null && row.status() == RunStatus.SUCCESS) {
            return read(row, type);
        }
        int attemptNo = prepareAttempt(name, row);
        long t0 = System.nanoTime();
        T value;
        try {
            value = invoke(body, attemptNo);
        } catch (Throwable error) {
            throw failed(name, policy, error, attemptNo, elapsedMillis(t0));
        }
        String json;
        try {
            json = serializeOrFail(value);
        } catch (BodyFailed f) {
            throw failed(name, policy, f.getCause(), attemptNo, elapsedMillis(t0));
        }
        StepCommit commit = checkpoint(() -> transitions.completeStep(lease, name, json, elapsedMillis(t0)));
        return afterCommit(commit, value, type);
    }

    private <T> T invoke(StepBody<T> body, int attemptNo) throws Exception {
        inStep = true;
        attempt = attemptNo;
        try {
            return body.call();
        } finally {
            inStep = false;
        }
    }

    /**
     * Runs one RunContext call. Calls may come from any thread — an integration may drive the function
     * through a pipeline that hands work from thread to thread — but one at a time, and only while the
     * function runs; the atomic hand-over also publishes this execution's state to the next caller.
     */
    private <T> T exclusive(Supplier<T> call) {
        if (ended) {
            throw new IllegalStateException("the RunContext of run " + run.runId() + " was used after its workflow "
                    + "function returned; use it only while the function runs");
        }
        Thread me = Thread.currentThread();
        boolean acquired = caller.compareAndSet(null, me);
        if (!acquired && caller.get() != me) {
            throw new IllegalStateException("the RunContext of run " + run.runId() + " was used by two threads at once"
                    + (inStep ? ", one of them inside a step body (steps do not nest)" : "")
                    + "; calls must not overlap: hand it from thread to thread, one call at a time");
        }
        try {
            return call.get(); // a call from inside a step body on this thread is refused by enterStep
        } finally {
            if (acquired) {
                caller.set(null);
            }
        }
    }

    /** Checks the call and returns the step's stored row, if any. */
    private StepInfo enterStep(String name) {
        if (interruption != null) {
            throw interruption;
        }
        if (inStep) {
            throw new IllegalStateException("step '" + name + "' was called inside the body of another step; "
                    + "steps do not nest: call it from the workflow function");
        }
        if (name == null || name.isBlank() || name.length() > MAX_STEP_NAME) {
            throw new IllegalArgumentException("step name must be 1 to " + MAX_STEP_NAME + " characters, was '" + name + "'");
        }
        if (name.equals(Workflow.RUN_ATTEMPTS_STEP)) {
            throw new IllegalArgumentException("step name '" + name + "' is reserved for the attempts of the workflow "
                    + "function; choose another");
        }
        if (!usedNames.add(name)) {
            throw new IllegalArgumentException("step name '" + name + "' is used twice in run " + run.runId()
                    + " of workflow '" + workflow.name() + "'; step names must be unique within a run");
        }
        return stored.get(name);
    }

    /** Decides whether an unfinished step runs now; returns the attempt number. Throws when it must wait. */
    private int prepareAttempt(String name, StepInfo row) {
        if (row != null) {
            if (row.status() == RunStatus.ERROR && row.retryAt() == null) {
                // Its final failure was recorded without the run finishing: only an edit or another edition does that.
                failRun("permanent", "step '" + name + "' had already failed for good: " + row.errorMessage(), null);
                throw interruption;
            }
            boolean waits = row.status() == RunStatus.ERROR || row.status() == RunStatus.PAUSED;
            if (waits && !isDue(row.retryAt())) {
                RunStatus runStatus = row.status() == RunStatus.PAUSED ? RunStatus.PAUSED : RunStatus.RUNNING;
                throw waiting(checkpoint(() -> transitions.await(lease, name, runStatus, null)));
            }
        }
        if (worker.isDraining()) {
            checkpoint(() -> transitions.giveBack(lease));
            throw interrupt(Kind.ABANDONED, "worker is shutting down; the run continues on the next worker");
        }
        return row == null ? 1 : row.retryCount() + 1;
    }

    /** A step body failed: pause, schedule a retry, or fail the run. Returns what to throw. */
    private RunInterrupted failed(String name, RetryPolicy policy, Throwable error, int attemptNo, long elapsed) {
        if (worker.isHalted()) {
            return interrupt(Kind.ABANDONED, "worker halted");
        }
        if (error instanceof VirtualMachineError) {
            LOG.error("run {}: step '{}' hit {}; giving the run up to another attempt", run.runId(), name, error.toString());
            return interrupt(Kind.ABANDONED, error.toString());
        }
        StepFailure failure = StepFailure.of(name, policy, error, attemptNo);
        int failedBefore = attemptNo - 1;
        switch (failure.outcome()) {
            case PAUSE: {
                StepState paused = new StepState(RunStatus.PAUSED, WorkflowDocuments.PAUSE_WAIT, failure.stepErrorJson(),
                        failedBefore, failure.delayMillis(), elapsed, attemptNo);
                return waiting(checkpoint(() -> transitions.await(lease, name, RunStatus.PAUSED, paused)));
            }
            case RETRY: {
                LOG.debug("run {}: step '{}' attempt {} failed ({}), retrying in {} ms", run.runId(), name, attemptNo,
                        error, failure.delayMillis());
                StepState retry = new StepState(RunStatus.ERROR, null, failure.stepErrorJson(), attemptNo,
                        failure.delayMillis(), elapsed, attemptNo);
                return waiting(checkpoint(() -> transitions.await(lease, name, RunStatus.RUNNING, retry)));
            }
            default: {
                StepState failed = new StepState(RunStatus.ERROR, null, failure.stepErrorJson(), attemptNo, null,
                        elapsed, attemptNo);
                return finished(checkpoint(() -> transitions.finish(lease, RunStatus.ERROR, null, failure.runErrorJson(),
                        name, failed)));
            }
        }
    }

    private <T> T afterCommit(StepCommit commit, T value, JavaType type) {
        if (commit.alreadyRecorded() != null) {
            return read(commit.alreadyRecorded(), type);
        }
        if (commit.runStatus() == RunStatus.CANCELLING) {
            throw finished(checkpoint(() -> transitions.finishCancelled(lease)));
        }
        return value;
    }

    private void completeWait(String name) {
        StepCommit commit = checkpoint(() -> transitions.completeStep(lease, name, null, 0));
        afterCommit(commit, null, NOTHING);
    }

    private <T> T read(StepInfo row, JavaType type) {
        if (row.outputJson() == null || type.getRawClass() == Void.class) {
            return null;
        }
        try {
            return Json.MAPPER.readValue(row.outputJson(), type);
        } catch (IOException e) {
            throw new IllegalStateException("stored output of step '" + row.name() + "' in run " + run.runId()
                    + " cannot be read as " + type + ": " + e.getMessage(), e);
        }
    }

    private static String serializeOrFail(Object value) {
        try {
            return value == null ? null : Json.write(value);
        } catch (InvalidPayloadException e) {
            throw new BodyFailed(new PermanentStepException("the step's result cannot be stored as JSON: " + e.getMessage(), e));
        }
    }

    // ---- outcomes ---------------------------------------------------------------------------------------

    /** Runs a write; when it cannot be made (lease lost, database away, worker halted) gives the run up. */
    private <T> T checkpoint(Supplier<T> write) {
        if (worker.isHalted()) {
            throw interrupt(Kind.ABANDONED, "worker halted");
        }
        try {
            return write.get();
        } catch (RunInterrupted e) {
            throw e;
        } catch (RuntimeException e) {
            throw abandoned(e);
        }
    }

    private RunInterrupted abandoned(RuntimeException e) {
        if (e instanceof LeaseLostException) {
            LOG.info("run {}: {}", run.runId(), e.getMessage());
        } else {
            LOG.warn("run {} of workflow '{}': a checkpoint failed ({}); the run is left to be retried when its lease "
                    + "expires", run.runId(), workflow.name(), e.getMessage(), e);
        }
        return interrupt(Kind.ABANDONED, e.getMessage());
    }

    private RunInterrupted waiting(Waiting waiting) {
        if (waiting.cancelled()) {
            return finished(RunStatus.CANCELLED);
        }
        worker.wakeAt(waiting.wakeAt(), dbNow());
        return interrupt(Kind.WAITING, "waiting until " + waiting.wakeAt());
    }

    private RunInterrupted finished(RunStatus status) {
        LOG.debug("run {} of workflow '{}' finished: {}", run.runId(), workflow.name(), status);
        worker.runFinished();
        return interrupt(Kind.FINISHED, "run finished: " + status);
    }

    private RunInterrupted interrupt(Kind kind, String reason) {
        interruption = new RunInterrupted(kind, reason);
        return interruption;
    }

    // ---- time -----------------------------------------------------------------------------------------

    /** The database's clock, estimated from its reading when the run started plus the time elapsed here. */
    private Instant dbNow() {
        return run.dbNow().plusNanos(System.nanoTime() - startNanos);
    }

    private boolean isDue(Instant at) {
        return at != null && !at.isAfter(dbNow());
    }

    private static long elapsedMillis(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    private static Long millisOrNull(Duration d) {
        return d == null ? null : d.toMillis();
    }

    private static void requireNotNegative(String what, Duration d) {
        if (d == null || d.isNegative()) {
            throw new IllegalArgumentException(what + " must not be negative, was " + d);
        }
    }

    // ---- control flow inside a transactional step ------------------------------------------------------

    private static final class TransactionalOutcome<T> {
        T value;
        StepCommit commit;
    }

    /** The step body threw (cause), or the worker was halted (no cause): roll the transaction back. */
    private static final class BodyFailed extends RuntimeException {
        BodyFailed(Throwable cause) {
            super(null, cause, false, false);
        }
    }

    private static final class AlreadyRecorded extends RuntimeException {
        final StepInfo step;

        AlreadyRecorded(StepInfo step) {
            super(null, null, false, false);
            this.step = step;
        }
    }
}
