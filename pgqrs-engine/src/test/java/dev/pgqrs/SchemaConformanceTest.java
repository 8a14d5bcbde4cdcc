package dev.pgqrs;

import dev.pgqrs.store.Migration;
import dev.pgqrs.testing.BackendKind;
import dev.pgqrs.testing.ConformanceTest;
import dev.pgqrs.testing.TestBackend;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Installing, upgrading and verifying the schema — on every backend. */
class SchemaConformanceTest {

    @ConformanceTest
    void installIsIdempotentAndVerifyPasses(TestBackend backend) {
        Store store = backend.openUninstalled(c -> c);
        assertThat(store.admin().schemaVersion()).isZero();

        assertThat(store.admin().install()).isEqualTo(Migration.ALL.stream().map(Migration::version).toList());
        assertThat(store.admin().install()).isEmpty();

        VerifyReport report = store.admin().verify();
        assertThat(report.ok()).as(report.problems().toString()).isTrue();
        assertThat(report.schemaVersion()).isEqualTo(Migration.latestVersion());
    }

    @ConformanceTest
    void usingAnUninstalledStoreSaysToInstall(TestBackend backend) {
        Store store = backend.openUninstalled(c -> c);

        assertThatThrownBy(() -> store.queues().create("orders")).isInstanceOf(SchemaException.class)
                .hasMessageContaining("run store.admin().install()");
        VerifyReport report = store.admin().verify();
        assertThat(report.ok()).isFalse();
        assertThat(report.problems()).singleElement().asString().contains("missing tables").contains("pgqrs_messages");
    }

    @ConformanceTest
    void installUpgradesAnOlderSchemaKeepingItsData(TestBackend backend) {
        Store store = backend.openUninstalled(c -> c);
        store.admin().installTo(1);
        assertThat(store.admin().verify().problems()).singleElement().asString()
                .contains("schema is at version 1 but this library needs " + Migration.latestVersion());
        long queueId;
        try (Connection c = backend.jdbc(); Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO pgqrs_queues (queue_name) VALUES ('legacy')");
            try (ResultSet rs = s.executeQuery("SELECT id FROM pgqrs_queues WHERE queue_name = 'legacy'")) {
                rs.next();
                queueId = rs.getLong(1);
            }
            String json = backend.kind() == BackendKind.POSTGRES ? "'{\"n\": 1}'::jsonb" : "'{\"n\": 1}'";
            s.executeUpdate("INSERT INTO pgqrs_messages (queue_id, payload) VALUES (" + queueId + ", " + json + ")");
        } catch (Exception e) {
            throw new AssertionError(e);
        }

        assertThat(store.admin().install()).doesNotContain(1).contains(Migration.latestVersion());

        assertThat(store.admin().verify().ok()).isTrue();
        try (Consumer consumer = store.consumer("legacy")) {
            List<Message> messages = consumer.dequeue(5);
            assertThat(messages).singleElement().satisfies(m -> assertThat(m.payload().get("n").asInt()).isEqualTo(1));
            consumer.archive(messages.get(0));
        }
    }

    @ConformanceTest
    void verifyFindsMessagesPointingAtMissingQueuesOrWorkers(TestBackend backend) throws Exception {
        Store store = backend.open();
        store.queues().create("orders");
        store.enqueue("orders", Map.of("n", 1));
        try (Connection c = backend.jdbc(); Statement s = c.createStatement()) {
            if (backend.kind() == BackendKind.POSTGRES) {
                s.execute("ALTER TABLE pgqrs_messages DROP CONSTRAINT fk_messages_queue_id");
                s.execute("ALTER TABLE pgqrs_messages DROP CONSTRAINT fk_messages_producer_worker_id");
            } else {
                s.execute("PRAGMA foreign_keys = OFF");
            }
            s.executeUpdate("UPDATE pgqrs_messages SET queue_id = 424242, producer_worker_id = 777");
        }

        VerifyReport report = store.admin().verify();
        assertThat(report.ok()).isFalse();
        assertThat(report.problems()).contains(
                "1 message(s) reference a queue that does not exist",
                "1 message(s) reference a producer worker that does not exist");
        if (backend.kind() == BackendKind.POSTGRES) {
            assertThat(report.problems()).filteredOn(p -> p.startsWith("missing foreign keys"))
                    .singleElement().asString().contains("fk_messages_queue_id, fk_messages_producer_worker_id");
        } else {
            assertThat(report.problems()).hasSize(2);
        }
    }

    @ConformanceTest
    void twoStoresInstallingAtOnceBothSucceed(TestBackend backend) throws Exception {
        Store a = backend.openUninstalled(c -> c);
        Store b = backend.openUninstalled(c -> c);
        var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        var fa = pool.submit(() -> a.admin().install());
        var fb = pool.submit(() -> b.admin().install());
        List<Integer> applied = new java.util.ArrayList<>(fa.get());
        applied.addAll(fb.get());
        pool.shutdown();

        assertThat(applied).containsExactlyInAnyOrderElementsOf(Migration.ALL.stream().map(Migration::version).toList());
        assertThat(a.admin().verify().ok()).isTrue();
    }
}
