package dev.pgqrs.store;

import dev.pgqrs.store.WorkflowRepository.ClaimedMessage;
import dev.pgqrs.store.WorkflowRepository.RunFields;
import dev.pgqrs.store.WorkflowRepository.TriggeredRun;
import dev.pgqrs.workflow.RunStatus;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/**
 * The workflow statements whose SQL differs per backend (timestamps, JSON and enum casts, list
 * parameters). Each accessor documents its parameters in binding order; both backends bind the same
 * values in the same order, so {@link WorkflowRepository} never branches on the backend; each dialect
 * hands out its own ({@link Dialect#workflowSql()}). Statements that read the same on both backends
 * live in {@link WorkflowRepository} itself.
 *
 * <p>The hottest writes that touch two tables (trigger, claim, finish) are methods instead: on
 * PostgreSQL each is one statement built around the queue's own statement (data-modifying CTEs), on
 * SQLite it is several statements.
 *
 * <p>Lock order: a transaction that locks both a run's message and the run locks the message first
 * (as the queue's dequeue does), so workers, cancels, sends and resumes never wait on each other in a
 * cycle.
 *
 * <p>Words used below: a message is <em>owned</em> by a worker while {@code consumer_worker_id} is
 * that worker and it is not archived; <em>giving a message back</em> clears the owner and sets its
 * visibility, and also takes back the delivery the dequeue counted ({@code read_ct - 1}), because a
 * run that waits on purpose (retry back-off, sleep, pause, event) is not a failed delivery.
 */
public interface WorkflowSql {

    // ---- writes spanning the queue and the workflow tables --------------------------------------------

    /**
     * Runs {@link #trigger} or {@link #finishAndArchive} atomically at the least cost: on PostgreSQL they
     * are single statements that commit on their own (one round trip); on SQLite they are several
     * statements and run in one transaction. Only for those two.
     */
    <T> T atomically(Database database, String what, SqlWork<T> work);

    /**
     * Enqueues the run's message (the queue's enqueue) and inserts its QUEUED run. With a
     * {@code notifyChannel} (only where the backend has notifications) the same statement notifies it
     * with {@code notifyPayload}, delivered on commit, like {@link Dialect#enqueueNotifying()}.
     */
    TriggeredRun trigger(Connection c, long queueId, long workflowId, String payloadJson, String inputJson,
                         long delayMillis, RunFields fields, String notifyChannel, String notifyPayload) throws SQLException;

    /**
     * As {@link #trigger}, the message enqueued with a run key (its deduplication key) and a priority, each
     * nullable ({@link Dialect#enqueueWithOptions()}). Empty when a message of the queue holds the key: nothing
     * was inserted.
     */
    Optional<TriggeredRun> triggerWithOptions(Connection c, long queueId, long workflowId, String payloadJson,
                                              String inputJson, long delayMillis, String runKey, Integer priority,
                                              RunFields fields, String notifyChannel, String notifyPayload)
            throws SQLException;

    /**
     * Leases up to {@code limit} due messages (the queue's dequeue, dead-lettering included) and starts
     * their QUEUED, RUNNING or PAUSED runs for the worker: those of the worker's {@code version}, or of none (a
     * message whose run has another version is not leased: {@link #claimStatement}). The dequeue is the one
     * {@code settings} need ({@link Dialect#dequeue(QueueSettings, String)}; on SQLite its candidates, read and then
     * leased by id). Starting a run with a timeout sets its deadline (first start + timeout, or the deadline it had
     * if earlier). Need not be atomic: a crash in between only leaves a lease to expire.
     */
    List<ClaimedMessage> claim(Connection c, long queueId, QueueSettings settings, int limit, int maxReadCount,
                               long leaseMillis, long workerId, String version) throws SQLException;

    /**
     * The statement of {@link #claim} that chooses what it leases, passing over messages whose run has another
     * version than the worker's. PostgreSQL: the queue's dequeue, params the version, then the dequeue's five.
     * SQLite: the read of the dequeue's candidates (id, consumer_worker_id; params ?2 queue, ?3 limit, ?6 the
     * version), which the claim then leases by id in the same write transaction.
     */
    String claimStatement(QueueSettings settings);

    /**
     * Archives the message the worker owns (fenced on the delivery, as the queue's archive is) and finishes
     * its run with {@code status} (CANCELLED instead if cancellation was requested). Empty, and nothing
     * changed, if the worker does not hold that delivery.
     */
    Optional<RunStatus> finishAndArchive(Connection c, long runId, long messageId, int readCount, long workerId,
                                         RunStatus status,
                                         String outputJson, String errorJson) throws SQLException;

    /**
     * The function returned right after a plain step: records the step's success (as {@link #completeStep} does)
     * and, only if that was written, archives the message and finishes the run (as {@link #finishAndArchive}, no
     * error), atomically: run it under {@link #atomically}. Empty, and nothing changed, when the step was not
     * written (another execution recorded it first, or the worker no longer holds the delivery).
     */
    Optional<RunStatus> completeStepAndFinish(Connection c, long runId, String step, String stepOutputJson,
                                              long elapsedMillis, long messageId, int readCount, long workerId,
                                              RunStatus status, String outputJson) throws SQLException;

    /** Params: workflow_id, message_id, input JSON. Inserts a QUEUED run unless the message has one. Returns id. */
    String insertRun();

    /**
     * Params: message ids, version. Marks the QUEUED, RUNNING or PAUSED runs of those messages RUNNING if
     * they are of that version or of none (the worker is the messages' consumer; the run's worker_id stays
     * NULL, as pgqrs leaves it), setting a timeout's deadline as {@link #claim} does. Returns id, message_id,
     * workflow_id, input, whether steps exist, the database's now, deadline_at, parent_run_id.
     */
    String startRuns();

    /**
     * Params: run_id, step_name, output JSON, elapsed ms, message_id, worker_id. Records the step as
     * SUCCESS if the worker owns the message and the step is not SUCCESS already. Returns the run's
     * status; no row when nothing was written.
     */
    String completeStep();

    /**
     * Params: run_id, step_name, status (ERROR or PAUSED), input JSON (nullable: keep), error JSON
     * (nullable: keep), retry_count, delay ms (nullable: no retry_at), elapsed ms, attempt. Records a
     * failed attempt or a wait; never overwrites a SUCCESS step.
     */
    String recordStepState();

    /**
     * Params: run_id, step_name, message_id, worker_id. Gives the owned message back until the step's
     * {@code retry_at}, its delivery still counted; a step with none (until resumed, an event without a
     * timeout) parks the message: archived while the run waits. A run with a deadline waits no longer than
     * it: the message is visible at the deadline if that comes first. Returns the new vt, NULL when parked.
     */
    String giveBackUntilStepDue();

    /** Params: message_id, worker_id. Gives the owned message back, visible now, its delivery still counted. Returns id. */
    String giveBackNow();

    /**
     * Params: message_id, worker_id, delay ms. Gives the owned message back, visible after the delay, taking
     * back the delivery the claim counted (a run of a version the worker does not have). Returns id.
     */
    String giveBackLater();

    /**
     * Params: reason JSON (nullable), run_id. Requests cancellation: CANCELLING, the reason as the run's error
     * (kept when the run becomes CANCELLED).
     */
    String requestCancel();

    /** Params: parent run_id, child run_id. Makes the parent's step that waits for the child due now. */
    String wakeChildWait();

    /**
     * Params: status, run_id, error JSON (nullable: keep). Sets the run's status (and paused_at for PAUSED,
     * and its error when given) unless it is CANCELLING; locks the row until commit. Returns the status the
     * run has afterwards.
     */
    String markRun();

    /** Params: run_id. Reads and locks the run until commit. Returns status, message_id, queue_id, workflow name. */
    String lockRun();

    /** Params: run_id. Locks the run's message until commit (taken before {@link #lockRun()}). Returns id. */
    String lockMessageOfRun();

    /** Params: message_id, worker_id. Locks the message if the worker owns it. Returns id. */
    String lockOwnedMessage();

    /** Params: status, run_id. Sets a status chosen by the caller (completed_at when finished). */
    String setRunStatus();

    /** Params: message_id. Archives a message unless a live lease holds it. Returns id. */
    String archiveUnleased();

    /** Params: run_id. Makes the run's pause steps due now. */
    String resumePauseSteps();

    /** Params: message_id. Makes a waiting message (given back, not yet due; or parked) visible now. */
    String wakeMessage();

    /** Params: run_id, topic, payload JSON. Returns id. */
    String insertEvent();

    /** Params: step_name, run_id, topic. Marks the oldest unconsumed event consumed. Returns id, payload. */
    String consumeEvent();

    /** Params: error JSON, message_id. Fails the unfinished run of a dead-lettered message. */
    String failRunOfMessage();

    /** Params: workflow name, status, limit. Returns {@link WorkflowRepository#RUN_COLUMNS}, newest first. */
    String listRunsWithStatus();
}
