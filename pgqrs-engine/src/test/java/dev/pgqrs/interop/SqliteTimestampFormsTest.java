package dev.pgqrs.interop;

import dev.pgqrs.Consumer;
import dev.pgqrs.Message;
import dev.pgqrs.Store;
import dev.pgqrs.testing.BackendKind;
import dev.pgqrs.testing.TestBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SQLite only: timestamps are text and compared as text. The original writes SQLite's own clock
 * ({@code YYYY-MM-DD HH:MM:SS}) or its host clock with 6 fraction digits; the Java edition writes 3.
 * Each comparison in the Java edition's statements must give the same answer for all three forms of
 * the same instant, a second either side of now (text order matches time order for these forms;
 * only a tie on the same millisecond can differ, by under a millisecond).
 */
class SqliteTimestampFormsTest {

    /** The forms of "now plus an offset" in SQLite's own arithmetic. */
    enum Form {
        SECONDS("strftime('%Y-%m-%d %H:%M:%S', 'now', '%s seconds')"),
        MICROSECONDS("strftime('%Y-%m-%d %H:%M:%f', 'now', '%s seconds') || '417'"),
        MILLISECONDS("strftime('%Y-%m-%d %H:%M:%f', 'now', '%s seconds')");

        final String sql;

        Form(String sql) {
            this.sql = sql;
        }

        String at(String offsetSeconds) {
            return sql.replace("%s seconds", offsetSeconds + " seconds");
        }
    }

    private TestBackend backend;

    @BeforeEach
    void create() {
        backend = TestBackend.create(BackendKind.SQLITE);
    }

    @AfterEach
    void drop() {
        backend.close();
    }

    @ParameterizedTest
    @EnumSource(Form.class)
    void aMessageIsVisibleWhenItsVtHasPassedAndNotBefore(Form form) throws Exception {
        Store store = backend.open(b -> b.maintenance(false));
        store.queues().create("q");
        long past = store.enqueue("q", Map.of("n", "past"));
        long future = store.enqueue("q", Map.of("n", "future"));
        set("vt = " + form.at("-2"), past);
        set("vt = " + form.at("+5"), future);

        try (Consumer consumer = store.consumer("q")) {
            List<Message> got = consumer.dequeue(10);
            assertThat(got).extracting(Message::id).containsExactly(past);
            consumer.archive(got);
        }
    }

    @ParameterizedTest
    @EnumSource(Form.class)
    void aLeaseIsHeldUntilItsVtAndNotAfter(Form form) throws Exception {
        Store store = backend.open(b -> b.maintenance(false));
        store.queues().create("q");
        store.enqueue("q", Map.of("n", 1));
        store.enqueue("q", Map.of("n", 2));
        try (Consumer consumer = store.consumer("q")) {
            List<Message> leased = consumer.dequeue(2);
            set("vt = " + form.at("+5"), leased.get(0).id());
            set("vt = " + form.at("-2"), leased.get(1).id());

            assertThat(consumer.heldLeases()).isEqualTo(1);
            consumer.archive(leased);
        }
    }

    @ParameterizedTest
    @EnumSource(Form.class)
    void aWorkerIsStaleWhenItsHeartbeatIsOlderThanTheTimeoutAndNotBefore(Form form) throws Exception {
        Store store = backend.open(b -> b.maintenance(false).staleWorkerTimeout(Duration.ofSeconds(30)));
        store.queues().create("q");
        try (Connection c = backend.jdbc(); Statement s = c.createStatement()) {
            // Workers of this edition (the reaper judges no other edition's liveness).
            s.execute("INSERT INTO pgqrs_workers (name, queue_id, heartbeat_at, edition) VALUES ('old', 1, " + form.at("-32") + ", 'java')");
            s.execute("INSERT INTO pgqrs_workers (name, queue_id, heartbeat_at, edition) VALUES ('young', 1, " + form.at("-28") + ", 'java')");
        }

        assertThat(store.admin().reapStaleWorkers().workers()).isEqualTo(1);

        try (Connection c = backend.jdbc(); Statement s = c.createStatement()) {
            assertThat(JavaUpgradeTest.rows(s, "SELECT name, status FROM pgqrs_workers WHERE name IN ('old', 'young') ORDER BY name"))
                    .containsExactly("old stopped", "young ready");
        }
    }

    @ParameterizedTest
    @EnumSource(Form.class)
    void anArchivedMessageIsDeletedAfterTheRetentionAndNotBefore(Form form) throws Exception {
        Store store = backend.open(b -> b.maintenance(false));
        store.queues().create("q");
        long old = store.enqueue("q", Map.of("n", 1));
        long young = store.enqueue("q", Map.of("n", 2));
        set("archived_at = " + form.at("-3602"), old);
        set("archived_at = " + form.at("-3598"), young);

        assertThat(store.admin().deleteArchivedOlderThan(Duration.ofHours(1))).isEqualTo(1);
        try (Connection c = backend.jdbc(); Statement s = c.createStatement()) {
            assertThat(JavaUpgradeTest.rows(s, "SELECT id FROM pgqrs_messages")).containsExactly(String.valueOf(young));
        }
    }

    @ParameterizedTest
    @EnumSource(Form.class)
    void anExhaustedMessageIsADeadLetterOnceItsLeaseHasRunOut(Form form) throws Exception {
        Store store = backend.open(b -> b.maintenance(false));
        store.queues().create("q");
        long expired = store.enqueue("q", Map.of("n", 1));
        long leased = store.enqueue("q", Map.of("n", 2));
        set("read_ct = 5, vt = " + form.at("-2"), expired);
        set("read_ct = 5, vt = " + form.at("+5"), leased);

        assertThat(store.deadLetters().list("q", 10)).extracting(Message::id).containsExactly(expired);
    }

    private void set(String assignment, long messageId) throws Exception {
        try (Connection c = backend.jdbc(); Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE pgqrs_messages SET " + assignment + " WHERE id = " + messageId);
        }
    }
}
