package dev.pgqrs.interop;

import dev.pgqrs.testing.BackendKind;
import dev.pgqrs.testing.TestBackend;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fixtures are what pgqrs-interop.md §1 says each release's bootstrap leaves, so the other
 * interop tests start from the original's databases and not from a guess.
 */
class OriginalFixtureTest {

    @InteropTest
    void theRecordsAreSqlxsRowsForThatReleasesFiles(OriginalDatabase db) throws Exception {
        List<String> records = UpgradeFromOriginalTest.records(db);

        List<OriginalRelease.File> files = db.release().files(db.kind());
        assertThat(records).hasSize(files.size());
        for (int i = 0; i < files.size(); i++) {
            OriginalRelease.File f = files.get(i);
            assertThat(records.get(i)).startsWith(f.version() + " " + f.description() + " true " + f.sha384() + " ")
                    .doesNotEndWith(" -1");
        }
        assertThat(records).extracting(r -> r.split(" ")[0])
                .containsExactlyElementsOf(db.postgres() ? List.of("1", "2", "3", "4", "6") : List.of("1", "2", "3", "5"));
    }

    @InteropTest
    void theTablesHaveThatReleasesColumns(OriginalDatabase db) throws Exception {
        try (Connection c = db.connect()) {
            List<String> workers = UpgradeFromOriginalTest.columns(c, db, "pgqrs_workers");
            if (db.release().namedWorkers()) {
                assertThat(workers).containsExactly("id", "name", "queue_id", "started_at", "heartbeat_at", "shutdown_at", "status");
            } else {
                assertThat(workers).containsExactly("id", "hostname", "port", "queue_id", "started_at", "heartbeat_at", "shutdown_at",
                        "status");
            }
            assertThat(UpgradeFromOriginalTest.columns(c, db, "pgqrs_messages")).containsExactly("id", "queue_id", "payload", "vt",
                    "enqueued_at", "read_ct", "dequeued_at", "producer_worker_id", "consumer_worker_id", "archived_at");
            List<String> steps = UpgradeFromOriginalTest.columns(c, db, "pgqrs_workflow_steps");
            boolean stepTimes = !(db.postgres() && db.release() == OriginalRelease.V0_15_0);
            assertThat(steps.contains("created_at") && steps.contains("updated_at")).isEqualTo(stepTimes);
        }
    }

    @InteropTest
    void theIndexesConstraintsEnumsAndCommentsAreTheOriginals(OriginalDatabase db) {
        List<String> layout = SchemaSnapshot.of(db.backend());
        List<String> indexes = SchemaSnapshot.only(layout, "index ").stream().map(l -> l.split(" ")[1])
                .filter(n -> !n.startsWith("sqlite_autoindex") && !n.endsWith("_pkey") && !n.endsWith("_key")).toList();
        if (!db.postgres()) {
            assertThat(indexes).containsExactlyInAnyOrder("idx_workers_queue_id", "idx_workers_status", "idx_messages_hot_path",
                    "idx_messages_consumer_active", "idx_messages_archived_at", "idx_workflow_runs_message_id",
                    "idx_workflow_runs_status", "idx_workflow_steps_status");
            assertThat(SchemaSnapshot.only(layout, "table pgqrs_workflow_runs ")).singleElement().asString()
                    .doesNotContain("CASCADE").doesNotContain("CHECK");
            return;
        }
        assertThat(indexes).containsExactlyInAnyOrder("idx_pgqrs_workers_queue_status", "idx_pgqrs_workers_heartbeat",
                "idx_pgqrs_messages_hot_path", "idx_pgqrs_messages_consumer_worker_id_active", "idx_pgqrs_messages_archived_at",
                "idx_pgqrs_messages_producer_worker_id", "idx_pgqrs_workflows_name", "idx_pgqrs_workflow_runs_message_id",
                "idx_pgqrs_workflow_runs_status", "idx_pgqrs_workflow_steps_status", "idx_pgqrs_workflow_steps_retry_at");
        assertThat(SchemaSnapshot.only(layout, "constraint ")).extracting(l -> l.split(" ")[2])
                .containsExactlyInAnyOrder("_sqlx_migrations_pkey", "pgqrs_queues_pkey", "pgqrs_queues_queue_name_key", "pgqrs_workers_pkey",
                        db.release().namedWorkers() ? "pgqrs_workers_name_key" : "pgqrs_workers_hostname_port_key",
                        "fk_workers_queue_id", "pgqrs_messages_pkey", "fk_messages_queue_id", "fk_messages_producer_worker_id",
                        "fk_messages_consumer_worker_id", "pgqrs_workflows_pkey", "pgqrs_workflows_name_key",
                        "pgqrs_workflows_queue_id_fkey", "pgqrs_workflow_runs_pkey", "pgqrs_workflow_runs_message_id_key",
                        "pgqrs_workflow_runs_workflow_id_fkey", "pgqrs_workflow_runs_message_id_fkey", "pgqrs_workflow_runs_worker_id_fkey",
                        "pgqrs_workflow_steps_pkey", "pgqrs_workflow_steps_run_id_step_name_key", "pgqrs_workflow_steps_run_id_fkey");
        assertThat(SchemaSnapshot.only(layout, "constraint ")).filteredOn(l -> l.contains("ON DELETE CASCADE"))
                .extracting(l -> l.split(" ")[2])
                .containsExactlyInAnyOrder("pgqrs_workflow_runs_workflow_id_fkey", "pgqrs_workflow_steps_run_id_fkey");
        assertThat(SchemaSnapshot.only(layout, "enum ")).containsExactlyInAnyOrder(
                "enum worker_status ready,polling,suspended,interrupted,stopped",
                "enum pgqrs_workflow_status QUEUED,RUNNING,SUCCESS,ERROR,PAUSED"
                        + (db.release().cancellation() ? ",CANCELLING,CANCELLED" : ""));
        assertThat(SchemaSnapshot.only(layout, "comment ")).containsExactlyInAnyOrder(
                "comment pgqrs_workflows Workflow definitions (templates)",
                "comment pgqrs_workflow_runs Workflow execution instances",
                "comment pgqrs_workflow_steps Workflow step state for crash recovery");
        assertThat(SchemaSnapshot.only(layout, "column pgqrs_workers.started_at ")).singleElement().asString().contains(" YES now()");
    }

    @InteropTest
    void aSecondBootstrapOfTheSameReleaseChangesNothing(OriginalDatabase db) throws Exception {
        List<String> layout = SchemaSnapshot.of(db.backend());
        List<String> records = UpgradeFromOriginalTest.records(db);
        try (Connection c = db.connect()) {
            OriginalMigrator.run(c, db.kind(), db.release());
        }
        assertThat(SchemaSnapshot.of(db.backend())).isEqualTo(layout);
        assertThat(UpgradeFromOriginalTest.records(db)).isEqualTo(records);
    }

    @Test
    void aTursoFileHasTursosVersionTableAndPlainIndexes() throws Exception {
        try (TestBackend backend = TestBackend.create(BackendKind.SQLITE)) {
            OriginalDatabase db = OriginalDatabase.empty(backend, OriginalRelease.V0_15_3);
            try (Connection c = db.connect()) {
                TursoBootstrap.run(c);
                assertThat(TursoBootstrap.versions(c)).containsExactly("0.5.0", "01_create_queues", "02_create_workers",
                        "03_create_messages", "05_create_workflows");
            }
            List<String> layout = SchemaSnapshot.of(backend);
            assertThat(SchemaSnapshot.only(layout, "index idx_messages")).extracting(l -> l.split(" ")[1])
                    .containsExactlyInAnyOrder("idx_messages_queue_vt", "idx_messages_consumer", "idx_messages_queue_enqueued_at",
                            "idx_messages_archived_at");
            assertThat(SchemaSnapshot.only(layout, "index idx_messages")).noneMatch(l -> l.contains("WHERE"));
            assertThat(SchemaSnapshot.only(layout, "table pgqrs_workers ")).singleElement().asString().doesNotContain("CHECK");
        }
    }
}
