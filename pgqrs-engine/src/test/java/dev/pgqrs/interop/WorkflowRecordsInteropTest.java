package dev.pgqrs.interop;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgqrs.Store;
import dev.pgqrs.workflow.PauseRunException;
import dev.pgqrs.workflow.PermanentStepException;
import dev.pgqrs.RetryPolicy;
import dev.pgqrs.workflow.RetryableStepException;
import dev.pgqrs.workflow.RunHandle;
import dev.pgqrs.workflow.RunStatus;
import dev.pgqrs.workflow.Workflow;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What a Java worker writes into run, step and message rows is what a pgqrs (Rust) worker or
 * client reads there (pgqrs-interop.md §4): errors in the original's shapes, step statuses it
 * knows, and a back-off that leaves the run's message where an original worker finds it.
 */
class WorkflowRecordsInteropTest {

    private static final String NAME = "records";

    private static JsonNode column(OriginalDatabase db, String table, String column) throws Exception {
        String text = Interop.one(db, "SELECT " + (db.postgres() ? column + "::text" : column) + " FROM " + table);
        return OriginalEdition.JSON.readTree(text);
    }

    @InteropTest(releases = OriginalRelease.V0_15_3)
    void aFailedRunsErrorIsAJsonStringAndTheStepsErrorHasTheOriginalsShape(OriginalDatabase db) throws Exception {
        Store store = db.javaStore();
        Workflow<String, String> failing = Workflow.define(NAME, String.class, String.class,
                (ctx, in) -> ctx.step("charge", String.class, RetryPolicy.noRetries(), () -> {
                    throw new PermanentStepException("card declined");
                }));
        store.workflows().register(failing);
        RunHandle<String> run = store.workflows().trigger(failing, "order-1");
        store.workflows().startWorker(failing, WorkflowInteropTest.fastWorker());
        await().atMost(Interop.AWAIT).until(() -> run.status() == RunStatus.ERROR);

        JsonNode runError = column(db, "pgqrs_workflow_runs", "error");
        assertThat(runError.isTextual()).as("the original reads a run's error as a JSON string: " + runError).isTrue();
        assertThat(runError.asText()).contains("card declined");
        JsonNode stepError = column(db, "pgqrs_workflow_steps", "error");
        assertThat(stepError.has("is_transient") && !stepError.get("is_transient").asBoolean()).as("is_transient in " + stepError).isTrue();
        assertThat(stepError.path("code").asText()).isEqualTo("NON_RETRYABLE");
        assertThat(stepError.get("message").asText()).contains("card declined");
        assertThat(Interop.one(db, "SELECT status FROM pgqrs_workflow_steps")).isEqualTo("ERROR");
    }

    /** Starts a run whose only step fails with a retry an hour away; returns once the worker has given it back. */
    private static void runUntilTheStepWaitsForItsRetry(OriginalDatabase db, Store store) throws Exception {
        Workflow<String, String> flaky = Workflow.define(NAME, String.class, String.class,
                (ctx, in) -> ctx.step("call", String.class, RetryPolicy.fixed(3, Duration.ofHours(1)), () -> {
                    throw new RetryableStepException("upstream busy", Duration.ofHours(1));
                }));
        store.workflows().register(flaky);
        store.workflows().trigger(flaky, "x");
        var worker = store.workflows().startWorker(flaky, WorkflowInteropTest.fastWorker());
        await().atMost(Interop.AWAIT).until(() -> Interop.one(db, "SELECT count(*) FROM pgqrs_workflow_steps WHERE retry_at IS NOT NULL").equals("1"));
        await().atMost(Interop.AWAIT).until(() -> worker.inFlight() == 0);
    }

    @InteropTest(releases = OriginalRelease.V0_15_3)
    void aStepWaitingForItsRetryHasTheOriginalsErrorShape(OriginalDatabase db) throws Exception {
        runUntilTheStepWaitsForItsRetry(db, db.javaStore());

        JsonNode stepError = column(db, "pgqrs_workflow_steps", "error");
        assertThat(stepError.path("is_transient").asBoolean(false)).as("is_transient in " + stepError).isTrue();
        assertThat(stepError.path("message").asText()).contains("upstream busy");
        assertThat(stepError.has("retry_after")).as("retry_after in " + stepError).isTrue();
        assertThat(Interop.one(db, "SELECT status FROM pgqrs_workflow_steps")).isEqualTo("ERROR");
    }

    /**
     * The original gives a run's message back with vt = now() and read_ct as it is (the delivery
     * counted), so any worker of either edition finds it; the Java worker must not hide it further
     * than the step's retry time, nor take a delivery back off read_ct.
     */
    @InteropTest(releases = OriginalRelease.V0_15_3)
    void aRunWaitingForAStepRetryLeavesItsMessageWhereTheOriginalFindsIt(OriginalDatabase db) throws Exception {
        runUntilTheStepWaitsForItsRetry(db, db.javaStore());

        assertThat(Interop.one(db, "SELECT read_ct FROM pgqrs_messages")).isEqualTo("1");
        assertThat(Interop.one(db, "SELECT consumer_worker_id IS NULL FROM pgqrs_messages")).isIn("t", "true", "1");
        Instant vt = Instant.parse(Interop.one(db, db.postgres()
                ? "SELECT to_char(vt AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') FROM pgqrs_messages"
                : "SELECT strftime('%Y-%m-%dT%H:%M:%SZ', vt) FROM pgqrs_messages"));
        assertThat(vt).as("never beyond the step's retry time").isBefore(Instant.now().plus(Duration.ofHours(1)).plusSeconds(5));
    }

    @InteropTest(releases = OriginalRelease.V0_15_3)
    void aPausedRunsErrorHasTheOriginalsShape(OriginalDatabase db) throws Exception {
        Store store = db.javaStore();
        Workflow<String, String> pausing = Workflow.define(NAME, String.class, String.class,
                (ctx, in) -> ctx.step("approve", String.class, () -> {
                    throw PauseRunException.forDuration(Duration.ofMinutes(1), "waiting for approval");
                }));
        store.workflows().register(pausing);
        RunHandle<String> run = store.workflows().trigger(pausing, "x");
        store.workflows().startWorker(pausing, WorkflowInteropTest.fastWorker());
        await().atMost(Interop.AWAIT).until(() -> run.status() == RunStatus.PAUSED);

        JsonNode error = column(db, "pgqrs_workflow_runs", "error");
        assertThat(error.path("message").asText()).as("message in " + error).contains("waiting for approval");
        assertThat(error.path("resume_after").asInt()).as("resume_after in " + error).isEqualTo(60);
        assertThat(List.of("QUEUED", "RUNNING", "SUCCESS", "ERROR", "PAUSED"))
                .as("every step status is one the original knows")
                .containsAll(Interop.rows(db, "SELECT DISTINCT status FROM pgqrs_workflow_steps"));
    }
}
