package dev.pgqrs.workflow;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import dev.pgqrs.internal.MessageTracing;
import dev.pgqrs.InvalidPayloadException;
import dev.pgqrs.PayloadCodec;
import dev.pgqrs.RetryPolicy;
import dev.pgqrs.store.WorkflowRepository.StartedRun;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * One execution of a run on a worker: calls the workflow function, hands it this {@link RunContext},
 * and records how the function ends (its output, or under a run retry policy its failed attempt).
 * Steps are run by {@link StepRunner}, waits by {@link DurableWaits}, and every state change is
 * written by {@link RunCheckpoints}. Ends when the run finishes, waits (retry, sleep, pause, event) or
 * is given up; a later execution, perhaps on another worker, continues from the recorded steps.
 *
 * <p>Exactly-once is about the <em>recorded result</em>: a step whose completion committed never runs
 * again. A step that was running when its worker died runs again, so its side effects outside the
 * checkpoint transaction are at-least-once ({@link #transactionalStep} makes database writes
 * exactly-once).
 */
final class RunExecution implements RunContext {

    private static final Logger LOG = LoggerFactory.getLogger(RunExecution.class);

    private final Workflow<Object, Object> workflow;
    private final StartedRun run;
    private final Map<String, StepInfo> stored;
    private final DatabaseClock clock;
    private final RunCheckpoints checkpoints;
    private final StepRunner steps;
    private final DurableWaits waits;
    private final ChildRuns children;
    private final PayloadCodec codec;
    /** The thread inside a RunContext call, if any: calls may come from any thread, but never overlap. */
    private final AtomicReference<Thread> caller = new AtomicReference<>();
    private volatile boolean ended;
    /** The trace context stored with the run's message (the trigger's span), continued by this execution's span. */
    private final String headersJson;

    RunExecution(WorkflowWorker worker, WorkflowTransitions transitions, Workflow<Object, Object> workflow,
                 StartedRun run, int readCount, long workerId, Map<String, StepInfo> stored, String headersJson,
                 long claimedNanos) {
        this.headersJson = headersJson;
        this.workflow = workflow;
        this.run = run;
        this.stored = stored;
        this.clock = new DatabaseClock(run.dbNow());
        RunLease lease = new RunLease(run.runId(), run.messageId(), readCount, workerId, run.parentRunId());
        this.checkpoints = new RunCheckpoints(worker, transitions, lease, workflow.name(), clock, run.deadlineAt(),
                claimedNanos);
        this.codec = worker.codec();
        this.steps = new StepRunner(checkpoints, clock, run.runId(), workflow.name(), stored, codec);
        this.waits = new DurableWaits(steps, checkpoints, clock, codec);
        this.children = new ChildRuns(steps, checkpoints, worker.childTriggers(), run.runId());
    }

    /** Runs the workflow function to its end or to its next wait, in a span of its own. Never throws. */
    void execute() {
        try (MessageTracing.RunTrace trace = MessageTracing.get().startRun(workflow.name(), run.runId(), headersJson)) {
            steps.trace(trace);
            executeTraced();
            RunInterrupted end = checkpoints.interruption();
            trace.outcome(end == null ? "unknown" : end.outcome());
        }
    }

    private void executeTraced() {
        Object input;
        try {
            JsonNode given = WorkflowDocuments.runInput(run.inputJson());
            input = given == null ? null : codec.convert(given, workflow.inputType());
        } catch (InvalidPayloadException e) {
            checkpoints.failRun("invalid_input", "input of run " + run.runId() + " cannot be read as "
                    + workflow.inputType().getName() + ": " + e.getMessage(), e);
            return;
        }
        RetryPolicy runPolicy = workflow.runRetryPolicy();
        StepInfo attempts = runPolicy == null ? null : stored.get(Workflow.RUN_ATTEMPTS_STEP);
        int runAttempt;
        try {
            checkpoints.endIfPastDeadline(); // a run taken after its deadline runs none of its code
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
            if (checkpoints.interruption() != null) {
                return; // workflow code wrapped or swallowed our interruption; the transition is done
            }
            if (t instanceof VirtualMachineError) {
                LOG.error("run {} of workflow '{}': {}; giving the run up to another attempt", run.runId(),
                        workflow.name(), t.toString());
                return;
            }
            if (runPolicy != null) {
                try {
                    throw runFailed(runPolicy, t, runAttempt, DatabaseClock.elapsedMillis(t0));
                } catch (RunInterrupted ignored) {
                    return; // waits for its retry or pause, or failed
                }
            }
            checkpoints.failRun("workflow_failed", "workflow '" + workflow.name() + "' failed outside its steps: "
                    + WorkflowDocuments.describe(t), t);
            return;
        } finally {
            ended = true;
        }
        if (checkpoints.interruption() != null) {
            return; // the function swallowed a wait and returned: its value must not count
        }
        String json;
        try {
            json = output == null ? null : codec.write(output);
        } catch (InvalidPayloadException e) {
            checkpoints.failRun("invalid_output", "output of workflow '" + workflow.name()
                    + "' cannot be stored as JSON: " + e.getMessage(), e);
            return;
        }
        long elapsed = DatabaseClock.elapsedMillis(t0);
        try {
            checkpoints.succeed(json, attempts != null, elapsed);
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
            throw checkpoints.failRun("permanent", "workflow '" + workflow.name() + "' had already failed for good: "
                    + attempts.errorMessage(), null);
        }
        if (!clock.isDue(attempts.retryAt())) {
            RunStatus runStatus = attempts.status() == RunStatus.PAUSED ? RunStatus.PAUSED : RunStatus.RUNNING;
            throw checkpoints.await(Workflow.RUN_ATTEMPTS_STEP, runStatus, null);
        }
        return attempts.retryCount() + 1;
    }

    /** An attempt of the function failed under the run retry policy: pause, retry, or fail. Returns what to throw. */
    private RunInterrupted runFailed(RetryPolicy policy, Throwable error, int attemptNo, long elapsed) {
        checkpoints.stopIfHalted();
        StepFailure failure = StepFailure.ofRun(workflow.name(), policy, error, attemptNo);
        if (failure.outcome() == StepFailure.Outcome.RETRY) {
            LOG.debug("run {}: attempt {} of workflow '{}' failed ({}), retrying in {} ms", run.runId(), attemptNo,
                    workflow.name(), error, failure.delayMillis());
        }
        return checkpoints.failedAttempt(Workflow.RUN_ATTEMPTS_STEP, failure, attemptNo, elapsed);
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
        return steps.attempt();
    }

    @Override
    public RetryPolicy retryPolicy() {
        return workflow.retryPolicy();
    }

    @Override
    public <T> T step(String name, Class<T> type, RetryPolicy policy, StepBody<T> body) {
        return exclusive(() -> steps.run(name, type, policy, body));
    }

    @Override
    public <T> T step(String name, Class<T> type, RetryPolicy policy, Duration timeout, StepBody<T> body) {
        Objects.requireNonNull(timeout, "timeout");
        return exclusive(() -> steps.run(name, type, policy, timeout, body));
    }

    @Override
    public <T> T runChild(String step, Workflow<?, T> child, Object input) {
        Objects.requireNonNull(child, "child");
        return exclusive(() -> children.run(step, child.name(), child.version(), input, child.outputType()));
    }

    @Override
    public <T> T runChild(String step, String workflow, Object input, Class<T> outputType) {
        Objects.requireNonNull(workflow, "workflow");
        Objects.requireNonNull(outputType, "outputType");
        return exclusive(() -> children.run(step, workflow, null, input, outputType));
    }

    @Override
    public boolean patched(String name) {
        if (name == null || name.isBlank() || name.length() > StepRunner.MAX_STEP_NAME - 6) {
            throw new IllegalArgumentException("patch name must be 1 to " + (StepRunner.MAX_STEP_NAME - 6)
                    + " characters, was '" + name + "'");
        }
        return exclusive(() -> steps.patched(name));
    }

    @Override
    public <T> T step(String name, TypeReference<T> type, RetryPolicy policy, StepBody<T> body) {
        return exclusive(() -> steps.run(name, type.getType(), policy, body));
    }

    @Override
    public <T> T transactionalStep(String name, Class<T> type, RetryPolicy policy, TransactionalStepBody<T> body) {
        return exclusive(() -> steps.runTransactional(name, type, policy, body));
    }

    @Override
    public void sleep(String name, Duration duration) {
        exclusive(() -> {
            waits.sleep(name, duration);
            return null;
        });
    }

    @Override
    public void pause(String name) {
        exclusive(() -> {
            waits.pause(name, null);
            return null;
        });
    }

    @Override
    public void pause(String name, Duration atMost) {
        DurableWaits.requireNotNegative("pause duration", atMost);
        exclusive(() -> {
            waits.pause(name, atMost);
            return null;
        });
    }

    @Override
    public <T> Optional<T> recv(String topic, Class<T> type, Duration timeout) {
        return exclusive(() -> waits.receive(topic, type, timeout));
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
                    + (steps.inStep() ? ", one of them inside a step body (steps do not nest)" : "")
                    + "; calls must not overlap: hand it from thread to thread, one call at a time");
        }
        try {
            return call.get(); // a call from inside a step body on this thread is refused by StepRunner.enter
        } finally {
            if (acquired) {
                caller.set(null);
            }
        }
    }
}
