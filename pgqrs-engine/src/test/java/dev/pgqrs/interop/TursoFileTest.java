package dev.pgqrs.interop;

import dev.pgqrs.Consumer;
import dev.pgqrs.Message;
import dev.pgqrs.Store;
import dev.pgqrs.VerifyReport;
import dev.pgqrs.testing.BackendKind;
import dev.pgqrs.testing.TestBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SQLite only: files of pgqrs (Rust)'s Turso backend, whose own version table is named
 * {@code pgqrs_schema_version} like the Java edition's table once was. Each edition installs on the
 * other's file, and Turso's table stays as Turso wrote it.
 */
class TursoFileTest {

    private TestBackend backend;
    private OriginalDatabase db;

    @BeforeEach
    void create() {
        backend = TestBackend.create(BackendKind.SQLITE);
        db = OriginalDatabase.empty(backend, OriginalRelease.V0_15_3);
    }

    @AfterEach
    void drop() {
        backend.close();
    }

    @Test
    void javaInstallsOnATursoFileAndLeavesTursosVersionTableAsItWas() throws Exception {
        try (Connection c = db.connect()) {
            TursoBootstrap.run(c);
        }
        List<String> tursoTable = tursoTable();
        assertThat(tursoTable).hasSize(5 + 3).contains("version TEXT", "applied_at TEXT", "description TEXT");

        Store store = db.javaStore();

        assertThat(tursoTable()).isEqualTo(tursoTable);
        VerifyReport report = store.admin().verify();
        assertThat(report.problems()).isEmpty();
        try (Connection c = db.connect()) {
            // Turso's next bootstrap finds every file applied and reads its rows as text versions.
            TursoBootstrap.run(c);
            assertThat(TursoBootstrap.versions(c)).containsExactly("0.5.0", "01_create_queues", "02_create_workers",
                    "03_create_messages", "05_create_workflows");
        }
        roundTrip(store);
    }

    @Test
    void tursoBootstrapsOnAJavaFile() throws Exception {
        Store store = db.javaStore();

        try (Connection c = db.connect()) {
            TursoBootstrap.run(c);
            assertThat(TursoBootstrap.versions(c)).hasSize(5);
        }

        assertThat(store.admin().install()).isEmpty();
        assertThat(store.admin().verify().problems()).isEmpty();
        roundTrip(store);
    }

    @Test
    void tursoBootstrapsOnAFileAnOlderJavaInstallMadeOnceJavaHasUpgradedIt() throws Exception {
        JavaUpgradeTest.installAsBeforeV5(backend);
        db.javaStore();

        try (Connection c = db.connect()) {
            TursoBootstrap.run(c);
            assertThat(TursoBootstrap.versions(c)).hasSize(5);
        }
    }

    private List<String> tursoTable() throws Exception {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            List<String> rows = JavaUpgradeTest.rows(s, "SELECT version, applied_at, description FROM pgqrs_schema_version ORDER BY version");
            rows.addAll(JavaUpgradeTest.rows(s, "SELECT name || ' ' || type FROM pragma_table_info('pgqrs_schema_version')"));
            return rows;
        }
    }

    private static void roundTrip(Store store) {
        store.queues().createIfAbsent("turso");
        store.enqueue("turso", Map.of("n", 1));
        try (Consumer consumer = store.consumer("turso")) {
            List<Message> got = consumer.dequeue(1);
            assertThat(got).hasSize(1);
            assertThat(consumer.archive(got.get(0))).isTrue();
        }
    }
}
