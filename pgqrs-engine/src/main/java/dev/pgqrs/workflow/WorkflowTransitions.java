package dev.pgqrs.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgqrs.payload.Json;
import dev.pgqrs.signal.WakeUps;
import dev.pgqrs.internal.StoreInternals;
import dev.pgqrs.store.Database;
import dev.pgqrs.store.Deliveries;
import dev.pgqrs.store.Lease;
import dev.pgqrs.store.WorkflowRepository;
import dev.pgqrs.store.WorkflowRepository.ClaimedMessage;
import dev.pgqrs.store.WorkflowRepository.LeasedMessage;
import dev.pgqrs.store.WorkflowRepository.LockedRun;
import dev.pgqrs.store.WorkflowRepository.RunFields;
import dev.pgqrs.store.WorkflowRepository.StartedRun;
import dev.pgqrs.store.SqlWork;
import dev.pgqrs.store.WorkflowRepository.TriggeredRun;
import dev.pgqrs.store.WorkflowRepository.WorkflowRow;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Every state change of runs and steps. <b>Each method is one transaction</b> (or one auto-committed
 * statement): a step's completion with its output; a run's completion with the archiving of its
 * message; a failure with its error and retry schedule; a wait with the giving back of the message.
 * There is no moment at which a crash leaves a run finished but its message live, or a retry recorded
 * but not scheduled.
 *
 * <p>Changes a worker makes are conditional on owning the run's message ({@link RunLease}); when it
 * does not, they throw {@link LeaseLostException} and roll back. Waits, cancel, resume and send lock
 * the run's message and then the run (always in that order, the dequeue's order, so they cannot
 * deadlock with each other or with claims), so they serialise: a {@link #send} cannot slip between a
 * run's "no event yet" and its "wait for one".
 */
final class WorkflowTransitions {

    /** What a step's completion found: the run's status and deadline as it committed, or the step recorded before. */
    record StepCommit(RunStatus runStatus, Instant deadlineAt, StepInfo alreadyRecorded) {
    }

    /** The state a step moves to when it fails or starts to wait. {@code delayMillis} null: no retry_at. */
    record StepState(RunStatus status, String inputJson, String errorJson, int retryCount, Long delayMillis,
                     long elapsedMillis, int attempt) {
    }

    /** Where a wait left the run: waiting until {@code wakeAt}, or CANCELLED because cancellation was pending. */
    record Waiting(RunStatus runStatus, Instant wakeAt) {
        boolean cancelled() {
            return runStatus == RunStatus.CANCELLED;
        }
    }

    enum Reception { RECEIVED, TIMED_OUT, WAITING, CANCELLED }

    record Received(Reception outcome, String stepOutputJson, Instant wakeAt) {
    }

    private final WakeUps wakeUps;
    private final Database database;
    private final WorkflowRepository rows;

    WorkflowTransitions(StoreInternals engine) {
        this.database = engine.database();
        this.wakeUps = engine.wakeUps();
        this.rows = new WorkflowRepository(database.dialect(), database.queueSettings());
    }

    Database database() {
        return database;
    }

    WorkflowRepository rows() {
        return rows;
    }

    // ---- definitions and triggering ---------------------------------------------------------------

    WorkflowRow register(String name, long queueId) {
        return database.transaction("register workflow '" + name + "'", c -> {
            rows.insertWorkflow(c, name, queueId);
            return rows.findWorkflow(c, name).orElseThrow();
        });
    }

    Optional<WorkflowRow> findWorkflow(String name) {
        return database.read("find workflow '" + name + "'", c -> rows.findWorkflow(c, name));
    }

    /**
     * Enqueues the run's message and inserts its QUEUED run, atomically. A run due now wakes workers
     * like an enqueue does: in this process at once, elsewhere by a (debounced) notification that the
     * trigger statement itself carries.
     */
    TriggeredRun trigger(WorkflowRow workflow, String payloadJson, String inputJson, long delayMillis, RunFields fields) {
        WakeUps.Notice notice = wakeUps.beforeWrite(workflow.queueId(), delayMillis);
        TriggeredRun run = rows.atomically(database, "trigger workflow '" + workflow.name() + "'", c -> rows.trigger(c,
                workflow.queueId(), workflow.id(), payloadJson, inputJson, delayMillis, fields, notice.channel(),
                notice.payload()));
        wakeUps.afterWrite(notice);
        return run;
    }

    /** As {@link #trigger}, with a run key and a priority (each nullable); a held key answers with its run. */
    TriggeredRun trigger(Connection connection, WorkflowRow workflow, String payloadJson, String inputJson,
                         long delayMillis, String runKey, Integer priority, RunFields fields) {
        String what = "trigger workflow '" + workflow.name() + "'";
        WakeUps.Notice notice = connection == null ? wakeUps.beforeWrite(workflow.queueId(), delayMillis)
                : wakeUps.beforeWriteInTransaction(workflow.queueId(), delayMillis);
        SqlWork<TriggeredRun> work = c -> rows.triggerWithOptions(c, workflow.queueId(), workflow.id(), payloadJson,
                inputJson, delayMillis, runKey, priority, fields, notice.channel(), notice.payload());
        TriggeredRun run = connection == null ? rows.atomically(database, what, work)
                : database.onConnection(connection, what, work);
        wakeUps.afterWrite(notice);
        return run;
    }

    /** As {@link #trigger}, in the caller's transaction: the notification is delivered when the caller commits. */
    TriggeredRun trigger(Connection connection, WorkflowRow workflow, String payloadJson, String inputJson, long delayMillis,
                         RunFields fields) {
        WakeUps.Notice notice = wakeUps.beforeWriteInTransaction(workflow.queueId(), delayMillis);
        TriggeredRun run = database.onConnection(connection, "trigger workflow '" + workflow.name() + "'", c -> rows.trigger(c,
                workflow.queueId(), workflow.id(), payloadJson, inputJson, delayMillis, fields, notice.channel(),
                notice.payload()));
        wakeUps.afterWrite(notice);
        return run;
    }

    // ---- claiming runs ----------------------------------------------------------------------------

    /** Leases due runs of the workflow and starts them (one statement on PostgreSQL). */
    List<ClaimedMessage> claim(WorkflowRow workflow, int limit, int maxReadCount, long leaseMillis, long workerId,
                               String version) {
        return rows.atomically(database, "claim runs of workflow '" + workflow.name() + "'",
                c -> rows.claim(c, workflow.queueId(), limit, maxReadCount, leaseMillis, workerId, version));
    }

    List<StepInfo> steps(long runId) {
        return database.read("read steps of run " + runId, c -> rows.steps(c, runId));
    }

    List<Lease> extendLeases(List<Lease> leases, long workerId, long leaseMillis) {
        return database.execute("extend run leases", c -> rows.extendLeases(c, Deliveries.of(leases), workerId, leaseMillis));
    }

    /**
     * A leased message whose run could not be started: it has no run yet (enqueued by another pgqrs
     * edition: the run is materialised from the payload's {@code input}), or its run is CANCELLING
     * (finished as CANCELLED now, without running user code) or already finished (the message is
     * archived), or it is a run of a version this worker does not have (given back, visible again after
     * {@code otherVersionDelayMillis}, for a worker that has it). Returns the started run in the first case.
     */
    Optional<StartedRun> adoptUnstarted(WorkflowRow workflow, LeasedMessage message, long workerId, String version,
                                        long otherVersionDelayMillis) {
        return database.transaction("adopt message " + message.id() + " of workflow '" + workflow.name() + "'", c -> {
            var run = rows.runOfMessage(c, message.id());
            if (run.isEmpty()) {
                // Triggered by another edition: the run is made from the message, with the whole payload as input.
                rows.insertRun(c, workflow.id(), message.id(), message.payloadJson());
                return rows.startRuns(c, List.of(message.id()), version).stream().findFirst();
            }
            RunLease lease = new RunLease(run.get().id(), message.id(), message.readCount(), workerId,
                    run.get().parentRunId());
            if (run.get().status() == RunStatus.CANCELLING) {
                finishCancelled(c, lease);
            } else if (run.get().status().isFinished()) {
                rows.archiveOwned(c, message.id(), workerId);
            } else if (run.get().version() != null && !run.get().version().equals(version)) {
                rows.giveBackLater(c, message.id(), workerId, otherVersionDelayMillis);
            } else {
                rows.giveBackNow(c, message.id(), workerId);
            }
            return Optional.<StartedRun>empty();
        });
    }

    /** A message dead-lettered by the dequeue (too many deliveries without a checkpoint): its run fails. */
    void failDeadLettered(LeasedMessage message) {
        String error = WorkflowDocuments.runFailure("dead_lettered", "the run's message " + message.id() + " was delivered "
                + message.readCount() + " times without the run finishing or waiting (its workers crashed or lost their "
                + "lease each time); it was dead-lettered and the run failed", null, null, null);
        database.execute("fail run of dead-lettered message " + message.id(),
                c -> rows.failRunOfMessage(c, message.id(), error));
    }

    // ---- steps --------------------------------------------------------------------------------------

    /** Records a step's success: one auto-committed statement. */
    StepCommit completeStep(RunLease lease, String step, String outputJson, long elapsedMillis) {
        return database.execute("complete step '" + step + "' of run " + lease.runId(),
                c -> completeStepOn(c, lease, step, outputJson, elapsedMillis));
    }

    /**
     * Records a step's success on the caller's connection (a transactional step's transaction). When
     * nothing was written, tells a step recorded before (its stored output wins) from a lost lease.
     */
    StepCommit completeStepOn(Connection c, RunLease lease, String step, String outputJson, long elapsedMillis)
            throws SQLException {
        Optional<WorkflowRepository.RunState> state = rows.completeStep(c, lease.runId(), step, outputJson, elapsedMillis,
                lease.messageId(), lease.workerId());
        if (state.isPresent()) {
            return new StepCommit(state.get().status(), state.get().deadlineAt(), null);
        }
        Optional<StepInfo> stored = rows.step(c, lease.runId(), step);
        if (stored.isPresent() && stored.get().status() == RunStatus.SUCCESS
                && rows.ownsMessage(c, lease.messageId(), lease.workerId())) {
            return new StepCommit(RunStatus.RUNNING, null, stored.get());
        }
        throw new LeaseLostException(lease);
    }

    /**
     * The run waits: records the step's new state (a failed attempt with its retry time, or a new
     * wait), sets the run's status, and gives its message back until the step is due. With
     * {@code state} null the step keeps its stored wake-up time (the run was woken early). If
     * cancellation is pending, the run is CANCELLED instead.
     */
    Waiting await(RunLease lease, String step, RunStatus runStatus, StepState state, String runErrorJson) {
        return database.transaction("make run " + lease.runId() + " wait at step '" + step + "'", c -> {
            lockOwned(c, lease);
            RunStatus now = rows.markRun(c, lease.runId(), runStatus, runErrorJson);
            if (state != null) {
                recordStepState(c, lease, step, state);
            }
            if (now == RunStatus.CANCELLING) {
                finishCancelled(c, lease);
                return new Waiting(RunStatus.CANCELLED, null);
            }
            Instant wakeAt = rows.giveBackUntilStepDue(c, lease.runId(), step, lease.messageId(), lease.workerId())
                    .orElseThrow(() -> new LeaseLostException(lease)).wakeAt();
            return new Waiting(now, wakeAt);
        });
    }

    /**
     * A {@code recv}: consumes the oldest event of the topic and records it as the step's output; else,
     * once the wait timed out, records the timeout; else waits (recording the wait when {@code newWait}).
     * The run row is locked first, so a concurrent {@link #send} either commits before (and its event is
     * seen here) or after (and it finds the message given back, and wakes it).
     */
    Received receive(RunLease lease, String topic, String step, StepState newWait, boolean timedOut) {
        return database.transaction("receive '" + topic + "' in run " + lease.runId(), c -> {
            lockOwned(c, lease);
            RunStatus now = rows.markRun(c, lease.runId(), RunStatus.RUNNING, null);
            if (now == RunStatus.CANCELLING) {
                finishCancelled(c, lease);
                return new Received(Reception.CANCELLED, null, null);
            }
            var event = rows.consumeEvent(c, lease.runId(), topic, step);
            if (event.isPresent() || timedOut) {
                String payload = event.map(e -> e.payloadJson() == null ? "null" : e.payloadJson()).orElse(null);
                String output = payload != null ? "{\"value\":" + payload + "}" : "{\"timedOut\":true}";
                rows.completeStep(c, lease.runId(), step, output, 0, lease.messageId(), lease.workerId())
                        .orElseThrow(() -> new LeaseLostException(lease));
                return new Received(payload != null ? Reception.RECEIVED : Reception.TIMED_OUT, output, null);
            }
            if (newWait != null) {
                recordStepState(c, lease, step, newWait);
            }
            Instant wakeAt = rows.giveBackUntilStepDue(c, lease.runId(), step, lease.messageId(), lease.workerId())
                    .orElseThrow(() -> new LeaseLostException(lease)).wakeAt();
            return new Received(Reception.WAITING, null, wakeAt);
        });
    }

    /** First lock of a worker's transition: the message it owns (then the run, by markRun). */
    private void lockOwned(Connection c, RunLease lease) throws SQLException {
        if (!rows.lockOwnedMessage(c, lease.messageId(), lease.workerId())) {
            throw new LeaseLostException(lease);
        }
    }

    private void recordStepState(Connection c, RunLease lease, String step, StepState s) throws SQLException {
        rows.recordStepState(c, lease.runId(), step, s.status(), s.inputJson(), s.errorJson(), s.retryCount(),
                s.delayMillis(), s.elapsedMillis(), s.attempt());
    }

    // ---- finishing ----------------------------------------------------------------------------------

    /**
     * Finishes the run and archives its message in one transaction; with {@code failedStep}, also
     * records that step's final error. Returns the final status (CANCELLED if cancellation was pending).
     */
    RunStatus finish(RunLease lease, RunStatus status, String outputJson, String errorJson, String failedStep,
                     StepState failedStepState) {
        String what = "finish run " + lease.runId();
        if (failedStep == null && lease.parentRunId() == null) {
            return rows.atomically(database, what, c -> finishOn(c, lease, status, outputJson, errorJson));
        }
        return database.transaction(what, c -> {
            if (failedStep != null) {
                recordStepState(c, lease, failedStep, failedStepState);
            }
            return finishOn(c, lease, status, outputJson, errorJson);
        });
    }

    /**
     * The function returned right after a plain step whose completion was held ({@link HeldStepCompletion}): the
     * step's completion, the run's finish and its message's archive in one commit (on PostgreSQL one statement). A
     * step another execution recorded first, like a lost lease, changes nothing and gives the run up. A cancellation
     * requested meanwhile finishes the run CANCELLED and cancels its children, as the step's boundary would have.
     */
    RunStatus finishAfterStep(RunLease lease, HeldStepCompletion.Completion step, String outputJson) {
        String what = "finish run " + lease.runId() + " after step '" + step.step() + "'";
        RunStatus status = lease.parentRunId() == null
                ? rows.atomically(database, what, c -> rows.completeStepAndFinish(c, lease.runId(), step.step(),
                        step.outputJson(), step.elapsedMillis(), lease.messageId(), lease.readCount(), lease.workerId(),
                        RunStatus.SUCCESS, outputJson).orElseThrow(() -> new LeaseLostException(lease)))
                : database.transaction(what, c -> {
                    completeHeldStepOn(c, lease, step);
                    return finishOn(c, lease, RunStatus.SUCCESS, outputJson, null);
                });
        if (status == RunStatus.CANCELLED) {
            cancelChildren(lease.runId());
        }
        return status;
    }

    /**
     * The function succeeded after failed attempts under a run retry policy: records the held completion of its
     * last step if there is one (null if not) and the attempts step's success, finishes the run and archives its
     * message, in one transaction.
     */
    RunStatus finishAfterRetries(RunLease lease, HeldStepCompletion.Completion lastStep, String outputJson,
                                 String attemptsStep, long elapsedMillis) {
        return database.transaction("finish run " + lease.runId(), c -> {
            if (lastStep != null) {
                completeHeldStepOn(c, lease, lastStep);
            }
            rows.completeStep(c, lease.runId(), attemptsStep, null, elapsedMillis, lease.messageId(), lease.workerId());
            return finishOn(c, lease, RunStatus.SUCCESS, outputJson, null);
        });
    }

    private void completeHeldStepOn(Connection c, RunLease lease, HeldStepCompletion.Completion step) throws SQLException {
        if (completeStepOn(c, lease, step.step(), step.outputJson(), step.elapsedMillis()).alreadyRecorded() != null) {
            throw new LeaseLostException(lease); // a duplicate execution: the one that recorded the step carries on
        }
    }

    /** The run's status now (one read). */
    WorkflowRepository.RunState runStatus(long runId) {
        return database.read("read status of run " + runId,
                c -> rows.runStatus(c, runId).orElseThrow(() -> new RunNotFoundException(runId)));
    }

    /** Cancellation reached a step boundary: CANCELLED, message archived. */
    RunStatus finishCancelled(RunLease lease) {
        String what = "cancel run " + lease.runId();
        return lease.parentRunId() == null ? rows.atomically(database, what, c -> finishCancelled(c, lease))
                : database.transaction(what, c -> finishCancelled(c, lease));
    }

    /**
     * A worker finalises a requested cancellation at a step boundary, then cancels the run's children again: the
     * request cancelled them already unless its process died part-way.
     */
    RunStatus finishCancelledWithChildren(RunLease lease) {
        RunStatus status = finishCancelled(lease);
        cancelChildren(lease.runId());
        return status;
    }

    /**
     * The run passed its deadline: CANCELLED with the reason, its message archived; then its children are
     * cancelled (each in a transaction of its own, as {@link #cancelChildren} does).
     */
    RunStatus finishPastDeadline(RunLease lease, String reasonJson) {
        RunStatus status = database.transaction("cancel run " + lease.runId() + " past its deadline",
                c -> finishOn(c, lease, RunStatus.CANCELLED, null, reasonJson));
        cancelChildren(lease.runId());
        return status;
    }

    private RunStatus finishCancelled(Connection c, RunLease lease) throws SQLException {
        return finishOn(c, lease, RunStatus.CANCELLED, null, null);
    }

    /**
     * Finishes the run and archives its message; a child run also wakes its parent's waiting step, in the same
     * transaction (the caller's: {@link #finish} opens one for a child).
     */
    private RunStatus finishOn(Connection c, RunLease lease, RunStatus status, String outputJson, String errorJson)
            throws SQLException {
        RunStatus finished = rows.finishAndArchive(c, lease.runId(), lease.messageId(), lease.readCount(), lease.workerId(),
                        status, outputJson, errorJson)
                .orElseThrow(() -> new LeaseLostException(lease));
        if (lease.parentRunId() != null && rows.wakeParent(c, lease.parentRunId(), lease.runId())) {
            notifyWorkers(c, queueOfRun(c, lease.parentRunId()));
        }
        return finished;
    }

    private long queueOfRun(Connection c, long runId) throws SQLException {
        return rows.lockRun(c, runId).orElseThrow(() -> new RunNotFoundException(runId)).queueId();
    }

    /** The worker stops at a step boundary: the message is visible again now (its delivery stays counted). */
    boolean giveBack(RunLease lease) {
        return database.execute("give back run " + lease.runId(),
                c -> rows.giveBackNow(c, lease.messageId(), lease.workerId()));
    }

    // ---- requests from outside the run ------------------------------------------------------------

    /**
     * Two-phase cancellation, as pgqrs does it: the run becomes CANCELLING, and a worker finalises it as
     * CANCELLED — a worker executing it at its next step boundary, or the next worker that picks it up,
     * without running any of its code. A run that waits has its message made visible at once, so that
     * happens promptly. Finished runs are left as they are. Returns the status and the queue to wake.
     */
    Cancellation cancel(long runId, String reasonJson) {
        return database.transaction("cancel run " + runId, c -> {
            LockedRun run = rows.lockRun(c, runId).orElseThrow(() -> new RunNotFoundException(runId));
            if (run.status().isFinished() || run.status() == RunStatus.CANCELLING) {
                return new Cancellation(run.status(), null);
            }
            rows.requestCancel(c, runId, reasonJson);
            if (rows.wakeMessage(c, run.messageId())) {
                notifyWorkers(c, run.queueId());
                return new Cancellation(RunStatus.CANCELLING, run.queueId());
            }
            return new Cancellation(RunStatus.CANCELLING, null);
        });
    }

    /** What a cancel did, and the queue whose workers to wake (null when none need waking). */
    record Cancellation(RunStatus status, Long queueToWake) {
    }

    /**
     * Cancels the unfinished children of a run, and theirs, each child in a transaction of its own (taking a
     * child's locks while holding the parent's would invert the order a finishing child takes them in).
     * A crash part-way leaves some children running; the parent's worker cascades again when it finalises
     * the parent's cancellation.
     */
    void cancelChildren(long runId) {
        List<RunInfo> children = database.read("read children of run " + runId, c -> rows.children(c, runId));
        for (RunInfo child : children) {
            if (child.isFinished()) {
                continue;
            }
            Cancellation cancelled = cancel(child.id(),
                    WorkflowDocuments.cancelReason("cancelled with its parent run " + runId));
            if (cancelled.queueToWake() != null) {
                wakeUps.visibleNow(cancelled.queueToWake());
            }
            cancelChildren(child.id());
        }
    }

    List<RunInfo> children(long runId) {
        return database.read("read children of run " + runId, c -> rows.children(c, runId));
    }

    /** A child run's state, read for the parent step that waits for it. */
    Optional<RunInfo> run(long runId) {
        return database.read("read run " + runId, c -> rows.run(c, runId));
    }

    /** What starting a child did: the child's run, or CANCELLED when the parent's cancellation was pending. */
    record ChildStart(Waiting waiting, long childRunId) {
    }

    /**
     * A step starts a child run and waits for it, in one transaction: the child's message and QUEUED run (linked to
     * the parent and the step), the step's wait (naming the child, so a later execution of the step finds it and
     * starts none), and the parent's message given back — parked until the child finishes and wakes it, or until
     * the parent's deadline. If the parent's cancellation is pending, it is CANCELLED instead and no child starts.
     */
    ChildStart startChild(RunLease lease, String step, WorkflowRow child, String payloadJson, RunFields fields) {
        WakeUps.Notice notice = wakeUps.beforeWriteInTransaction(child.queueId(), 0);
        ChildStart started = database.transaction("start a child run of workflow '" + child.name() + "' from step '"
                + step + "' of run " + lease.runId(), c -> {
            lockOwned(c, lease);
            RunStatus now = rows.markRun(c, lease.runId(), RunStatus.RUNNING, null);
            if (now == RunStatus.CANCELLING) {
                finishCancelled(c, lease);
                return new ChildStart(new Waiting(RunStatus.CANCELLED, null), 0);
            }
            TriggeredRun run = rows.trigger(c, child.queueId(), child.id(), payloadJson, payloadJson, 0, fields,
                    notice.channel(), notice.payload());
            recordStepState(c, lease, step, new StepState(RunStatus.PAUSED,
                    WorkflowDocuments.childWait(run.runId(), child.name()), null, 0, null, 0, 1));
            Instant wakeAt = rows.giveBackUntilStepDue(c, lease.runId(), step, lease.messageId(), lease.workerId())
                    .orElseThrow(() -> new LeaseLostException(lease)).wakeAt();
            return new ChildStart(new Waiting(now, wakeAt), run.runId());
        });
        if (!started.waiting().cancelled()) {
            wakeUps.afterWrite(notice);
        }
        return started;
    }

    /** What {@link #fork} started: the new run, of the old one's workflow. */
    record Fork(TriggeredRun run, String workflow) {
    }

    private record ForkWritten(Fork fork, WakeUps.Notice notice) {
    }

    /**
     * Starts a new run of a finished run's workflow with the same input and version, linked to it, with the old
     * run's completed steps recorded before {@code step} copied (the new run replays them and executes from
     * {@code step} on), in one transaction.
     */
    Fork fork(long runId, String step, WorkflowRow row) {
        ForkWritten written = database.transaction("fork run " + runId + " from step '" + step + "'", c -> {
            RunInfo old = rows.run(c, runId).orElseThrow(() -> new RunNotFoundException(runId));
            if (!old.isFinished()) {
                throw new IllegalRunStateException("run " + runId + " of workflow '" + old.workflow() + "' is "
                        + old.status() + "; only a finished run (SUCCESS, ERROR or CANCELLED) can be forked");
            }
            List<StepInfo> steps = rows.steps(c, runId);
            List<String> names = new ArrayList<>();
            StepInfo from = null;
            for (StepInfo s : steps) {
                if (s.name().equals(Workflow.RUN_ATTEMPTS_STEP) || s.name().equals(Workflow.RUN_RECOVERIES_STEP)) {
                    continue;
                }
                names.add(s.name());
                if (s.name().equals(step)) {
                    from = s;
                }
            }
            if (from == null) {
                throw new IllegalArgumentException("run " + runId + " of workflow '" + old.workflow() + "' has no step '"
                        + step + "' to fork from; its recorded steps are " + names);
            }
            WakeUps.Notice notice = wakeUps.beforeWriteInTransaction(row.queueId(), 0);
            RunFields fields = new RunFields(old.version(), null, null, null, null, runId, step);
            TriggeredRun run = rows.trigger(c, row.queueId(), row.id(), old.inputJson(), old.inputJson(), 0, fields,
                    notice.channel(), notice.payload());
            rows.copyStepsBefore(c, runId, from.id(), run.runId());
            return new ForkWritten(new Fork(run, old.workflow()), notice);
        });
        wakeUps.afterWrite(written.notice());
        return written.fork();
    }

    /**
     * A claim took over the run's lease after its worker lost it (crashed, or stalled past the lease): counts
     * it, and fails the run once that happened {@code limit} times — a run that keeps killing its workers
     * must not keep taking them down. Returns whether the run was failed.
     */
    boolean recovered(RunLease lease, int limit) {
        return database.transaction("count a recovery of run " + lease.runId(), c -> {
            int recoveries = rows.countRecovery(c, lease.runId());
            if (recoveries < limit) {
                return false;
            }
            String error = WorkflowDocuments.runFailure("recoveries_exhausted", "run " + lease.runId() + " was taken "
                    + "over " + recoveries + " times after its worker crashed or lost its lease before the run "
                    + "finished or waited; it is failed rather than retried again", null, null, recoveries);
            finishOn(c, lease, RunStatus.ERROR, null, error);
            return true;
        });
    }

    /** Resumes a PAUSED run: its pause steps become due and its message visible. Returns the queue to wake, or empty. */
    Optional<Long> resume(long runId) {
        return database.transaction("resume run " + runId, c -> {
            LockedRun run = rows.lockRun(c, runId).orElseThrow(() -> new RunNotFoundException(runId));
            if (run.status().isFinished()) {
                throw new IllegalRunStateException("run " + runId + " of workflow '" + run.workflow() + "' is "
                        + run.status() + "; only a PAUSED run can be resumed");
            }
            if (run.status() != RunStatus.PAUSED) {
                return Optional.<Long>empty();
            }
            rows.resumePauseSteps(c, runId);
            rows.setRunStatus(c, runId, RunStatus.RUNNING);
            if (rows.wakeMessage(c, run.messageId())) {
                notifyWorkers(c, run.queueId());
            }
            return Optional.of(run.queueId());
        });
    }

    /** Stores an event for the run and wakes it if it is waiting. Returns the queue to wake, or empty. */
    Optional<Long> send(long runId, String topic, String payloadJson) {
        return database.transaction("send '" + topic + "' to run " + runId, c -> {
            LockedRun run = rows.lockRun(c, runId).orElseThrow(() -> new RunNotFoundException(runId));
            if (run.status().isFinished()) {
                throw new IllegalRunStateException("run " + runId + " of workflow '" + run.workflow() + "' is "
                        + run.status() + "; events can no longer be delivered to it");
            }
            rows.insertEvent(c, runId, topic, payloadJson);
            boolean woken = run.status() == RunStatus.RUNNING && rows.wakeMessage(c, run.messageId());
            if (woken) {
                notifyWorkers(c, run.queueId());
            }
            return woken ? Optional.of(run.queueId()) : Optional.<Long>empty();
        });
    }

    /**
     * A run's message became visible now: notify workers in other processes when this transaction
     * commits (the caller wakes this process's workers after the commit).
     */
    private void notifyWorkers(Connection c, long queueId) throws SQLException {
        WakeUps.Notice notice = wakeUps.beforeWriteInTransaction(queueId, 0);
        if (notice.notifies()) {
            rows.notify(c, notice.channel(), notice.payload());
        }
    }
}
