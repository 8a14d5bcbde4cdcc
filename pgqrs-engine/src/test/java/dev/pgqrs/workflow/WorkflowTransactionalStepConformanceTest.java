package dev.pgqrs.workflow;

import dev.pgqrs.Store;
import dev.pgqrs.testing.ConformanceTest;
import dev.pgqrs.testing.TestBackend;

import java.sql.PreparedStatement;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.pgqrs.workflow.WorkflowTesting.AWAIT;
import static dev.pgqrs.workflow.WorkflowTesting.fastWorker;
import static dev.pgqrs.workflow.WorkflowTesting.quickRetries;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Transactional steps: the step's own writes commit with its completion, or not at all — exactly once
 * for database side effects, on every backend.
 */
class WorkflowTransactionalStepConformanceTest {

    private static final String LEDGER = "CREATE TABLE ledger (run_id BIGINT NOT NULL, note TEXT NOT NULL)";

    private static int insertLedger(java.sql.Connection c, long runId, String note) throws java.sql.SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO ledger (run_id, note) VALUES (?, ?)")) {
            ps.setLong(1, runId);
            ps.setString(2, note);
            return ps.executeUpdate();
        }
    }

    @ConformanceTest
    void theStepsWritesCommitWithItsCompletion(TestBackend backend) throws Exception {
        Store store = backend.open();
        WorkflowTesting.sql(backend, LEDGER);
        Workflow<String, Integer> wf = Workflow.define("book", String.class, Integer.class, (ctx, note) ->
                ctx.transactionalStep("record", Integer.class, c -> insertLedger(c, ctx.runId(), note)));
        store.workflows().startWorker(wf, fastWorker());

        RunHandle<Integer> a = store.workflows().trigger(wf, "a");
        RunHandle<Integer> b = store.workflows().trigger(wf, "b");

        assertThat(a.await(AWAIT)).isEqualTo(1);
        assertThat(b.await(AWAIT)).isEqualTo(1);
        assertThat(WorkflowTesting.queryLong(backend, "SELECT count(*) FROM ledger")).isEqualTo(2);
        assertThat(WorkflowTesting.queryLong(backend, "SELECT count(*) FROM ledger WHERE run_id = " + a.id())).isEqualTo(1);
    }

    @ConformanceTest
    void aFailedAttemptRollsItsWritesBack(TestBackend backend) throws Exception {
        Store store = backend.open();
        WorkflowTesting.sql(backend, LEDGER);
        AtomicInteger attempts = new AtomicInteger();
        Workflow<String, String> wf = Workflow.define("retry-book", String.class, String.class, (ctx, note) ->
                ctx.transactionalStep("record", String.class, c -> {
                    insertLedger(c, ctx.runId(), note + "#" + ctx.attempt());
                    if (attempts.incrementAndGet() < 3) {
                        throw new IllegalStateException("downstream refused");
                    }
                    return "recorded";
                })).withRetryPolicy(quickRetries(3));
        store.workflows().startWorker(wf, fastWorker());

        RunHandle<String> run = store.workflows().trigger(wf, "x");

        assertThat(run.await(AWAIT)).isEqualTo("recorded");
        assertThat(attempts.get()).isEqualTo(3);
        assertThat(WorkflowTesting.queryLong(backend, "SELECT count(*) FROM ledger")).isEqualTo(1);
        assertThat(WorkflowTesting.queryString(backend, "SELECT note FROM ledger")).isEqualTo("x#3");
        assertThat(store.workflows().details(run.id()).step("record").orElseThrow().attempts()).isEqualTo(3);
    }

    @ConformanceTest
    void aCrashedAttemptLeavesNoWritesBehind(TestBackend backend) throws Exception {
        WorkflowTesting.sql(backend, LEDGER);
        WorkflowTesting.Gate afterWrite = new WorkflowTesting.Gate();
        AtomicInteger bodies = new AtomicInteger();
        Workflow<String, String> wf = Workflow.define("crash-book", String.class, String.class, (ctx, note) ->
                ctx.transactionalStep("record", String.class, c -> {
                    insertLedger(c, ctx.runId(), note);
                    if (bodies.incrementAndGet() == 1) {
                        afterWrite.pass(); // the worker dies after the write, before the commit
                    }
                    return "recorded";
                }));
        Store crashing = backend.open();
        crashing.workflows().register(wf);
        RunHandle<String> run = crashing.workflows().trigger(wf, "once");
        WorkflowWorker dying = crashing.workflows().startWorker(wf, fastWorker());
        afterWrite.awaitEntered();
        dying.halt();

        Store restarted = backend.open();
        restarted.workflows().startWorker(wf, fastWorker());

        assertThat(restarted.workflows().handle(run.id(), String.class).await(AWAIT)).isEqualTo("recorded");
        assertThat(bodies.get()).isEqualTo(2);
        assertThat(WorkflowTesting.queryLong(backend, "SELECT count(*) FROM ledger")).isEqualTo(1);
    }
}
