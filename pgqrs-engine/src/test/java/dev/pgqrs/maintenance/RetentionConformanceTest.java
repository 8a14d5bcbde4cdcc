package dev.pgqrs.maintenance;

import dev.pgqrs.ConfigException;
import dev.pgqrs.Consumer;
import dev.pgqrs.Message;
import dev.pgqrs.Retention;
import dev.pgqrs.RetentionResult;
import dev.pgqrs.Store;
import dev.pgqrs.testing.ConformanceTest;
import dev.pgqrs.testing.TestBackend;
import dev.pgqrs.workflow.RunHandle;
import dev.pgqrs.workflow.RunStatus;
import dev.pgqrs.workflow.Workflow;
import dev.pgqrs.workflow.Workflows;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Retention of archived messages and finished workflow runs, by age and by count, per queue and per workflow over
 * the store's defaults, in bounded batches — on every backend. Rows are backdated instead of waited for.
 */
class RetentionConformanceTest {

    private static final Duration AWAIT = Duration.ofSeconds(30);

    @ConformanceTest
    void ageAndCountLimitsApplyPerQueueOverTheDefaultsAndKeepDeadLettersAndPendingMessages(TestBackend backend) throws Exception {
        Store store = backend.open(b -> b.maintenance(false).archiveRetention(Duration.ofHours(7 * 24 + 12)).retentionBatchSize(3));
        List<Long> byAge = archive(backend, store, "by-age", 10, 1);
        List<Long> byCount = archive(backend, store, "by-count", 10, 1);
        List<Long> forever = archive(backend, store, "forever", 4, 7);
        store.queues().setRetention("by-count", Retention.keepNewest(4));
        store.queues().setRetention("forever", Retention.FOREVER);
        // by-age: the 6 oldest (archived 13 to 8 days ago) are past 7.5 days; so is the dead letter, which stays.
        long deadLetter = deadLetter(backend, store, "by-age", Duration.ofDays(30));
        long pending = store.enqueue("by-age", Map.of("pending", true));
        backend.execute("UPDATE pgqrs_messages SET enqueued_at = " + backend.ago(Duration.ofDays(30)) + " WHERE id = " + pending);

        RetentionResult result = store.admin().applyRetention();

        assertThat(ids(backend, "by-age")).containsExactlyInAnyOrderElementsOf(
                concat(byAge.subList(6, 10), List.of(deadLetter, pending)));
        assertThat(ids(backend, "by-count")).as("the newest 4; the override has no age limit")
                .containsExactlyInAnyOrderElementsOf(byCount.subList(6, 10));
        assertThat(ids(backend, "forever")).containsExactlyInAnyOrderElementsOf(forever);
        assertThat(result).isEqualTo(new RetentionResult(12, 0));
        assertThat(store.queues().retention("by-count")).contains(Retention.keepNewest(4));
        assertThat(store.queues().retention("by-age")).isEmpty();

        // Back to the defaults: 7.5 days for every queue.
        assertThat(store.queues().clearRetention("forever")).isTrue();
        assertThat(store.admin().applyRetention().messages()).as("forever's are 13 to 10 days old").isEqualTo(4);
        assertThat(ids(backend, "forever")).isEmpty();
    }

    @ConformanceTest
    void aCountAndAnAgeTogetherDeleteWhatEitherWouldAndBatchesSkipDeadLettersOnce(TestBackend backend) throws Exception {
        Store store = backend.open(b -> b.maintenance(false).retentionBatchSize(2));
        List<Long> archived = archive(backend, store, "orders", 9, 1);
        // Dead letters between the archived rows, older than every limit: kept, and read past.
        List<Long> dead = new ArrayList<>();
        for (int days = 20; days < 24; days++) {
            dead.add(deadLetter(backend, store, "orders", Duration.ofDays(days)));
        }
        // Archived 12 to 4 days ago. Older than 10.5 days would delete 2; beyond the newest 6, 3: the count wins.
        store.queues().setRetention("orders", Retention.deleteOlderThan(Duration.ofHours(10 * 24 + 12)).andKeepNewest(6));
        assertThat(store.admin().applyRetention().messages()).isEqualTo(3);
        // Older than 7.5 days: 5, of which 3 went already; the count (6) would delete none now: the age wins.
        store.queues().setRetention("orders", Retention.keepNewest(6).andDeleteOlderThan(Duration.ofHours(7 * 24 + 12)));
        assertThat(store.admin().applyRetention().messages()).isEqualTo(2);
        assertThat(ids(backend, "orders")).containsExactlyInAnyOrderElementsOf(concat(archived.subList(5, 9), dead));
    }

    @ConformanceTest
    void rowsArchivedAtTheSameInstantAsTheLastOneACountKeepsAreKeptWithIt(TestBackend backend) throws Exception {
        Store store = backend.open(b -> b.maintenance(false));
        List<Long> ids = archive(backend, store, "orders", 5, 1);
        backend.execute("UPDATE pgqrs_messages SET archived_at = (SELECT archived_at FROM pgqrs_messages WHERE id = "
                + ids.get(2) + ") WHERE id IN (" + ids.get(0) + ", " + ids.get(1) + ")");
        store.queues().setRetention("orders", Retention.keepNewest(3));
        assertThat(store.admin().applyRetention().messages()).isZero();
        store.queues().setRetention("orders", Retention.keepNewest(2));
        assertThat(store.admin().applyRetention().messages()).isEqualTo(3);
        assertThat(ids(backend, "orders")).containsExactlyInAnyOrderElementsOf(ids.subList(3, 5));
    }

    @ConformanceTest
    void finishedRunsGoWithTheirStepsAndMessagesAndUnfinishedRunsStay(TestBackend backend) throws Exception {
        Store store = backend.open(b -> b.maintenance(false).runRetention(Duration.ofDays(1)).retentionBatchSize(2));
        Workflows workflows = store.workflows();
        Workflow<String, String> echo = workflows.register(Workflow.define("echo", String.class, String.class,
                (ctx, in) -> ctx.step("upper", String.class, in::toUpperCase)));
        List<Long> finished = new ArrayList<>();
        try (var worker = workflows.startWorker(echo)) {
            for (int i = 0; i < 5; i++) {
                RunHandle<String> run = workflows.trigger(echo, "r" + i);
                assertThat(run.await(AWAIT)).isEqualTo("R" + i);
                finished.add(run.id());
            }
        }
        long queued = workflows.trigger(echo, "later").id();
        for (int i = 0; i < 5; i++) {
            backend.execute("UPDATE pgqrs_workflow_runs SET completed_at = " + backend.ago(Duration.ofDays(10 - i))
                    + " WHERE id = " + finished.get(i));
        }
        backend.execute("UPDATE pgqrs_workflow_runs SET created_at = " + backend.ago(Duration.ofDays(30)) + " WHERE id = " + queued);
        assertThat(count(backend, "SELECT count(*) FROM pgqrs_workflow_steps")).isEqualTo(5);

        // Keep the newest 2 of the 5 finished ones (all older than the 1 day default).
        workflows.setRetention("echo", Retention.keepNewest(2));
        assertThat(store.admin().applyRetention()).isEqualTo(new RetentionResult(0, 3));
        assertThat(runIds(backend)).containsExactlyInAnyOrder(finished.get(3), finished.get(4), queued);
        assertThat(count(backend, "SELECT count(*) FROM pgqrs_workflow_steps")).isEqualTo(2);
        assertThat(count(backend, "SELECT count(*) FROM pgqrs_messages")).as("a message per remaining run").isEqualTo(3);

        // The defaults (1 day): every finished run goes, the queued one stays however old.
        assertThat(workflows.clearRetention("echo")).isTrue();
        assertThat(store.admin().applyRetention().runs()).isEqualTo(2);
        assertThat(runIds(backend)).containsExactly(queued);
        assertThat(workflows.get(queued).status()).isEqualTo(RunStatus.QUEUED);
        assertThat(count(backend, "SELECT count(*) FROM pgqrs_workflow_steps")).isZero();
        assertThat(store.admin().verify().problems()).isEmpty();
    }

    @ConformanceTest
    void theMaintenanceLeaderAppliesRetentionInTheBackground(TestBackend backend) throws Exception {
        Store setup = backend.open(b -> b.maintenance(false));
        List<Long> ids = archive(backend, setup, "orders", 4, 1);
        setup.queues().setRetention("orders", Retention.keepNewest(1));

        Store store = backend.open(b -> b.retentionInterval(Duration.ofMillis(200)).reaperInterval(Duration.ofMillis(400)));
        await().atMost(AWAIT).until(store::isMaintenanceLeader);
        await().atMost(AWAIT).untilAsserted(() -> assertThat(ids(backend, "orders")).containsExactly(ids.get(3)));
    }

    @ConformanceTest
    void overridesAreCheckedAndNameWhatWasWrong(TestBackend backend) {
        Store store = backend.open(b -> b.maintenance(false));
        store.queues().create("orders");
        assertThatThrownBy(() -> Retention.keepNewest(0)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("max count must be at least 1, was 0");
        assertThatThrownBy(() -> Retention.deleteOlderThan(Duration.ofSeconds(-1))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("max age must be a positive duration");
        assertThatThrownBy(() -> store.queues().setRetention("orders", null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Retention.FOREVER");
        assertThatThrownBy(() -> store.queues().setRetention("missing", Retention.FOREVER))
                .hasMessageContaining("missing");
        assertThatThrownBy(() -> store.workflows().setRetention("missing", Retention.FOREVER))
                .hasMessageContaining("missing");
        assertThat(store.queues().retention("orders")).isEmpty();
    }

    // ---- fixtures ---------------------------------------------------------------------------------------------

    /** Enqueues and archives {@code n} messages, backdated so the i-th was archived (n + 3 - i) days ago: oldest first. */
    static List<Long> archive(TestBackend backend, Store store, String queue, int n, int offsetDays) {
        store.queues().createIfAbsent(queue);
        List<Long> ids = store.enqueueBatch(queue, IntStream.range(0, n).mapToObj(i -> Map.of("n", i)).toList());
        try (Consumer consumer = store.consumer(queue)) {
            List<Message> leased = consumer.dequeue(n);
            assertThat(leased).hasSize(n);
            consumer.archive(leased);
        }
        for (int i = 0; i < n; i++) {
            backend.execute("UPDATE pgqrs_messages SET archived_at = " + backend.ago(Duration.ofDays(n + 3L - i).plusDays(offsetDays - 1))
                    + " WHERE id = " + ids.get(i));
        }
        return ids;
    }

    static long deadLetter(TestBackend backend, Store store, String queue, Duration ago) {
        long id = store.enqueue(queue, Map.of("poison", true));
        try (Consumer consumer = store.consumer(queue)) {
            Message m = consumer.dequeue(1).get(0);
            assertThat(m.id()).isEqualTo(id);
            consumer.deadLetter(m, "poison");
        }
        backend.execute("UPDATE pgqrs_messages SET archived_at = " + backend.ago(ago) + ", dead_lettered_at = "
                + backend.ago(ago) + " WHERE id = " + id);
        return id;
    }

    static List<Long> ids(TestBackend backend, String queue) throws SQLException {
        return longs(backend, "SELECT m.id FROM pgqrs_messages m JOIN pgqrs_queues q ON q.id = m.queue_id WHERE q.queue_name = '"
                + queue + "'");
    }

    private static List<Long> runIds(TestBackend backend) throws SQLException {
        return longs(backend, "SELECT id FROM pgqrs_workflow_runs");
    }

    private static long count(TestBackend backend, String sql) throws SQLException {
        return longs(backend, sql).get(0);
    }

    private static List<Long> longs(TestBackend backend, String sql) throws SQLException {
        try (Connection c = backend.jdbc(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            List<Long> out = new ArrayList<>();
            while (rs.next()) {
                out.add(rs.getLong(1));
            }
            return out;
        }
    }

    @SafeVarargs
    private static List<Long> concat(List<Long>... lists) {
        List<Long> out = new ArrayList<>();
        for (List<Long> l : lists) {
            out.addAll(l);
        }
        return out;
    }
}
