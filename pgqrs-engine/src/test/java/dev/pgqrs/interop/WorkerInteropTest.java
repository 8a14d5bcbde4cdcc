package dev.pgqrs.interop;

import dev.pgqrs.Store;
import dev.pgqrs.RetryPolicy;
import dev.pgqrs.workflow.RetryableStepException;
import dev.pgqrs.workflow.Workflow;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.awaitility.Awaitility.await;

/**
 * Worker rows serve both editions' bookkeeping: the original's purge of old workers and its
 * registration by name work on rows the Java edition wrote and left.
 */
class WorkerInteropTest {

    /**
     * The original's purge_old_workers deletes stopped workers that no message names; it does not
     * look at workflow runs. A Java workflow worker must not leave a run pointing at itself that
     * makes the original's purge fail on its foreign key.
     */
    @InteropTest(releases = OriginalRelease.V0_15_3)
    void theOriginalsPurgeOfOldWorkersSucceedsAfterJavaWorkflowWorkersStopped(OriginalDatabase db) throws Exception {
        Store store = db.javaStore();
        Workflow<String, String> waiting = Workflow.define("waits", String.class, String.class,
                (ctx, in) -> ctx.step("call", String.class, RetryPolicy.fixed(3, Duration.ofHours(1)), () -> {
                    throw new RetryableStepException("upstream busy", Duration.ofHours(1));
                }));
        store.workflows().register(waiting);
        store.workflows().trigger(waiting, "x");
        var worker = store.workflows().startWorker(waiting, WorkflowInteropTest.fastWorker());
        await().atMost(Interop.AWAIT).until(() -> Interop.one(db, "SELECT count(*) FROM pgqrs_workflow_steps WHERE retry_at IS NOT NULL").equals("1"));
        await().atMost(Interop.AWAIT).until(() -> worker.inFlight() == 0);
        worker.close();
        Interop.sql(db, "UPDATE pgqrs_workers SET heartbeat_at = " + db.backend().ago(Duration.ofDays(2)) + " WHERE status = 'stopped'");

        assertThatCode(() -> db.edition().purgeOldWorkers(Duration.ofDays(1))).doesNotThrowAnyException();
    }

    /** A stopped row is revived by the original's register of the same name: the same row, ready again. */
    @InteropTest(releases = OriginalRelease.V0_15_3)
    void theOriginalRevivesAWorkerRowJavaStopped(OriginalDatabase db) {
        Store store = db.javaStore(b -> b.staleWorkerTimeout(Duration.ofSeconds(30)));
        OriginalEdition original = db.edition();
        long queue = original.createQueue("q");
        long id = original.register("rust-consumer", queue);
        original.suspend(id);
        original.shutdownConsumer(id, queue);

        assertThat(original.register("rust-consumer", queue)).isEqualTo(id);
        assertThat(original.status(id)).isEqualTo("ready");
        assertThat(store.workers().list()).anySatisfy(w -> assertThat(w.id()).isEqualTo(id));
    }
}
