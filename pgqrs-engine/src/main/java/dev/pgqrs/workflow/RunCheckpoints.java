package dev.pgqrs.workflow;

import dev.pgqrs.OutageLog;
import dev.pgqrs.store.SqlWork;
import dev.pgqrs.workflow.HeldStepCompletion.Completion;
import dev.pgqrs.workflow.HeldStepCompletion.Taken;
import dev.pgqrs.workflow.HeldStepCompletion.Written;
import dev.pgqrs.workflow.RunInterrupted.Kind;
import dev.pgqrs.workflow.WorkflowTransitions.Received;
import dev.pgqrs.workflow.WorkflowTransitions.StepCommit;
import dev.pgqrs.workflow.WorkflowTransitions.StepState;
import dev.pgqrs.workflow.WorkflowTransitions.Waiting;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;

/**
 * The state changes one execution makes to its run, each one transaction of {@link WorkflowTransitions}
 * made under the execution's {@link RunLease}, and what each leaves the execution to do: carry on, or
 * end with a {@link RunInterrupted} because the run now waits, has finished, or was given up by this
 * worker. A change that cannot be made (lease lost, database away, worker halted) gives the run up: its
 * lease expires and another worker continues it from what was recorded.
 */
final class RunCheckpoints {

    private static final Logger LOG = LoggerFactory.getLogger(RunCheckpoints.class);

    private final WorkflowWorker worker;
    private final WorkflowTransitions transitions;
    private final RunLease lease;
    private final String workflowName;
    private final DatabaseClock clock;
    /** When the run is cancelled if unfinished, or null: as read when the run started, and at each step boundary. */
    private volatile Instant deadlineAt;
    /** Set when the execution ends: from then on, whatever the workflow function does is ignored. */
    private volatile RunInterrupted interruption;
    /** When this execution started: a finished run's duration is that of the execution that finished it. */
    private final long startedNanos = System.nanoTime();
    /** The last plain step's completion, until the next write carries it; null when the worker writes each at once. */
    private final HeldStepCompletion held;
    /**
     * How long after the claim returned its read of the run's status stands in for the first step boundary's read.
     * The claim set the run RUNNING in its commit, so a cancellation commits after it; one within this window lets
     * the first step start, and ends the run at that step's commit, as a cancellation of a step in flight does.
     */
    static final long CLAIM_READ_STANDS_NANOS = 5_000_000;
    /** When the run's claim returned (System.nanoTime). */
    private final long claimedNanos;
    private boolean claimReadUnused = true;

    RunCheckpoints(WorkflowWorker worker, WorkflowTransitions transitions, RunLease lease, String workflowName,
                   DatabaseClock clock, Instant deadlineAt, long claimedNanos) {
        this.deadlineAt = deadlineAt;
        this.claimedNanos = claimedNanos;
        this.worker = worker;
        this.transitions = transitions;
        this.lease = lease;
        this.workflowName = workflowName;
        this.clock = clock;
        long lingerMicros = worker.checkpointLingerMicros();
        this.held = lingerMicros == 0 ? null : new HeldStepCompletion(worker.timers(), worker.lateCheckpoints(), lingerMicros,
                c -> writeNow(() -> transitions.completeStep(lease, c.step(), c.outputJson(), c.elapsedMillis())));
    }

    /** What ended the execution, or null while it goes on. */
    RunInterrupted interruption() {
        return interruption;
    }

    // ---- the run's state changes ----------------------------------------------------------------------

    /**
     * Runs a write, after the held step completion if there is one; when it cannot be made (lease lost, database
     * away, worker halted) gives the run up.
     */
    <T> T write(Supplier<T> write) {
        settleHeldCompletion();
        return writeNow(write);
    }

    private <T> T writeNow(Supplier<T> write) {
        stopIfHalted();
        try {
            T written = write.get();
            worker.checkpointWritten();
            return written;
        } catch (RunInterrupted e) {
            throw e;
        } catch (RuntimeException e) {
            throw abandoned(e);
        }
    }

    /** The run waits at {@code step}; {@code state} is the step's new state, or null to keep its stored wake-up time. */
    RunInterrupted await(String step, RunStatus runStatus, StepState state) {
        return await(step, runStatus, state, null);
    }

    /** As {@link #await(String, RunStatus, StepState)}, also giving the run an error of its own (a pause's). */
    RunInterrupted await(String step, RunStatus runStatus, StepState state, String runErrorJson) {
        return waiting(write(() -> transitions.await(lease, step, runStatus, state, runErrorJson)));
    }

    StepCommit completeStep(String step, String outputJson, long elapsedMillis) {
        return write(() -> transitions.completeStep(lease, step, outputJson, elapsedMillis));
    }

    /** Whether a plain step's completion is held for the next write ({@link #holdCompletion}) rather than written at once. */
    boolean holdsCompletions() {
        return held != null;
    }

    /** A plain step's body returned: its completion goes with the run's next write (see {@link HeldStepCompletion}). */
    void holdCompletion(String step, String outputJson, long elapsedMillis) {
        held.hold(new Completion(step, outputJson, elapsedMillis));
    }

    /**
     * Writes the held completion now, in a commit of its own, or acts on what the timer's write of it found; then
     * what the step's commit would have done at once: end the run if cancellation is pending or its deadline passed.
     * True when this call wrote it: its commit read the run's status, so the caller need not read it again.
     */
    private boolean settleHeldCompletion() {
        if (held == null) {
            return false;
        }
        Taken taken = held.take();
        if (taken instanceof Completion c) {
            afterHeldCommit(c, writeNow(() -> transitions.completeStep(lease, c.step(), c.outputJson(), c.elapsedMillis())));
            return true;
        }
        if (taken instanceof Written w) {
            afterHeldCommit(w.completion(), committedOrThrow(w));
        }
        return false;
    }

    private StepCommit committedOrThrow(Written w) {
        if (w.failure() instanceof RunInterrupted given) {
            throw given;
        }
        if (w.failure() != null) {
            throw abandoned((RuntimeException) w.failure());
        }
        return w.commit();
    }

    private void afterHeldCommit(Completion c, StepCommit commit) {
        if (commit.alreadyRecorded() != null) {
            // The function has gone on with this execution's output of the step, not the one recorded.
            throw abandon("step '" + c.step() + "' of run " + lease.runId() + " was recorded by another execution first");
        }
        endIfCancelling(commit);
    }

    /**
     * For the finish: the held completion, to be written in the finish's own commit; null if there is none, or it
     * was written already (by the timer), or the run is past its deadline (the step's boundary cancels it first,
     * as an unheld completion would have).
     */
    private Completion takeHeldForFinish() {
        if (held == null) {
            return null;
        }
        if (deadlineAt != null && clock.isDue(deadlineAt)) {
            settleHeldCompletion();
            return null;
        }
        Taken taken = held.take();
        if (taken instanceof Written w) {
            afterHeldCommit(w.completion(), committedOrThrow(w));
            return null;
        }
        return (Completion) taken;
    }

    /** A transactional step's attempt: {@code work} and the step's completion commit together, or not at all. */
    <T> T inStepTransaction(String step, SqlWork<T> work) {
        T committed = transitions.database().transaction("transactional step '" + step + "' of run " + lease.runId(), work);
        worker.checkpointWritten();
        return committed;
    }

    /** Records the step's completion inside {@link #inStepTransaction}. */
    StepCommit completeStepOn(Connection c, String step, String outputJson, long elapsedMillis) throws SQLException {
        return transitions.completeStepOn(c, lease, step, outputJson, elapsedMillis);
    }

    /**
     * A step's completion committed. A pending cancellation takes effect here, at the step boundary: the
     * run ends CANCELLED. (A step another execution had recorded first changed nothing: no boundary.)
     */
    void endIfCancelling(StepCommit commit) {
        if (commit.alreadyRecorded() == null && commit.runStatus() == RunStatus.CANCELLING) {
            throw finished(write(() -> transitions.finishCancelledWithChildren(lease)));
        }
        if (commit.alreadyRecorded() == null) {
            deadlineAt = commit.deadlineAt();
            endIfPastDeadline();
        }
    }

    /**
     * Before a step's body runs: once cancellation was requested no new step starts (only one already
     * running may finish), so the run ends CANCELLED here, whatever the function did since its last step.
     * Right after the claim, the claim's read of the status and deadline stands for this one (see
     * {@link #CLAIM_READ_STANDS_NANOS}): a run that goes straight to its first step makes no read of its own.
     */
    void endIfCancelRequested() {
        if (settleHeldCompletion()) {
            return; // the held step's commit read the run's status and deadline just now, and made the boundary's checks
        }
        if (claimReadStands()) {
            endIfPastDeadline();
            return;
        }
        var state = writeNow(() -> transitions.runStatus(lease.runId()));
        if (state.status() == RunStatus.CANCELLING) {
            throw finished(write(() -> transitions.finishCancelledWithChildren(lease)));
        }
        deadlineAt = state.deadlineAt();
        endIfPastDeadline();
    }

    /** True once, at the first boundary, if it comes soon enough after the claim; false from then on. */
    private boolean claimReadStands() {
        if (!claimReadUnused) {
            return false;
        }
        claimReadUnused = false;
        return System.nanoTime() - claimedNanos < CLAIM_READ_STANDS_NANOS;
    }

    /**
     * At a step boundary (and before the function runs at all): a run past its deadline ends CANCELLED here,
     * with the reason, and its children are cancelled. The deadline is compared with the database's clock.
     */
    void endIfPastDeadline() {
        if (deadlineAt != null && clock.isDue(deadlineAt)) {
            String reason = WorkflowDocuments.cancelReason("deadline exceeded: run " + lease.runId() + " of workflow '"
                    + workflowName + "' was not finished by " + deadlineAt);
            throw finished(write(() -> transitions.finishPastDeadline(lease, reason)));
        }
    }

    /** The run's deadline, or null: a child started from it inherits it. */
    Instant deadlineAt() {
        return deadlineAt;
    }

    /** Starts a child run from {@code step} and makes this run wait for it; returns what to throw. */
    RunInterrupted startChild(String step, dev.pgqrs.store.WorkflowRepository.WorkflowRow child, String payloadJson,
                              dev.pgqrs.store.WorkflowRepository.RunFields fields) {
        WorkflowTransitions.ChildStart started = write(() -> transitions.startChild(lease, step, child, payloadJson, fields));
        LOG.debug("run {}: step '{}' started child run {} of workflow '{}'", lease.runId(), step, started.childRunId(),
                child.name());
        return waiting(started.waiting());
    }

    /** A run this one waits for, as stored now. */
    Optional<RunInfo> run(long runId) {
        return write(() -> transitions.run(runId));
    }

    /** Timers of the store's workflow workers (a step's timeout). */
    ScheduledExecutorService timers() {
        return worker.timers();
    }

    Received receive(String topic, String step, StepState newWait, boolean timedOut) {
        return write(() -> transitions.receive(lease, topic, step, newWait, timedOut));
    }

    /** A closing worker stops at the step boundary: the run is given back for the next worker, visible at once. */
    void giveBackIfDraining() {
        if (worker.isDraining()) {
            write(() -> transitions.giveBack(lease));
            throw abandon("worker is shutting down; the run continues on the next worker");
        }
    }

    /**
     * A failed attempt of a step, or of the whole function under a run retry policy ({@code step} is then
     * {@link Workflow#RUN_ATTEMPTS_STEP}): the run pauses, waits for the retry, or fails. Returns what to throw.
     */
    RunInterrupted failedAttempt(String step, StepFailure failure, int attemptNo, long elapsedMillis) {
        switch (failure.outcome()) {
            case PAUSE: {
                StepState paused = new StepState(RunStatus.PAUSED, WorkflowDocuments.PAUSE_WAIT, failure.stepErrorJson(),
                        attemptNo - 1, failure.delayMillis(), elapsedMillis, attemptNo);
                return await(step, RunStatus.PAUSED, paused, failure.runErrorJson());
            }
            case RETRY: {
                if (!Workflow.RUN_ATTEMPTS_STEP.equals(step)) {
                    worker.events().stepRetried(workflowName, step);
                }
                StepState retry = new StepState(RunStatus.ERROR, null, failure.stepErrorJson(), attemptNo,
                        failure.delayMillis(), elapsedMillis, attemptNo);
                return await(step, RunStatus.RUNNING, retry);
            }
            default: {
                StepState failed = new StepState(RunStatus.ERROR, null, failure.stepErrorJson(), attemptNo, null,
                        elapsedMillis, attemptNo);
                return finished(write(() -> transitions.finish(lease, RunStatus.ERROR, null, failure.runErrorJson(),
                        step, failed)));
            }
        }
    }

    /** The function returned: the run succeeds (with {@code afterFailedAttempts}, its attempts step too). */
    RunInterrupted succeed(String outputJson, boolean afterFailedAttempts, long elapsedMillis) {
        stopIfHalted();
        Completion lastStep = takeHeldForFinish();
        return finished(writeNow(() -> {
            if (afterFailedAttempts) {
                return transitions.finishAfterRetries(lease, lastStep, outputJson, Workflow.RUN_ATTEMPTS_STEP, elapsedMillis);
            }
            return lastStep == null ? transitions.finish(lease, RunStatus.SUCCESS, outputJson, null, null, null)
                    : transitions.finishAfterStep(lease, lastStep, outputJson);
        }));
    }

    /** Fails the run for a reason of its own (not a step's last attempt). Returns what ended the execution. */
    RunInterrupted failRun(String kind, String message, Throwable cause) {
        String error = WorkflowDocuments.runFailure(kind, message, cause, null, null);
        try {
            return finished(write(() -> transitions.finish(lease, RunStatus.ERROR, null, error, null, null)));
        } catch (RunInterrupted givenUp) {
            return givenUp;
        }
    }

    // ---- how the execution ends -----------------------------------------------------------------------

    /** A halted worker writes nothing more, as a killed process would not. */
    boolean workerHalted() {
        return worker.isHalted();
    }

    void stopIfHalted() {
        if (worker.isHalted()) {
            throw abandon("worker halted");
        }
    }

    RunInterrupted abandoned(RuntimeException e) {
        if (e instanceof LeaseLostException) {
            LOG.info("run {}: {}", lease.runId(), e.getMessage());
        } else if (OutageLog.isOutage(e)) {
            worker.checkpointUnreachable(e); // one line per outage for all of the worker's runs, not one per run
        } else {
            LOG.warn("run {} of workflow '{}': a checkpoint failed ({}); the run is left to be retried when its lease "
                    + "expires", lease.runId(), workflowName, e.getMessage(), e);
        }
        return abandon(e.getMessage());
    }

    RunInterrupted waiting(Waiting waiting) {
        if (waiting.cancelled()) {
            return finished(RunStatus.CANCELLED);
        }
        worker.wakeAt(waiting.wakeAt(), clock.now());
        return interrupt(Kind.WAITING, "waiting until " + waiting.wakeAt());
    }

    RunInterrupted finished(RunStatus status) {
        LOG.debug("run {} of workflow '{}' finished: {}", lease.runId(), workflowName, status);
        worker.runFinished();
        worker.events().runFinished(workflowName, status.name(), System.nanoTime() - startedNanos);
        interruption = new RunInterrupted(Kind.FINISHED, "run finished: " + status, status.name());
        return interruption;
    }

    /** This worker gives the run up, writing nothing; its lease expires and another worker continues it. */
    RunInterrupted abandon(String reason) {
        return interrupt(Kind.ABANDONED, reason);
    }

    private RunInterrupted interrupt(Kind kind, String reason) {
        interruption = new RunInterrupted(kind, reason);
        return interruption;
    }
}
