package dev.pgqrs;

import dev.pgqrs.store.Deliveries;
import dev.pgqrs.store.Dialect;
import dev.pgqrs.store.Lease;
import dev.pgqrs.store.QueueSettings;
import dev.pgqrs.store.QueueSettingsCache;
import dev.pgqrs.testing.BackendKind;
import dev.pgqrs.testing.ConformanceTest;
import dev.pgqrs.testing.TestBackend;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hot statements use the indexes made for them, checked with EXPLAIN on a queue holding
 * thousands of archived and pending rows next to another busy queue.
 */
class QueryPlanConformanceTest {

    @ConformanceTest
    void dequeueUsesThePartialDequeueIndex(TestBackend backend) throws Exception {
        Store store = backend.open();
        QueueInfo q = store.queues().create("orders");
        store.queues().create("other");
        fill(store, "orders", 3000);
        fill(store, "other", 3000);
        try (Consumer consumer = store.consumer("orders")) {
            for (int i = 0; i < 20; i++) {
                consumer.archive(consumer.dequeue(100));
            }
        }
        analyze(backend);

        Dialect dialect = store.database().dialect();
        String plan = explain(backend, dialect.dequeue(QueueSettings.PLAIN), ps -> {
            ps.setInt(1, 5);
            ps.setLong(2, q.id());
            ps.setInt(3, 10);
            ps.setLong(4, 30_000);
            ps.setLong(5, 1);
        });

        System.out.println("dequeue plan of a plain queue on " + backend + ":\n" + plan);
        // The original's dequeue index, which both editions share (never a second copy of it).
        assertThat(plan).contains(backend.kind() == BackendKind.POSTGRES ? "idx_pgqrs_messages_hot_path" : "idx_messages_hot_path");
        // A plain queue's dequeue consults nothing made for a feature it does not use.
        assertThat(plan).doesNotContain("pgqrs_messages_priority_idx");
        if (backend.kind() == BackendKind.POSTGRES) {
            assertThat(plan).doesNotContain("Seq Scan on pgqrs_messages").doesNotContain("Sort");
        } else {
            assertThat(plan).doesNotContain("USE TEMP B-TREE FOR ORDER BY");
        }
    }

    @ConformanceTest
    void estimatedMetricsReadEachPartialIndexInItsOrderAndStopAtTheSample(TestBackend backend) throws Exception {
        Dialect dialect = backend.open().database().dialect();
        if (dialect.sampledQueueCounts() == null) {
            return; // SQLite counts its estimated metrics exactly (the metrics statements' plans are above)
        }
        Store store = backend.open();
        store.queues().create("history");
        store.queues().create("backlog");
        fill(store, "history", 3000);
        fill(store, "backlog", 3000);
        backend.execute("UPDATE pgqrs_messages SET archived_at = now() WHERE queue_id = "
                + store.queues().get("history").id());
        analyze(backend);

        String plan = explain(backend, dialect.sampledQueueCounts(), ps -> {
            ps.setInt(1, 5);
            ps.setInt(2, 100);
        });

        System.out.println("sampled metrics plan on " + backend + ":\n" + plan);
        assertThat(plan).contains("idx_pgqrs_messages_hot_path").contains("idx_pgqrs_messages_archived_at")
                .contains("pgqrs_messages_dead_letter_idx").doesNotContain("Seq Scan on pgqrs_messages");
    }

    @ConformanceTest
    void aQueueWithoutSettingsIsDequeuedWithThePlainStatement(TestBackend backend) throws Exception {
        Store store = backend.open();
        QueueInfo plain = store.queues().create("plain");
        QueueInfo prioritized = store.queues().create("prioritized");
        store.producer("plain").enqueue(Map.of("n", 1));
        store.producer("prioritized").enqueue(Map.of("n", 1), EnqueueOptions.withPriority(2));
        Dialect dialect = store.database().dialect();
        try (Connection c = backend.jdbc()) {
            QueueSettingsCache fresh = new QueueSettingsCache();
            assertThat(dialect.dequeue(fresh.of(c, plain.id()))).isEqualTo(dialect.dequeue(QueueSettings.PLAIN))
                    .doesNotContain("priority IS");
            assertThat(dialect.dequeue(fresh.of(c, prioritized.id()))).isEqualTo(dialect.dequeue(QueueSettings.PRIORITIZED));
        }
    }

    @ConformanceTest
    void aPrioritizedQueueIsDequeuedFromThePriorityIndexInOrder(TestBackend backend) throws Exception {
        Store store = backend.open();
        QueueInfo q = store.queues().create("orders");
        store.queues().create("other");
        Producer producer = store.producer("orders");
        // -Dpgqrs.plan.rows=200000 shows the plans on a large table (the ones in pgqrs-engine/docs/flow-control.md).
        int rows = Integer.getInteger("pgqrs.plan.rows", 3000);
        for (int i = 0; i < rows; i += 500) {
            List<Map<String, Integer>> batch = new ArrayList<>();
            List<EnqueueOptions> options = new ArrayList<>();
            for (int j = 0; j < 500; j++) {
                batch.add(Map.of("n", i + j));
                options.add(EnqueueOptions.withPriority((i + j) % 3));
            }
            producer.enqueueBatch(batch, options, java.time.Duration.ZERO);
        }
        fill(store, "other", rows);
        store.queues().create("plain");
        fill(store, "plain", rows);
        analyze(backend);
        QueueInfo plain = store.queues().get("plain");
        System.out.println("dequeue plan of a plain queue beside it on " + backend + ":\n" + explain(backend,
                store.database().dialect().dequeue(QueueSettings.PLAIN), ps -> {
                    ps.setInt(1, 5);
                    ps.setLong(2, plain.id());
                    ps.setInt(3, 10);
                    ps.setLong(4, 30_000);
                    ps.setLong(5, 1);
                }));

        String plan = explain(backend, store.database().dialect().dequeue(QueueSettings.PRIORITIZED), ps -> {
            ps.setInt(1, 5);
            ps.setLong(2, q.id());
            ps.setInt(3, 10);
            ps.setLong(4, 30_000);
            ps.setLong(5, 1);
        });

        System.out.println("dequeue plan of a prioritized queue on " + backend + ":\n" + plan);
        assertThat(plan).contains("pgqrs_messages_priority_idx")
                .contains(backend.kind() == BackendKind.POSTGRES ? "idx_pgqrs_messages_hot_path" : "idx_messages_hot_path");
        if (backend.kind() == BackendKind.POSTGRES) {
            assertThat(plan).doesNotContain("Seq Scan on pgqrs_messages").doesNotContain("Sort");
        } else {
            assertThat(plan).doesNotContain("USE TEMP B-TREE FOR ORDER BY").doesNotContain("SCAN m");
        }
    }

    @ConformanceTest
    void aFifoQueueTakesHeadsThroughTheHotPathIndexAndProbesTheOrderingKeyIndex(TestBackend backend) throws Exception {
        Store store = backend.open();
        QueueInfo q = store.queues().create("orders", QueueOptions.fifoQueue());
        store.queues().create("other");
        Producer producer = store.producer("orders");
        int rows = Integer.getInteger("pgqrs.plan.rows", 3000);
        for (int i = 0; i < rows; i += 500) {
            List<Map<String, Integer>> batch = new ArrayList<>();
            List<EnqueueOptions> options = new ArrayList<>();
            for (int j = 0; j < 500; j++) {
                batch.add(Map.of("n", i + j));
                options.add(EnqueueOptions.withOrderingKey("key-" + (i + j) % 100));
            }
            producer.enqueueBatch(batch, options, java.time.Duration.ZERO);
        }
        fill(store, "other", rows);
        analyze(backend);
        try (Connection c = backend.jdbc()) {
            assertThat(new QueueSettingsCache().of(c, q.id())).isEqualTo(QueueSettings.FIFO);
        }

        String plan = explain(backend, store.database().dialect().dequeue(QueueSettings.FIFO), ps -> {
            ps.setInt(1, 5);
            ps.setLong(2, q.id());
            ps.setInt(3, 10);
            ps.setLong(4, 30_000);
            ps.setLong(5, 1);
        });

        System.out.println("dequeue plan of a FIFO queue on " + backend + ":\n" + plan);
        assertThat(plan).contains("pgqrs_messages_ordering_key_idx")
                .contains(backend.kind() == BackendKind.POSTGRES ? "idx_pgqrs_messages_hot_path" : "idx_messages_hot_path")
                .doesNotContain("pgqrs_messages_priority_idx");
        if (backend.kind() == BackendKind.POSTGRES) {
            assertThat(plan).doesNotContain("Seq Scan on pgqrs_messages").doesNotContain("Sort");
        } else {
            assertThat(plan).doesNotContain("USE TEMP B-TREE FOR ORDER BY").doesNotContain("SCAN m").doesNotContain("SCAN o");
        }
    }

    @ConformanceTest
    void aLimitedQueueCountsItsLeasesAndTakesItsMessagesThroughTheHotPathIndex(TestBackend backend) throws Exception {
        Store store = backend.open();
        QueueInfo q = store.queues().create("orders");
        store.queues().create("other");
        int rows = Integer.getInteger("pgqrs.plan.rows", 3000);
        fill(store, "orders", rows);
        fill(store, "other", rows);
        store.queues().setLimits("orders", QueueLimits.concurrency(64).withRate(100_000, java.time.Duration.ofSeconds(1)));
        try (Consumer consumer = store.consumer("orders")) {
            for (int i = 0; i < 20; i++) {
                consumer.archive(consumer.dequeue(100));
            }
        }
        analyze(backend);
        try (Connection c = backend.jdbc()) {
            assertThat(new QueueSettingsCache().of(c, q.id())).isEqualTo(QueueSettings.LIMITED);
        }

        Dialect dialect = store.database().dialect();
        for (QueueSettings settings : List.of(QueueSettings.LIMITED, QueueSettings.PRIORITIZED.withLimited(true),
                QueueSettings.FIFO.withLimited(true))) {
            String plan = explain(backend, dialect.dequeue(settings), ps -> {
                ps.setInt(1, 5);
                ps.setLong(2, q.id());
                ps.setInt(3, 10);
                ps.setLong(4, 30_000);
                ps.setLong(5, 1);
            });
            System.out.println("dequeue plan of a limited queue " + settings + " on " + backend + ":\n" + plan);
            // Leases are counted, and messages taken, in the dequeue index; the limits come from the settings row.
            assertThat(plan).contains(backend.kind() == BackendKind.POSTGRES ? "idx_pgqrs_messages_hot_path" : "idx_messages_hot_path");
            if (backend.kind() == BackendKind.POSTGRES) {
                assertThat(plan).doesNotContain("Seq Scan on pgqrs_messages").doesNotContain("Sort");
            } else {
                assertThat(plan).doesNotContain("USE TEMP B-TREE FOR ORDER BY").doesNotContain("SCAN m")
                        .doesNotContain("SCAN l").doesNotContain("SCAN s");
            }
        }
        if (backend.kind() == BackendKind.POSTGRES) {
            String lock = explain(backend, dialect.lockQueueLimits(), ps -> ps.setLong(1, q.id()));
            // One row per queue that uses a feature: found by its key, or read whole while the table is that small.
            System.out.println("lock of a limited queue's settings row on " + backend + ":\n" + lock);
            assertThat(lock).contains("pgqrs_queue_settings");
        }
    }

    @ConformanceTest
    void batchAckLooksMessagesUpByIndexNotByScanning(TestBackend backend) throws Exception {
        Store store = backend.open();
        store.queues().create("orders");
        fill(store, "orders", 3000);
        analyze(backend);

        List<Lease> held = List.of(new Lease(1, 1), new Lease(2, 1), new Lease(3, 1));
        String plan = explain(backend, store.database().dialect().archive(), ps -> {
            try (Connection c = backend.jdbc()) {
                store.database().dialect().bindDeliveries(c, ps, 1, Deliveries.of(held));
            }
            ps.setLong(3, 1);
        });

        // The fence (id, read_ct) costs no join: a row finds its read count by its id's position among the
        // deliveries. Joining the two lists rescanned one per row of the other (PostgreSQL: a Function Scan of
        // the unnest in a nested loop; SQLite: two json_each per list, evaluated twice).
        if (backend.kind() == BackendKind.POSTGRES) {
            assertThat(plan).contains("Index Scan").doesNotContain("Seq Scan on pgqrs_messages")
                    .doesNotContain("Function Scan").doesNotContain("Join");
        } else {
            assertThat(plan).contains("SEARCH pgqrs_messages").doesNotContain("SCAN pgqrs_messages");
            long lists = plan.lines().filter(l -> l.contains("LIST SUBQUERY")).count();
            long jsonScans = plan.lines().filter(l -> l.contains("VIRTUAL TABLE")).count();
            assertThat(jsonScans).as("json_each scans per list of deliveries in\n" + plan).isEqualTo(lists);
        }
    }

    @ConformanceTest
    void aWorkflowClaimPassesOverOtherVersionsByProbingEachCandidatesRun(TestBackend backend) throws Exception {
        Store store = backend.open();
        var v1 = dev.pgqrs.workflow.Workflow.define("billing", String.class, String.class, (ctx, in) -> in)
                .withVersion("1");
        store.workflows().register(v1);
        for (int i = 0; i < 1500; i++) {
            store.workflows().trigger(v1, "run " + i);
        }
        store.queues().create("other");
        fill(store, "other", 3000);
        analyze(backend);
        long queueId = store.queues().get("billing").id();

        String statement = store.database().dialect().workflowSql().claimStatement(QueueSettings.PLAIN);
        String plan = explain(backend, statement, ps -> {
            boolean postgres = backend.kind() == BackendKind.POSTGRES;
            int first = postgres ? 2 : 1; // PostgreSQL binds the version first, SQLite as ?6
            ps.setInt(first, 5);
            ps.setLong(first + 1, queueId);
            ps.setInt(first + 2, 10);
            ps.setLong(first + 3, 30_000);
            ps.setLong(first + 4, 1);
            ps.setString(postgres ? 1 : 6, "2");
        });

        System.out.println("workflow claim plan of a version-2 worker on " + backend + ":\n" + plan);
        if (backend.kind() == BackendKind.POSTGRES) {
            // Each candidate's run is probed by message id (a SubPlan), never joined through a scan of every run.
            assertThat(plan).contains("idx_pgqrs_messages_hot_path")
                    .containsPattern("Index (Only )?Scan using \\S+ on pgqrs_workflow_runs r\\s")
                    .contains("Index Cond: (message_id = m.id)")
                    .doesNotContain("Seq Scan on pgqrs_messages").doesNotContain("Seq Scan on pgqrs_workflow_runs");
        } else {
            assertThat(plan).contains("idx_messages_hot_path").containsPattern("SEARCH r USING (COVERING )?INDEX")
                    .doesNotContain("SCAN r\n").doesNotContain("USE TEMP B-TREE FOR ORDER BY");
        }
    }

    @ConformanceTest
    void theMetersSnapshotReadsThePartialIndexesNeverTheArchivedHistory(TestBackend backend) throws Exception {
        Store store = backend.open();
        store.queues().create("orders");
        store.queues().create("other");
        // -Dpgqrs.plan.rows=2000000 shows the plan on a large history (the one in pgqrs-engine/docs/metrics.md).
        int rows = Integer.getInteger("pgqrs.plan.rows", 20_000);
        fill(store, "orders", rows);
        fill(store, "other", 1000);
        // A long archived history, a few dead letters among it, and a small backlog.
        String now = backend.ago(java.time.Duration.ZERO);
        backend.execute("UPDATE pgqrs_messages SET archived_at = " + now + " WHERE id % 100 <> 0");
        backend.execute("UPDATE pgqrs_messages SET dead_lettered_at = archived_at WHERE id % 1000 = 1");
        analyze(backend);

        String plan = explain(backend, store.database().dialect().queueGauges(), ps -> ps.setInt(1, 5));

        System.out.println("meters' snapshot plan on " + backend + " (" + rows + " rows, 99% archived):\n" + plan);
        if (backend.kind() == BackendKind.POSTGRES) {
            System.out.println("executed:\n" + explain(backend, "(ANALYZE, BUFFERS) " + store.database().dialect().queueGauges(),
                    ps -> ps.setInt(1, 5)));
        }
        if (backend.kind() == BackendKind.POSTGRES) {
            assertThat(plan).contains("idx_pgqrs_messages_hot_path").contains("pgqrs_messages_dead_letter_idx")
                    .doesNotContain("Seq Scan on pgqrs_messages");
        } else {
            assertThat(plan).contains("idx_messages_hot_path").contains("pgqrs_messages_dead_letter_idx")
                    .doesNotContain("SCAN m\n");
        }
    }

    private static void fill(Store store, String queue, int n) {
        Producer producer = store.producer(queue);
        for (int i = 0; i < n; i += 500) {
            List<Map<String, Integer>> batch = new ArrayList<>();
            for (int j = 0; j < 500; j++) {
                batch.add(Map.of("n", i + j));
            }
            producer.enqueueBatch(batch);
        }
    }

    private static void analyze(TestBackend backend) throws Exception {
        try (Connection c = backend.jdbc(); Statement s = c.createStatement()) {
            s.execute(backend.kind() == BackendKind.POSTGRES ? "ANALYZE pgqrs_messages" : "ANALYZE");
        }
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
