package dev.pgqrs.maintenance;

import dev.pgqrs.QueueInfo;
import dev.pgqrs.Store;
import dev.pgqrs.internal.StoreInternals;
import dev.pgqrs.store.Dialect;
import dev.pgqrs.store.RetentionRepository;
import dev.pgqrs.testing.BackendKind;
import dev.pgqrs.testing.ConformanceTest;
import dev.pgqrs.testing.TestBackend;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Retention's statements read the archived index in order and stop at their limit: checked with EXPLAIN on a
 * queue holding many archived rows beside a queue of pending ones. {@code -Dpgqrs.plan.rows=1000000} shows the
 * plans on a million archived rows (the ones in docs/benchmarks/retention.md).
 */
class RetentionQueryPlanConformanceTest {

    @ConformanceTest
    void batchesReadTheArchivedIndexInOrderAndStopAtTheirLimit(TestBackend backend) throws Exception {
        int rows = Integer.getInteger("pgqrs.plan.rows", 20_000);
        Store store = backend.open(b -> b.maintenance(false));
        QueueInfo archived = store.queues().create("archived");
        QueueInfo pending = store.queues().create("pending");
        fill(backend, archived.id(), rows, true);
        fill(backend, pending.id(), rows / 10, false);
        try (Connection c = backend.jdbc(); Statement s = c.createStatement()) {
            s.execute("ANALYZE");
        }
        Dialect dialect = StoreInternals.of(store).database().dialect();

        String delete = explain(backend, dialect.deleteArchivedBetween(), ps -> {
            ps.setLong(1, archived.id());
            ps.setInt(2, 5);
            ps.setLong(3, 0);
            ps.setLong(4, System.currentTimeMillis());
            ps.setInt(5, 1000);
        });
        String count = explain(backend, dialect.newestDeletableArchived(), ps -> {
            ps.setLong(1, archived.id());
            ps.setInt(2, 5);
            ps.setLong(3, 999);
        });
        System.out.println("retention batch plan on " + backend + " (" + rows + " archived rows):\n" + delete);
        System.out.println("count cutoff plan on " + backend + ":\n" + count);

        for (String plan : new String[] {delete, count}) {
            if (backend.kind() == BackendKind.POSTGRES) {
                assertThat(plan).contains("idx_pgqrs_messages_archived_at").contains("Limit")
                        .doesNotContain("Seq Scan on pgqrs_messages").doesNotContain("Sort");
            } else {
                assertThat(plan).contains("idx_messages_archived_at")
                        .doesNotContain("USE TEMP B-TREE").doesNotContain("SCAN m\n").doesNotContain("SCAN pgqrs_messages\n");
            }
        }
    }

    /** Inserts {@code n} messages into a queue in one statement: archived one second apart (oldest first), or pending. */
    private static void fill(TestBackend backend, long queueId, int n, boolean archived) throws Exception {
        String sql;
        if (backend.kind() == BackendKind.POSTGRES) {
            sql = "INSERT INTO pgqrs_messages (queue_id, payload, read_ct, archived_at) SELECT " + queueId
                    + ", '{\"n\": 1}'::jsonb, 1, " + (archived ? "now() - (" + n + " - g) * interval '1 second'" : "NULL")
                    + " FROM generate_series(1, " + n + ") g";
        } else {
            sql = "WITH RECURSIVE g(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM g WHERE i < " + n + ") "
                    + "INSERT INTO pgqrs_messages (queue_id, payload, read_ct, archived_at) SELECT " + queueId + ", '{\"n\": 1}', 1, "
                    + (archived ? "strftime('%Y-%m-%d %H:%M:%f', 'now', '-' || (" + n + " - i) || ' seconds')" : "NULL") + " FROM g";
        }
        backend.execute(sql);
    }

    interface Binder {
        void bind(PreparedStatement ps) throws Exception;
    }

    private static String explain(TestBackend backend, String sql, Binder binder) throws Exception {
        String prefix = backend.kind() == BackendKind.POSTGRES ? "EXPLAIN " : "EXPLAIN QUERY PLAN ";
        try (Connection c = backend.jdbc(); PreparedStatement ps = c.prepareStatement(prefix + sql)) {
            binder.bind(ps);
            StringBuilder plan = new StringBuilder();
            try (ResultSet rs = ps.executeQuery()) {
                int columns = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    plan.append(rs.getString(columns)).append('\n');
                }
            }
            return plan.toString();
        }
    }
}
