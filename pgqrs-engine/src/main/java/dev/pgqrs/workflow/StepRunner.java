package dev.pgqrs.workflow;

import dev.pgqrs.internal.MessageTracing;
import dev.pgqrs.RetryPolicy;

import dev.pgqrs.InvalidPayloadException;
import dev.pgqrs.PayloadCodec;
import dev.pgqrs.workflow.StepAttemptExit.AlreadyRecorded;
import dev.pgqrs.workflow.StepAttemptExit.BodyFailed;
import dev.pgqrs.workflow.WorkflowTransitions.StepCommit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.Type;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Runs the steps of one execution of a run. A step whose completion was recorded does not run again:
 * its stored output is read back as the requested type. Any other step runs once it is due, as the
 * next attempt under its retry policy, and its outcome is recorded through {@link RunCheckpoints}:
 * completed, or failed and then paused, retried later or failing the run.
 *
 * <p>Every step-like call enters through {@link #enter} (waits are steps too): a name is used once per
 * run, and never from inside a step body, as steps do not nest.
 */
final class StepRunner {

    static final int MAX_STEP_NAME = 255;
    private static final Logger LOG = LoggerFactory.getLogger(StepRunner.class);

    private final RunCheckpoints checkpoints;
    private final DatabaseClock clock;
    private final long runId;
    private final String workflowName;
    private final Map<String, StepInfo> stored;
    private final Set<String> usedNames = new HashSet<>();
    /** Volatile: a thread refused for overlapping the caller reads it to say why. */
    private volatile boolean inStep;
    private int attempt;
    private volatile MessageTracing.RunTrace trace = MessageTracing.NO_RUN;
    private final PayloadCodec codec;

    StepRunner(RunCheckpoints checkpoints, DatabaseClock clock, long runId, String workflowName,
               Map<String, StepInfo> stored, PayloadCodec codec) {
        this.codec = codec;
        this.checkpoints = checkpoints;
        this.clock = clock;
        this.runId = runId;
        this.workflowName = workflowName;
        this.stored = stored;
    }

    /** Whether a step body is running now. */
    boolean inStep() {
        return inStep;
    }

    /** Inside a step body: which attempt this is. */
    int attempt() {
        if (!inStep) {
            throw new IllegalStateException("attempt() is only meaningful inside a step body");
        }
        return attempt;
    }

    <T> T run(String name, Type type, RetryPolicy policy, StepBody<T> body) {
        return run(name, type, policy, null, body);
    }

    /** With a {@code timeout} (null for none): an attempt running longer is interrupted and fails, timed out. */
    <T> T run(String name, Type type, RetryPolicy policy, Duration timeout, StepBody<T> body) {
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(body, "body");
        if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
            throw new IllegalArgumentException("timeout of step '" + name + "' must be positive, was " + timeout);
        }
        StepInfo row = enter(name);
        if (row != null && row.status() == RunStatus.SUCCESS) {
            return read(row, type);
        }
        int attemptNo = prepareAttempt(name, row);
        long t0 = System.nanoTime();
        T value;
        try {
            value = timeout == null ? invoke(name, body, attemptNo) : invokeWithTimeout(name, body, attemptNo, timeout);
        } catch (Throwable error) {
            throw failed(name, policy, error, attemptNo, DatabaseClock.elapsedMillis(t0));
        }
        String json;
        try {
            json = serializeOrFail(value);
        } catch (BodyFailed f) {
            throw failed(name, policy, f.getCause(), attemptNo, DatabaseClock.elapsedMillis(t0));
        }
        if (checkpoints.holdsCompletions()) {
            checkpoints.holdCompletion(name, json, DatabaseClock.elapsedMillis(t0));
            return value;
        }
        StepCommit commit = checkpoints.completeStep(name, json, DatabaseClock.elapsedMillis(t0));
        return afterCommit(commit, value, type);
    }

    /** A step whose body writes through the connection of the transaction that records its completion. */
    <T> T runTransactional(String name, Class<T> type, RetryPolicy policy, TransactionalStepBody<T> body) {
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(body, "body");
        StepInfo row = enter(name);
        if (row != null && row.status() == RunStatus.SUCCESS) {
            return read(row, type);
        }
        int attemptNo = prepareAttempt(name, row);
        long t0 = System.nanoTime();
        checkpoints.stopIfHalted();
        Committed<T> committed;
        try {
            committed = checkpoints.inStepTransaction(name, c -> {
                T value;
                try {
                    value = invoke(name, () -> body.apply(c), attemptNo);
                } catch (Throwable t) {
                    throw new BodyFailed(t);
                }
                String json = serializeOrFail(value);
                if (checkpoints.workerHalted()) {
                    throw new BodyFailed(null);
                }
                StepCommit commit = checkpoints.completeStepOn(c, name, json, DatabaseClock.elapsedMillis(t0));
                if (commit.alreadyRecorded() != null) {
                    // Another execution recorded this step first: roll this attempt's writes back.
                    throw new AlreadyRecorded(commit.alreadyRecorded());
                }
                return new Committed<>(value, commit);
            });
        } catch (BodyFailed f) {
            if (f.getCause() == null) {
                throw checkpoints.abandon("worker halted");
            }
            throw failed(name, policy, f.getCause(), attemptNo, DatabaseClock.elapsedMillis(t0));
        } catch (AlreadyRecorded a) {
            return read(a.step, type);
        } catch (RuntimeException e) {
            throw checkpoints.abandoned(e); // the checkpoint could not be written (lease lost, database away)
        }
        return afterCommit(committed.commit(), committed.value(), type);
    }

    private record Committed<T>(T value, StepCommit commit) {
    }

    /** Checks the call and returns the step's stored row, if any. */
    StepInfo enter(String name) {
        RunInterrupted ended = checkpoints.interruption();
        if (ended != null) {
            throw ended;
        }
        if (inStep) {
            throw new IllegalStateException("step '" + name + "' was called inside the body of another step; "
                    + "steps do not nest: call it from the workflow function");
        }
        if (name == null || name.isBlank() || name.length() > MAX_STEP_NAME) {
            throw new IllegalArgumentException("step name must be 1 to " + MAX_STEP_NAME + " characters, was '" + name + "'");
        }
        if (name.equals(Workflow.RUN_ATTEMPTS_STEP) || name.equals(Workflow.RUN_RECOVERIES_STEP)) {
            throw new IllegalArgumentException("step name '" + name + "' is reserved for the runtime's own records of "
                    + "the run; choose another");
        }
        if (!usedNames.add(name)) {
            throw new IllegalArgumentException("step name '" + name + "' is used twice in run " + runId
                    + " of workflow '" + workflowName + "'; step names must be unique within a run");
        }
        return stored.get(name);
    }

    /** Decides whether an unfinished step runs now; returns the attempt number. Throws when it must wait. */
    int prepareAttempt(String name, StepInfo row) {
        if (row != null) {
            if (row.status() == RunStatus.ERROR && row.retryAt() == null) {
                // Its final failure was recorded without the run finishing: only an edit or another edition does that.
                throw checkpoints.failRun("permanent", "step '" + name + "' had already failed for good: "
                        + row.errorMessage(), null);
            }
            boolean waits = row.status() == RunStatus.ERROR || row.status() == RunStatus.PAUSED;
            if (waits && !clock.isDue(row.retryAt())) {
                RunStatus runStatus = row.status() == RunStatus.PAUSED ? RunStatus.PAUSED : RunStatus.RUNNING;
                throw checkpoints.await(name, runStatus, null);
            }
        }
        checkpoints.giveBackIfDraining();
        checkpoints.endIfCancelRequested();
        return row == null ? 1 : row.retryCount() + 1;
    }

    /**
     * Runs the body under a timer that interrupts this thread at the timeout. An attempt the timer fired on
     * fails with {@link StepTimeoutException} whatever the body did after (returned late, or threw from the
     * interrupt), and the interrupt does not leak to the runtime's own statements that follow.
     */
    private <T> T invokeWithTimeout(String name, StepBody<T> body, int attemptNo, Duration timeout) throws Exception {
        StepTimer timer = StepTimer.start(checkpoints.timers(), Thread.currentThread(), timeout);
        boolean timedOut;
        T value = null;
        Exception failure = null;
        try {
            value = invoke(name, body, attemptNo);
        } catch (Exception e) {
            failure = e;
        } finally {
            timedOut = timer.stop();
        }
        if (timedOut) {
            throw new StepTimeoutException(name, attemptNo, timeout);
        }
        if (failure != null) {
            throw failure;
        }
        return value;
    }

    /**
     * Whether the run takes the new branch of a change marked {@code name} ({@link RunContext#patched}): yes if it
     * took it before (its marker step is recorded), no if it went past this point before without it (it has
     * recorded steps this execution has not reached yet), and yes otherwise — recording the marker, so the answer
     * stays the same in every later execution of the run.
     */
    boolean patched(String name) {
        String marker = "patch:" + name;
        StepInfo row = enter(marker);
        if (row != null && row.status() == RunStatus.SUCCESS) {
            return true;
        }
        for (String recorded : stored.keySet()) {
            if (!usedNames.contains(recorded) && !recorded.equals(Workflow.RUN_ATTEMPTS_STEP)
                    && !recorded.equals(Workflow.RUN_RECOVERIES_STEP)) {
                return false;
            }
        }
        checkpoints.giveBackIfDraining();
        checkpoints.endIfCancelRequested();
        afterCommit(checkpoints.completeStep(marker, "true", 0), true, Boolean.class);
        return true;
    }

    /** The execution's span, set when it starts; each attempt of a body is a child span of it. */
    void trace(MessageTracing.RunTrace run) {
        this.trace = run;
    }

    private <T> T invoke(String name, StepBody<T> body, int attemptNo) throws Exception {
        inStep = true;
        attempt = attemptNo;
        MessageTracing.StepTrace span = trace.startStep(name, attemptNo);
        try {
            return body.call();
        } catch (Exception | Error e) {
            if (!(e instanceof RunInterrupted)) {
                span.failed(e);
            }
            throw e;
        } finally {
            span.close();
            inStep = false;
        }
    }

    /** A step body failed: pause, schedule a retry, or fail the run. Returns what to throw. */
    private RunInterrupted failed(String name, RetryPolicy policy, Throwable error, int attemptNo, long elapsed) {
        checkpoints.stopIfHalted();
        if (error instanceof VirtualMachineError) {
            LOG.error("run {}: step '{}' hit {}; giving the run up to another attempt", runId, name, error.toString());
            return checkpoints.abandon(error.toString());
        }
        StepFailure failure = StepFailure.of(name, policy, error, attemptNo);
        if (failure.outcome() == StepFailure.Outcome.RETRY) {
            LOG.debug("run {}: step '{}' attempt {} failed ({}), retrying in {} ms", runId, name, attemptNo,
                    error, failure.delayMillis());
        }
        return checkpoints.failedAttempt(name, failure, attemptNo, elapsed);
    }

    <T> T afterCommit(StepCommit commit, T value, Type type) {
        if (commit.alreadyRecorded() != null) {
            return read(commit.alreadyRecorded(), type);
        }
        checkpoints.endIfCancelling(commit);
        return value;
    }

    /** A recorded step's output, read back as the type the call asks for now. */
    <T> T read(StepInfo row, Type type) {
        if (row.outputJson() == null || type == Void.class) {
            return null;
        }
        return readJson(row.name(), row.outputJson(), type);
    }

    <T> T readJson(String step, String json, Type type) {
        if (type == Void.class) {
            return null;
        }
        try {
            return codec.read(json, type);
        } catch (InvalidPayloadException e) {
            throw new IllegalStateException("stored output of step '" + step + "' in run " + runId
                    + " cannot be read as " + type + ": " + e.getMessage(), e);
        }
    }

    private String serializeOrFail(Object value) {
        try {
            return value == null ? null : codec.write(value);
        } catch (InvalidPayloadException e) {
            throw new BodyFailed(new PermanentStepException("the step's result cannot be stored as JSON: " + e.getMessage(), e));
        }
    }
}
