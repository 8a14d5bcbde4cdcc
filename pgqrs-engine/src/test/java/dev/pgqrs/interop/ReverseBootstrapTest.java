package dev.pgqrs.interop;

import dev.pgqrs.Store;
import dev.pgqrs.VerifyReport;
import dev.pgqrs.testing.BackendKind;
import dev.pgqrs.testing.ConformanceTest;
import dev.pgqrs.testing.TestBackend;

import java.sql.Connection;
import java.sql.Statement;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The other order: pgqrs (Rust)'s bootstrap on a database the Java edition installed first. It
 * must find its migrations applied (the 0.15.3 set is recorded); a release whose checksums differ
 * is refused by its own migrator, visibly; and no record the original wrote is ever changed.
 */
class ReverseBootstrapTest {

    @ConformanceTest
    void theReleasedOriginalFindsItsMigrationsAppliedOnAJavaInstall(TestBackend backend) throws Exception {
        Store store = backend.open(b -> b.maintenance(false));
        List<String> layout = SchemaSnapshot.of(backend);
        OriginalDatabase db = OriginalDatabase.empty(backend, OriginalRelease.V0_15_3);

        try (Connection c = db.connect()) {
            OriginalMigrator.run(c, backend.kind(), OriginalRelease.V0_15_3);
        }

        assertThat(SchemaSnapshot.of(backend)).as("the original's bootstrap changed nothing").isEqualTo(layout);
        List<String> expected = OriginalRelease.V0_15_3.files(backend.kind()).stream()
                .map(f -> f.version() + " " + f.description() + " true " + f.sha384() + " 0").toList();
        assertThat(UpgradeFromOriginalTest.records(db)).containsExactlyElementsOf(expected);
        VerifyReport report = store.admin().verify();
        assertThat(report.problems()).isEmpty();
        assertThat(report.originalRelease()).isEqualTo(OriginalRelease.V0_15_3.recordsLabel(backend.kind()));
    }

    @ConformanceTest
    void releasesWithOtherChecksumsAreRefusedByTheirOwnMigratorAtTheFirstEditedFile(TestBackend backend) throws Exception {
        backend.open(b -> b.maintenance(false));
        OriginalDatabase db = OriginalDatabase.empty(backend, OriginalRelease.V0_15_0);
        boolean pg = backend.kind() == BackendKind.POSTGRES;

        try (Connection c = db.connect()) {
            var refused = catchThrowableOfType(() -> OriginalMigrator.run(c, backend.kind(), OriginalRelease.V0_15_0),
                    OriginalMigrator.MigrateException.class);
            assertThat(refused.failure).isEqualTo(OriginalMigrator.Failure.VERSION_MISMATCH);
            assertThat(refused.version).isEqualTo(pg ? 3 : 2);
        }
        try (Connection c = db.connect()) {
            if (pg) {
                var refused = catchThrowableOfType(() -> OriginalMigrator.run(c, backend.kind(), OriginalRelease.HEAD),
                        OriginalMigrator.MigrateException.class);
                assertThat(refused.failure).isEqualTo(OriginalMigrator.Failure.VERSION_MISMATCH);
                assertThat(refused.version).isEqualTo(6);
            } else {
                // On SQLite 0.15.2, 0.15.3 and HEAD share one set of checksums.
                OriginalMigrator.run(c, backend.kind(), OriginalRelease.HEAD);
            }
        }
    }

    /**
     * What happened before: the original's bootstrap on a Java install without records ran file 1,
     * then failed on "relation pgqrs_queues already exists" (PostgreSQL), leaving row 1. The next
     * Java install completes the set, and the bootstrap then succeeds.
     */
    @ConformanceTest
    void aBootstrapThatStoppedPartWayIsCompletedByTheNextInstall(TestBackend backend) throws Exception {
        Store store = backend.open(b -> b.maintenance(false));
        try (Connection c = backend.jdbc(); Statement s = c.createStatement()) {
            s.execute("DELETE FROM _sqlx_migrations WHERE version > 1");
        }
        assertThat(store.admin().verify().problems()).singleElement().asString()
                .contains("migration records of pgqrs (Rust/Python) in _sqlx_migrations are incomplete")
                .contains("run admin().install() completes them");

        store.admin().install();

        OriginalDatabase db = OriginalDatabase.empty(backend, OriginalRelease.V0_15_3);
        try (Connection c = db.connect()) {
            OriginalMigrator.run(c, backend.kind(), OriginalRelease.V0_15_3);
        }
        assertThat(store.admin().verify().problems()).isEmpty();
    }

    @ConformanceTest
    void withoutRecordsTheOriginalsBootstrapFailsOnPostgresAsItDidBefore(TestBackend backend) throws Exception {
        backend.open(b -> b.maintenance(false));
        try (Connection c = backend.jdbc(); Statement s = c.createStatement()) {
            s.execute("DROP TABLE _sqlx_migrations");
        }
        OriginalDatabase db = OriginalDatabase.empty(backend, OriginalRelease.V0_15_3);
        try (Connection c = db.connect()) {
            if (backend.kind() == BackendKind.POSTGRES) {
                var failed = catchThrowableOfType(() -> OriginalMigrator.run(c, backend.kind(), OriginalRelease.V0_15_3),
                        OriginalMigrator.MigrateException.class);
                assertThat(failed.failure).isEqualTo(OriginalMigrator.Failure.EXECUTE);
                assertThat(failed.version).isEqualTo(2);
                assertThat(failed).hasMessageContaining("already exists");
            } else {
                // Every SQLite file of the original has IF NOT EXISTS: it runs as a no-op and records itself.
                OriginalMigrator.run(c, backend.kind(), OriginalRelease.V0_15_3);
            }
        }
    }

    @ConformanceTest
    void aFailedOrForeignRecordIsNeverTouchedAndVerifySaysWhy(TestBackend backend) throws Exception {
        Store store = backend.open(b -> b.maintenance(false));
        try (Connection c = backend.jdbc(); Statement s = c.createStatement()) {
            s.execute("UPDATE _sqlx_migrations SET success = " + (backend.kind() == BackendKind.POSTGRES ? "false" : "0")
                    + " WHERE version = 3");
        }
        OriginalDatabase db = OriginalDatabase.empty(backend, OriginalRelease.V0_15_3);
        List<String> dirty = UpgradeFromOriginalTest.records(db);

        store.admin().install();

        assertThat(UpgradeFromOriginalTest.records(db)).isEqualTo(dirty);
        VerifyReport report = store.admin().verify();
        assertThat(report.originalRelease()).isNull();
        assertThat(report.problems()).singleElement().asString()
                .contains("left a failed migration in _sqlx_migrations (version 3 is recorded as failed");
        try (Connection c = db.connect()) {
            assertThatThrownBy(() -> OriginalMigrator.run(c, backend.kind(), OriginalRelease.V0_15_3))
                    .isInstanceOfSatisfying(OriginalMigrator.MigrateException.class,
                            e -> assertThat(e.failure).isEqualTo(OriginalMigrator.Failure.DIRTY));
        }
    }

    @InteropTest(releases = OriginalRelease.HEAD)
    void aNewerOriginalsRecordsAreLeftAsTheyAreAndReportedAsUnknown(OriginalDatabase db) throws Exception {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            // A later release's migration 7 (its cron tables, say), which this library does not know.
            s.execute("INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) VALUES (7, 'create cron table', "
                    + (db.postgres() ? "true, '\\x00'::bytea" : "1, x'00'") + ", 1)");
        }
        List<String> before = UpgradeFromOriginalTest.records(db);
        Store store = db.javaStore();

        assertThat(UpgradeFromOriginalTest.records(db)).isEqualTo(before);
        assertThat(store.admin().verify().problems()).singleElement().asString()
                .contains("version 7 belongs to no pgqrs 0.15 release");
        try (Connection c = db.connect()) {
            // As sqlx does with ignore_missing off: HEAD's binary does not know version 7.
            var refused = catchThrowableOfType(() -> OriginalMigrator.run(c, db.kind(), OriginalRelease.HEAD),
                    OriginalMigrator.MigrateException.class);
            assertThat(refused.failure).isEqualTo(OriginalMigrator.Failure.VERSION_MISSING);
            assertThat(refused.version).isEqualTo(7);
        }
    }
}
