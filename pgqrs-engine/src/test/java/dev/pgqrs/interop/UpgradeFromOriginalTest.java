package dev.pgqrs.interop;

import dev.pgqrs.Consumer;
import dev.pgqrs.Message;
import dev.pgqrs.Store;
import dev.pgqrs.VerifyReport;
import dev.pgqrs.store.Migration;
import dev.pgqrs.testing.BackendKind;
import dev.pgqrs.testing.TestBackend;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code admin().install()} on a database each release of pgqrs (Rust) created brings it to the
 * shared layout, additively, and {@code verify()} then says so; where install has not run,
 * verify names what is missing instead of saying ok.
 */
class UpgradeFromOriginalTest {

    @InteropTest
    void installBringsEveryReleaseToTheSharedLayoutAndVerifySaysWhichReleaseItCameFrom(OriginalDatabase db) throws Exception {
        List<String> recordsBefore = records(db);

        Store store = db.javaStore();

        VerifyReport report = store.admin().verify();
        assertThat(report.problems()).isEmpty();
        assertThat(report.originalRelease()).isEqualTo(db.release().recordsLabel(db.kind()));
        assertThat(records(db)).as("the original's migration records are never rewritten").isEqualTo(recordsBefore);
        if (db.postgres()) {
            assertThat(SchemaSnapshot.only(SchemaSnapshot.of(db.backend()), "enum pgqrs_workflow_status"))
                    .containsExactly("enum pgqrs_workflow_status QUEUED,RUNNING,SUCCESS,ERROR,PAUSED,CANCELLING,CANCELLED");
        }
        try (Connection c = db.connect()) {
            assertThat(columns(c, db, "pgqrs_workers")).contains("name");
        }
    }

    @InteropTest
    void theUpgradedDatabaseHasTheOriginalsIndexesOnceAndOursBeside(OriginalDatabase db) {
        db.javaStore();

        List<String> upgraded = indexNames(db.backend());
        List<String> fresh;
        try (TestBackend other = TestBackend.create(db.kind())) {
            other.open();
            fresh = indexNames(other);
        }
        // Exactly the indexes of a fresh Java install: no duplicates, none missing. (0.15.0/0.15.1 keep
        // the unique (hostname, port) of their workers, which they still rely on.)
        assertThat(upgraded).filteredOn(name -> !name.equals("pgqrs_workers_hostname_port_key"))
                .containsExactlyInAnyOrderElementsOf(fresh);
        assertThat(upgraded).contains(db.postgres() ? "idx_pgqrs_messages_hot_path" : "idx_messages_hot_path")
                .doesNotContain("pgqrs_messages_dequeue_idx");
    }

    @InteropTest(releases = {OriginalRelease.V0_15_3, OriginalRelease.HEAD})
    void onPostgresAnUpgradedNamedWorkersReleaseIsIdenticalToAFreshInstall(OriginalDatabase db) {
        db.javaStore();
        if (!db.postgres()) {
            // SQLite's column defaults and CHECKs cannot be changed in place: there the names are identical.
            try (TestBackend other = TestBackend.create(db.kind())) {
                other.open();
                assertThat(SchemaSnapshot.names(db.backend())).containsExactlyElementsOf(SchemaSnapshot.names(other));
            }
            return;
        }
        try (TestBackend other = TestBackend.create(db.kind())) {
            other.open();
            assertThat(SchemaSnapshot.of(db.backend())).containsExactlyElementsOf(SchemaSnapshot.of(other));
        }
    }

    @InteropTest
    void afterTheUpgradeOurProducersAndConsumersWork(OriginalDatabase db) {
        Store store = db.javaStore();
        store.queues().create("orders");
        store.enqueue("orders", Map.of("n", 1));
        try (Consumer consumer = store.consumer("orders")) {
            List<Message> got = consumer.dequeue(5);
            assertThat(got).singleElement().satisfies(m -> assertThat(m.payload().get("n").asInt()).isEqualTo(1));
            assertThat(consumer.archive(got.get(0))).isTrue();
        }
        assertThat(store.workers().list()).allSatisfy(w -> assertThat(w.name()).isNotBlank());
    }

    @InteropTest
    void afterTheUpgradeTheOriginalsOwnOperationsStillWorkAndEveryWorkerRowIsComplete(OriginalDatabase db) throws Exception {
        OriginalEdition original = db.edition();
        long queue = original.createQueue("legacy");
        long rustProducer = original.register("rust-producer", queue);
        long before = original.enqueue(queue, rustProducer, "{\"n\":0}");

        Store store = db.javaStore();
        long rustConsumer = original.register("rust-consumer", queue);
        long after = original.enqueue(queue, original.register("rust-producer-2", queue), "{\"n\":1}");
        store.enqueue("legacy", Map.of("n", 2));

        List<Long> seen = new ArrayList<>();
        for (OriginalEdition.Msg m : original.dequeue(queue, rustConsumer, 10)) {
            seen.add(m.id());
            assertThat(original.archive(m.id(), rustConsumer)).isTrue();
        }
        assertThat(seen).hasSize(3).contains(before, after);
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            String identity = db.release().namedWorkers() ? "name" : "name, hostname, port";
            try (ResultSet rs = s.executeQuery("SELECT " + identity + " FROM pgqrs_workers")) {
                while (rs.next()) {
                    for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                        assertThat(rs.getString(i)).as("every worker row has every identity column filled").isNotNull();
                    }
                }
            }
        }
    }

    @InteropTest
    void afterTheUpgradeTheOriginalsBootstrapStillFindsItsMigrationsApplied(OriginalDatabase db) throws Exception {
        db.javaStore();
        try (Connection c = db.connect()) {
            OriginalMigrator.run(c, db.kind(), db.release());
        }
        assertThat(db.javaStore().admin().verify().problems()).isEmpty();
    }

    /**
     * Where our records claim the latest version but the migrations never ran on this original
     * database (as an install before this version left it), verify lists what is missing.
     */
    @InteropTest
    void verifyNamesWhatIsMissingInsteadOfSayingOk(OriginalDatabase db) throws Exception {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE pgqrs_java_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, installed_at TEXT)");
            for (Migration m : Migration.ALL) {
                s.execute("INSERT INTO pgqrs_java_migrations (version, name) VALUES (" + m.version() + ", '" + m.name() + "')");
            }
        }
        Store store = db.backend().openUninstalled(b -> b.maintenance(false));

        VerifyReport report = store.admin().verify();

        assertThat(report.ok()).isFalse();
        assertThat(report.problems()).anySatisfy(p -> assertThat(p).startsWith("missing tables: pgqrs_workflow_events, pgqrs_step_checkpoints"));
        assertThat(report.problems()).anySatisfy(p -> assertThat(p).contains("pgqrs_messages lacks column(s) dead_lettered_at, last_error"));
        assertThat(report.problems()).anySatisfy(p -> assertThat(p).startsWith("missing indexes: ")
                .contains(db.postgres() ? "pgqrs_messages_dead_letter_idx" : "pgqrs_workers_heartbeat_idx"));
        if (!db.release().namedWorkers()) {
            assertThat(report.problems()).anySatisfy(p -> assertThat(p).contains("pgqrs_workers lacks column(s) name"));
        }
        if (db.postgres() && !db.release().cancellation()) {
            assertThat(report.problems()).anySatisfy(p -> assertThat(p)
                    .contains("enum pgqrs_workflow_status lacks value(s) CANCELLING, CANCELLED"));
        }
    }

    static List<String> records(OriginalDatabase db) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT version, description, success, checksum, execution_time FROM _sqlx_migrations ORDER BY version")) {
            while (rs.next()) {
                out.add(rs.getLong(1) + " " + rs.getString(2) + " " + rs.getBoolean(3) + " "
                        + java.util.HexFormat.of().formatHex(rs.getBytes(4)) + " " + rs.getLong(5));
            }
        }
        return out;
    }

    private static List<String> indexNames(TestBackend backend) {
        return SchemaSnapshot.only(SchemaSnapshot.of(backend), "index ").stream().map(l -> l.split(" ")[1]).toList();
    }

    static List<String> columns(Connection c, OriginalDatabase db, String table) throws Exception {
        List<String> out = new ArrayList<>();
        String sql = db.kind() == BackendKind.POSTGRES
                ? "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = '" + table + "'"
                : "SELECT name FROM pragma_table_info('" + table + "')";
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}
