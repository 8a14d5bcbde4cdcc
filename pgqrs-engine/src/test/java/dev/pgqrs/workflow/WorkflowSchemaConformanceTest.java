package dev.pgqrs.workflow;

import dev.pgqrs.Store;
import dev.pgqrs.testing.ConformanceTest;
import dev.pgqrs.testing.TestBackend;

import dev.pgqrs.store.Migration;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Migration V3 (events, run listing index) upgrades a database installed at V2 — on every backend. */
class WorkflowSchemaConformanceTest {

    @ConformanceTest
    void aVersion2DatabaseUpgradesAndRunsWorkflowsWithEvents(TestBackend backend) {
        Store store = backend.openUninstalled(c -> c);
        assertThat(store.admin().installTo(2)).containsExactly(1, 2);

        // V3 and whatever later versions exist; never the ones already there.
        assertThat(store.admin().install()).contains(3).doesNotContain(1, 2);
        assertThat(store.admin().verify().problems()).isEmpty();

        Workflow<String, String> wf = Workflow.define("upgraded", String.class, String.class,
                (ctx, in) -> in + ctx.recv("suffix", String.class, Duration.ofSeconds(10)).orElse("?"));
        store.workflows().register(wf);
        RunHandle<String> run = store.workflows().trigger(wf, "v");
        store.workflows().send(run.id(), "suffix", "3");
        store.workflows().startWorker(wf, WorkflowTesting.fastWorker());
        assertThat(run.await(WorkflowTesting.AWAIT)).isEqualTo("v3");
        assertThat(store.admin().schemaVersion()).isEqualTo(Migration.latestVersion());
    }
}
