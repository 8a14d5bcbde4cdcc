package dev.pgqrs.interop;

import dev.pgqrs.Consumer;
import dev.pgqrs.Store;
import dev.pgqrs.store.Migration;
import dev.pgqrs.testing.BackendKind;
import dev.pgqrs.testing.ConformanceTest;
import dev.pgqrs.testing.TestBackend;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A database installed by the Java edition before the shared layout (migrations V1–V4 as they were,
 * recorded in {@code pgqrs_schema_version}) upgrades to exactly what a fresh install creates, with
 * its data, and its bookkeeping moves to a table of the Java edition's own name.
 */
class JavaUpgradeTest {

    private static final List<String> V1_TO_V4 = List.of("V1__base_schema", "V2__dead_letters", "V3__workflow_runtime",
            "V4__step_checkpoints");

    /** What a Java install before V5 made: its four migrations and its version table. */
    static void installAsBeforeV5(TestBackend backend) throws Exception {
        boolean pg = backend.kind() == BackendKind.POSTGRES;
        try (Connection c = backend.jdbc(); Statement s = c.createStatement()) {
            for (String m : V1_TO_V4) {
                String script = Scripts.load("interop/java-v4/" + (pg ? "postgres" : "sqlite") + "/" + m + ".sql");
                Scripts.run(c, pg, script);
            }
            s.execute(pg
                    ? "CREATE TABLE pgqrs_schema_version (version int PRIMARY KEY, name text NOT NULL, installed_at timestamptz NOT NULL DEFAULT now())"
                    : "CREATE TABLE pgqrs_schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
                            + " installed_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')))");
            for (int v = 1; v <= 4; v++) {
                s.execute("INSERT INTO pgqrs_schema_version (version, name) VALUES (" + v + ", '" + V1_TO_V4.get(v - 1).substring(4) + "')");
            }
        }
    }

    @ConformanceTest
    void anOlderJavaInstallUpgradesToExactlyWhatAFreshInstallCreates(TestBackend backend) throws Exception {
        installAsBeforeV5(backend);
        Store store = backend.openUninstalled(b -> b.maintenance(false));
        assertThat(store.admin().schemaVersion()).isEqualTo(4);
        assertThat(store.admin().verify().problems()).singleElement().asString().contains("schema is at version 4");

        assertThat(store.admin().install()).containsExactly(5, 6, 7);

        try (TestBackend fresh = TestBackend.create(backend.kind())) {
            fresh.open();
            assertThat(SchemaSnapshot.of(backend)).containsExactlyElementsOf(SchemaSnapshot.of(fresh));
        }
        assertThat(store.admin().verify().problems()).isEmpty();
    }

    @ConformanceTest
    void theOlderVersionTableMovesToOursWithItsRowsAndItsDataStays(TestBackend backend) throws Exception {
        installAsBeforeV5(backend);
        try (Connection c = backend.jdbc(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO pgqrs_queues (queue_name) VALUES ('kept')");
        }
        Store store = backend.openUninstalled(b -> b.maintenance(false));
        store.admin().install();

        try (Connection c = backend.jdbc(); Statement s = c.createStatement()) {
            assertThat(rows(s, "SELECT version, name FROM pgqrs_java_migrations ORDER BY version"))
                    .containsExactly("1 base_schema", "2 dead_letters", "3 workflow_runtime", "4 step_checkpoints", "5 shared_layout", "6 worker_edition",
                            "7 source_offsets_and_idempotency_keys");
            String exists = backend.kind() == BackendKind.POSTGRES
                    ? "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema() AND tablename = 'pgqrs_schema_version'"
                    : "SELECT count(*) FROM sqlite_master WHERE name = 'pgqrs_schema_version'";
            assertThat(rows(s, exists)).containsExactly("0");
        }
        assertThat(store.admin().schemaVersion()).isEqualTo(Migration.latestVersion());
        store.enqueue("kept", Map.of("n", 1));
        try (Consumer consumer = store.consumer("kept")) {
            var got = consumer.dequeue(1);
            assertThat(got).hasSize(1);
            consumer.archive(got.get(0));
        }
    }

    /**
     * A Java install before V5 on an original database adopted it at V1 and added its own indexes
     * beside the original's (two dequeue indexes, both maintained on every write). The upgrade drops
     * its copies.
     */
    @InteropTest(releases = {OriginalRelease.V0_15_3, OriginalRelease.HEAD})
    void anOlderJavaInstallOnAnOriginalDatabaseLosesItsDuplicateIndexes(OriginalDatabase db) throws Exception {
        installAsBeforeV5(db.backend());
        List<String> duplicated = SchemaSnapshot.only(SchemaSnapshot.of(db.backend()), "index ");
        assertThat(duplicated).anySatisfy(l -> assertThat(l).startsWith("index pgqrs_messages_dequeue_idx"))
                .anySatisfy(l -> assertThat(l).startsWith(db.postgres() ? "index idx_pgqrs_messages_hot_path" : "index idx_messages_hot_path"));
        Store store = db.backend().openUninstalled(b -> b.maintenance(false));
        assertThat(store.admin().verify().ok()).isFalse();

        store.admin().install();

        try (TestBackend fresh = TestBackend.create(db.kind())) {
            fresh.open();
            assertThat(SchemaSnapshot.names(db.backend())).containsExactlyElementsOf(SchemaSnapshot.names(fresh));
        }
        assertThat(store.admin().verify().problems()).isEmpty();
    }

    static List<String> rows(Statement s, String sql) throws Exception {
        List<String> out = new ArrayList<>();
        try (ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    row.append(i > 1 ? " " : "").append(rs.getString(i));
                }
                out.add(row.toString());
            }
        }
        return out;
    }
}
