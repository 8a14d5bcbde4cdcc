package dev.pgqrs.interop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The workflow operations of pgqrs (Rust) (pgqrs-interop.md §4) on top of {@link OriginalEdition}:
 * create, trigger {@code {"input": X}} (no run row), run materialisation at pickup, start, steps with
 * their upsert and error shapes, the outcomes and what each does with the message, and HEAD's
 * cancellation. Every statement stands alone (no transactions), as in the original.
 */
final class OriginalWorkflows {

    /** What one delivery of a run ended with, and so what happened to its message. */
    enum Outcome {
        /** No message was visible (the consumer would heartbeat now). */
        IDLE,
        /** SUCCESS, message archived. */
        SUCCESS,
        /** ERROR (a permanent failure or retries exhausted), message archived. */
        ERROR,
        /** PAUSED, message released (vt = now). */
        PAUSED,
        /** A transient step error or a step not due yet: run left RUNNING, message released. */
        RETRY,
        /** The run was already SUCCESS/ERROR: "terminal state" error, message released. */
        TERMINAL,
        /** HEAD: CANCELLING/CANCELLED at pickup or at a step boundary, message archived. */
        CANCELLED
    }

    /** The user's workflow function. */
    interface Body {
        JsonNode run(Steps steps, JsonNode input) throws Exception;
    }

    /** What a step body may throw: the original's StepError kinds. */
    static final class StepError extends Exception {
        final boolean transientError;
        final String code;
        final Integer retryAfter;

        StepError(boolean transientError, String code, String message, Integer retryAfter) {
            super(message);
            this.transientError = transientError;
            this.code = code;
            this.retryAfter = retryAfter;
        }

        static StepError transientError(String message) {
            return new StepError(true, "TRANSIENT", message, null);
        }

        static StepError permanent(String message) {
            return new StepError(false, "NON_RETRYABLE", message, null);
        }
    }

    /** The run asks to pause (the original's pause error). */
    static final class Pause extends Exception {
        final int resumeAfter;

        Pause(String message, int resumeAfter) {
            super(message);
            this.resumeAfter = resumeAfter;
        }
    }

    private static final class StepNotReady extends Exception {
        StepNotReady(String step) {
            super("step " + step + " is not ready");
        }
    }

    private static final class Cancelled extends Exception {
        Cancelled(long runId) {
            super("run " + runId + " was cancelled");
        }
    }

    private static final class Retry extends Exception {
        Retry(StepError cause) {
            super(cause.getMessage(), cause);
        }
    }

    interface StepBody {
        JsonNode run() throws StepError;
    }

    /** Step execution inside one delivery. */
    final class Steps {
        private final long runId;

        Steps(long runId) {
            this.runId = runId;
        }

        JsonNode step(String name, StepBody body) throws Exception {
            if (o.database().release().cancellation() && cancelIfRequested(runId)) {
                throw new Cancelled(runId);
            }
            StepRow row = acquire(runId, name);
            Instant t = o.now();
            if (row.status.equals("SUCCESS") && row.output != null) {
                return row.output;
            }
            if (row.status.equals("ERROR")) {
                if (row.retryAt == null) {
                    throw new IllegalStateException("Step failed after " + (row.retryCount + 1) + " attempts: " + row.error);
                }
                if (t.isBefore(row.retryAt)) {
                    throw new StepNotReady(name);
                }
                o.update("UPDATE pgqrs_workflow_steps SET status = 'RUNNING', retry_at = NULL, error = NULL WHERE run_id = ? AND step_name = ?",
                        ps -> {
                            ps.setLong(1, runId);
                            ps.setString(2, name);
                        });
            }
            JsonNode output;
            try {
                output = body.run();
            } catch (StepError e) {
                recordFailure(runId, name, row.retryCount, e);
                if (e.transientError) {
                    throw new Retry(e);
                }
                throw new IllegalStateException(e.getMessage(), e);
            }
            o.update("UPDATE pgqrs_workflow_steps SET status = 'SUCCESS', output = " + o.json() + ", completed_at = " + o.dbNow()
                    + " WHERE run_id = ? AND step_name = ?", ps -> {
                ps.setString(1, output.toString());
                ps.setLong(2, runId);
                ps.setString(3, name);
            });
            return output;
        }
    }

    record StepRow(String status, JsonNode output, String error, Instant retryAt, int retryCount) {
    }

    record RunRow(long id, long workflowId, long messageId, String status, String input, String output, String error,
                  String startedAt, String pausedAt, String completedAt, Long workerId) {
    }

    private final OriginalEdition o;

    OriginalWorkflows(OriginalEdition o) {
        this.o = o;
    }

    /** Ensures the queue named like the workflow, then inserts the definition (duplicate → an error). */
    long create(String name) {
        long queueId = o.queueIdOrCreate(name);
        return o.queryOne("INSERT INTO pgqrs_workflows (name, queue_id) VALUES (?, ?) RETURNING id", ps -> {
            ps.setString(1, name);
            ps.setLong(2, queueId);
        }, rs -> rs.getLong(1)).orElseThrow();
    }

    long queueOf(String workflow) {
        return o.queryOne("SELECT queue_id FROM pgqrs_workflows WHERE name = ?", ps -> ps.setString(1, workflow), rs -> rs.getLong(1))
                .orElseThrow(() -> new OriginalEdition.OriginalError("workflow " + workflow + " not found"));
    }

    /** Enqueues {"input": X} into the workflow's queue (a new ephemeral producer unless one is given); no run row. */
    long trigger(String workflow, JsonNode input, Long producerId) {
        long queueId = queueOf(workflow);
        ObjectNode payload = OriginalEdition.JSON.createObjectNode();
        payload.set("input", input);
        long producer = producerId != null ? producerId : o.ephemeral(queueId);
        return o.enqueue(queueId, producer, payload.toString());
    }

    /**
     * One delivery, as the original's workflow consumer loop does it: dequeue one message, find or
     * create its run, start it, run the body, then archive or release the message by outcome.
     */
    Outcome processNext(String workflow, long consumerId, Body body) {
        long queueId = queueOf(workflow);
        List<OriginalEdition.Msg> messages = o.dequeue(queueId, consumerId, 1);
        if (messages.isEmpty()) {
            return Outcome.IDLE;
        }
        OriginalEdition.Msg message = messages.get(0);
        long runId = materialise(message);
        RunRow run = run(runId);
        boolean head = o.database().release().cancellation();
        if (head && (run.status().equals("CANCELLING") || run.status().equals("CANCELLED"))) {
            cancelIfRequested(runId);
            o.archive(message.id(), consumerId);
            return Outcome.CANCELLED;
        }
        if (run.status().equals("SUCCESS") || run.status().equals("ERROR")) {
            o.release(message.id(), consumerId);
            return Outcome.TERMINAL;
        }
        if (!run.status().equals("RUNNING")) {
            o.update("UPDATE pgqrs_workflow_runs SET status = 'RUNNING', updated_at = " + o.dbNow()
                    + ", started_at = CASE WHEN status = 'QUEUED' THEN " + o.dbNow() + " ELSE started_at END"
                    + " WHERE id = ? AND status IN ('QUEUED', 'PAUSED')", ps -> ps.setLong(1, runId));
        }
        JsonNode payload = message.payload();
        JsonNode input = payload.has("input") ? payload.get("input") : payload;
        try {
            JsonNode output = body.run(new Steps(runId), input);
            String completed = o.postgres() ? ", completed_at = now()" : "";
            o.update("UPDATE pgqrs_workflow_runs SET status = 'SUCCESS', output = " + o.json() + completed + ", updated_at = "
                    + o.dbNow() + " WHERE id = ?", ps -> {
                ps.setString(1, output.toString());
                ps.setLong(2, runId);
            });
            o.archive(message.id(), consumerId);
            return Outcome.SUCCESS;
        } catch (Pause p) {
            ObjectNode error = OriginalEdition.JSON.createObjectNode().put("message", p.getMessage()).put("resume_after", p.resumeAfter);
            Instant t = o.now();
            o.update("UPDATE pgqrs_workflow_runs SET status = 'PAUSED', error = " + o.json() + ", paused_at = "
                    + (o.postgres() ? "now()" : "?") + ", updated_at = " + o.dbNow() + " WHERE id = ?", ps -> {
                ps.setString(1, error.toString());
                int i = 2;
                if (!o.postgres()) {
                    o.bindTime(ps, i++, t);
                }
                ps.setLong(i, runId);
            });
            o.release(message.id(), consumerId);
            return Outcome.PAUSED;
        } catch (Retry | StepNotReady e) {
            o.release(message.id(), consumerId);
            return Outcome.RETRY;
        } catch (Cancelled e) {
            o.archive(message.id(), consumerId);
            return Outcome.CANCELLED;
        } catch (Exception e) {
            String text = OriginalEdition.JSON.getNodeFactory().textNode(e.getMessage()).toString();
            String completed = o.postgres() ? ", completed_at = now()" : "";
            o.update("UPDATE pgqrs_workflow_runs SET status = 'ERROR', error = " + o.json() + completed + ", updated_at = "
                    + o.dbNow() + " WHERE id = ?", ps -> {
                ps.setString(1, text);
                ps.setLong(2, runId);
            });
            o.archive(message.id(), consumerId);
            return Outcome.ERROR;
        }
    }

    /**
     * The run of a message: looked up by message_id, else inserted QUEUED with input = the whole
     * payload, for the workflow named like the message's queue. Two statements; the unique
     * message_id is the only guard.
     */
    long materialise(OriginalEdition.Msg message) {
        Optional<Long> existing = o.queryOne("SELECT id FROM pgqrs_workflow_runs WHERE message_id = ?",
                ps -> ps.setLong(1, message.id()), rs -> rs.getLong(1));
        if (existing.isPresent()) {
            return existing.get();
        }
        long workflowId = o.queryOne("SELECT w.id FROM pgqrs_workflows w JOIN pgqrs_queues q ON q.queue_name = w.name WHERE q.id = ?",
                ps -> ps.setLong(1, message.queueId()), rs -> rs.getLong(1)).orElseThrow();
        Instant t = o.now();
        String times = o.postgres() ? "" : ", created_at, updated_at";
        String timeValues = o.postgres() ? "" : ", ?, ?";
        return o.queryOne("INSERT INTO pgqrs_workflow_runs (workflow_id, message_id, status, input" + times + ") VALUES (?, ?, 'QUEUED', "
                + o.json() + timeValues + ") RETURNING id", ps -> {
            ps.setLong(1, workflowId);
            ps.setLong(2, message.id());
            ps.setString(3, message.payloadJson());
            if (!o.postgres()) {
                o.bindTime(ps, 4, t);
                o.bindTime(ps, 5, t);
            }
        }, rs -> rs.getLong(1)).orElseThrow();
    }

    /** HEAD: QUEUED, RUNNING or PAUSED → CANCELLING (never straight to CANCELLED). */
    void cancel(long runId) {
        int changed = o.update("UPDATE pgqrs_workflow_runs SET status = 'CANCELLING', updated_at = " + o.dbNow()
                + " WHERE id = ? AND status IN ('QUEUED', 'RUNNING', 'PAUSED')", ps -> ps.setLong(1, runId));
        if (changed == 0 && o.postgres()) {
            throw new OriginalEdition.OriginalError("run " + runId + " cannot be cancelled in state " + run(runId).status());
        }
    }

    /** HEAD, at pickup and before each step: CANCELLING → CANCELLED. True when the run is (now) cancelled. */
    private boolean cancelIfRequested(long runId) {
        o.update("UPDATE pgqrs_workflow_runs SET status = 'CANCELLED', completed_at = " + o.dbNow() + ", updated_at = " + o.dbNow()
                + " WHERE id = ? AND status = 'CANCELLING'", ps -> ps.setLong(1, runId));
        return run(runId).status().equals("CANCELLED");
    }

    /**
     * acquire: an upsert on (run_id, step_name). A new row is RUNNING, started now, retry_count 0; an
     * existing SUCCESS or ERROR row keeps its status; any other becomes RUNNING with a fresh start.
     */
    private StepRow acquire(long runId, String step) {
        o.update("INSERT INTO pgqrs_workflow_steps (run_id, step_name, status, started_at, retry_count) VALUES (?, ?, 'RUNNING', "
                + o.dbNow() + ", 0) ON CONFLICT (run_id, step_name) DO UPDATE SET"
                + " status = CASE WHEN pgqrs_workflow_steps.status IN ('SUCCESS', 'ERROR') THEN pgqrs_workflow_steps.status ELSE 'RUNNING' END,"
                + " started_at = CASE WHEN pgqrs_workflow_steps.status IN ('SUCCESS', 'ERROR') THEN pgqrs_workflow_steps.started_at ELSE "
                + o.dbNow() + " END", ps -> {
            ps.setLong(1, runId);
            ps.setString(2, step);
        });
        return step(runId, step).orElseThrow();
    }

    Optional<StepRow> step(long runId, String step) {
        return o.queryOne("SELECT status, " + o.payloadText("output") + ", " + o.payloadText("error") + ", retry_at, retry_count"
                + " FROM pgqrs_workflow_steps WHERE run_id = ? AND step_name = ?", ps -> {
            ps.setLong(1, runId);
            ps.setString(2, step);
        }, rs -> {
            String output = rs.getString(2);
            Instant retryAt = o.postgres()
                    ? Optional.ofNullable(rs.getObject(4, java.time.OffsetDateTime.class)).map(java.time.OffsetDateTime::toInstant).orElse(null)
                    : Optional.ofNullable(rs.getString(4)).map(OriginalWorkflows::parseSqliteTime).orElse(null);
            try {
                return new StepRow(rs.getString(1), output == null ? null : OriginalEdition.JSON.readTree(output), rs.getString(3),
                        retryAt, rs.getInt(5));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /**
     * A failed step: transient with retries left (retry_count &lt; 3) → ERROR, retry_at = t + delay,
     * retry_count + 1; otherwise ERROR with retry_at NULL. The error JSON has the original's shape.
     */
    private void recordFailure(long runId, String step, int retryCount, StepError e) {
        ObjectNode error = OriginalEdition.JSON.createObjectNode().put("is_transient", e.transientError).put("code", e.code)
                .put("message", e.getMessage());
        if (e.transientError) {
            if (e.retryAfter == null) {
                error.putNull("retry_after");
            } else {
                error.put("retry_after", e.retryAfter);
            }
        }
        if (e.transientError && retryCount < 3) {
            int delay = e.retryAfter != null ? e.retryAfter : Math.min(60, 1 << retryCount);
            Instant retryAt = o.now().plusSeconds(delay);
            o.update("UPDATE pgqrs_workflow_steps SET status = 'ERROR', error = " + o.json() + ", retry_at = ?, retry_count = retry_count + 1,"
                    + " completed_at = " + o.dbNow() + " WHERE run_id = ? AND step_name = ?", ps -> {
                ps.setString(1, error.toString());
                o.bindTime(ps, 2, retryAt);
                ps.setLong(3, runId);
                ps.setString(4, step);
            });
        } else {
            o.update("UPDATE pgqrs_workflow_steps SET status = 'ERROR', error = " + o.json() + ", retry_at = NULL"
                    + " WHERE run_id = ? AND step_name = ?", ps -> {
                ps.setString(1, error.toString());
                ps.setLong(2, runId);
                ps.setString(3, step);
            });
        }
    }

    RunRow run(long runId) {
        return runWhere("r.id = ?", runId).orElseThrow(() -> new OriginalEdition.OriginalError("run " + runId + " not found"));
    }

    /** get()/result() read the run by message id. */
    Optional<RunRow> runOfMessage(long messageId) {
        return runWhere("r.message_id = ?", messageId);
    }

    private Optional<RunRow> runWhere(String condition, long value) {
        return o.queryOne("SELECT r.id, r.workflow_id, r.message_id, r.status, " + o.payloadText("r.input") + ", "
                + o.payloadText("r.output") + ", " + o.payloadText("r.error") + ", r.started_at, r.paused_at, r.completed_at, r.worker_id"
                + " FROM pgqrs_workflow_runs r WHERE " + condition, ps -> ps.setLong(1, value),
                rs -> new RunRow(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getString(4), rs.getString(5), rs.getString(6),
                        rs.getString(7), rs.getString(8), rs.getString(9), rs.getString(10), OriginalEdition.nullableLong(rs, 11)));
    }

    static Instant parseSqliteTime(String text) {
        return java.time.LocalDateTime.parse(text.replace(' ', 'T')).toInstant(java.time.ZoneOffset.UTC);
    }
}
