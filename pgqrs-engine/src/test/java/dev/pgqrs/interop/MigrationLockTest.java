package dev.pgqrs.interop;

import dev.pgqrs.StoreException;
import dev.pgqrs.Store;
import dev.pgqrs.internal.StoreInternals;
import dev.pgqrs.store.Migration;
import dev.pgqrs.store.OriginalMigrations;
import dev.pgqrs.store.SchemaMigrator;
import dev.pgqrs.testing.BackendKind;
import dev.pgqrs.testing.PostgresServer;
import dev.pgqrs.testing.TestBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * PostgreSQL only (SQLite's write lock already serialises installs): the Java install takes the
 * advisory lock pgqrs (Rust)'s migrator takes, keyed on the database name, so the two never
 * migrate one database at once.
 */
class MigrationLockTest {

    private TestBackend backend;

    @BeforeEach
    void create() {
        backend = TestBackend.create(BackendKind.POSTGRES);
    }

    @AfterEach
    void drop() {
        backend.close();
    }

    @Test
    void theKeyIsSqlxsForTheDatabaseName() {
        // 0x3d32ad9e × CRC-32("postgres") = 1026731422 × 359303029, computed apart from the engine.
        assertThat(OriginalMigrations.lockKey("postgres")).isEqualTo(368_907_709_894_077_238L);
        assertThat(OriginalMigrator.lockKey("pgqrs")).isEqualTo(OriginalMigrations.lockKey("pgqrs"));
    }

    @Test
    void anInstallWaitsWhileTheOriginalsMigratorHoldsItsLock() throws Exception {
        Store store = backend.openUninstalled(b -> b.maintenance(false));
        try (Connection original = PostgresServer.get().connect()) {
            lock(original);
            CompletableFuture<List<Integer>> install = CompletableFuture.supplyAsync(() -> store.admin().install());

            await().atMost(Duration.ofSeconds(20)).until(() -> waitingAdvisoryLocks() > 0);
            assertThat(install).isNotDone();

            unlock(original);
            assertThat(install.get(20, TimeUnit.SECONDS)).hasSize(Migration.ALL.size());
        }
        assertThat(store.admin().verify().problems()).isEmpty();
    }

    @Test
    void theOriginalsMigratorWaitsWhileAJavaInstallHoldsTheLock() throws Exception {
        Store store = backend.openUninstalled(b -> b.maintenance(false));
        try (Connection java = store.dataSource().getConnection();
             Connection original = PostgresServer.get().connect()) {
            java.setAutoCommit(false);
            StoreInternals.of(store).database().dialect().lockForMigration(java, Duration.ofSeconds(5));

            try (PreparedStatement ps = original.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
                ps.setLong(1, OriginalMigrator.lockKey(database()));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    assertThat(rs.getBoolean(1)).as("the original's lock is taken while the install runs").isFalse();
                }
            }
            java.rollback();
        }
    }

    @Test
    void anInstallGivesUpWithAClearErrorWhenTheLockIsNeverFreed() throws Exception {
        Store store = backend.openUninstalled(b -> b.maintenance(false));
        try (Connection original = PostgresServer.get().connect()) {
            // A failed bootstrap of the original keeps its session lock on its pooled connection.
            lock(original);
            assertThatThrownBy(() -> new SchemaMigrator(StoreInternals.of(store).database(), Duration.ofMillis(300)).migrateTo(Migration.latestVersion()))
                    .isInstanceOf(StoreException.class)
                    .hasMessageContaining("schema migration lock of database '" + database() + "'")
                    .hasMessageContaining("shared with pgqrs for Rust/Python")
                    .hasMessageContaining("was not free within 300 ms");
        }
        assertThat(store.admin().schemaVersion()).as("nothing was installed").isZero();
    }

    private static void lock(Connection c) throws Exception {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_lock(?)")) {
            ps.setLong(1, OriginalMigrator.lockKey(database()));
            ps.execute();
        }
    }

    private static void unlock(Connection c) throws Exception {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_unlock(?)")) {
            ps.setLong(1, OriginalMigrator.lockKey(database()));
            ps.execute();
        }
    }

    private static String database() throws Exception {
        try (Connection c = PostgresServer.get().connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT current_database()")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static long waitingAdvisoryLocks() throws Exception {
        try (Connection c = PostgresServer.get().connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
