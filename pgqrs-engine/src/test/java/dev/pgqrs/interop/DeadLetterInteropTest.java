package dev.pgqrs.interop;

import dev.pgqrs.Consumer;
import dev.pgqrs.Message;
import dev.pgqrs.QueueMetrics;
import dev.pgqrs.Store;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Dead letters mean one thing in both editions: to pgqrs (Rust) a dead letter is an archived
 * message delivered max_read_ct times (made by its admin dlq(), brought back by replay_dlq(), which
 * takes any archived row). Each edition must see the other's dead letters, and a replay by either
 * makes a plain new message.
 */
class DeadLetterInteropTest {

    /** Delivers a message of the original's queue max_read_ct times, releasing it each time. */
    private static void exhaust(OriginalEdition original, long queue, long consumer) {
        for (int i = 0; i < OriginalEdition.MAX_READ_CT; i++) {
            var got = original.dequeue(queue, consumer, 1);
            assertThat(got).hasSize(1);
            original.release(got.get(0).id(), consumer);
        }
    }

    @InteropTest(releases = {OriginalRelease.V0_15_0, OriginalRelease.V0_15_3})
    void javaListsAndCountsTheOriginalsDeadLetters(OriginalDatabase db) {
        Store store = db.javaStore(b -> b.maxReadCount(OriginalEdition.MAX_READ_CT));
        OriginalEdition original = db.edition();
        store.queues().create("q");
        long queue = original.queueId("q").orElseThrow();
        long id = store.enqueue("q", Map.of("n", 1));
        exhaust(original, queue, original.register("rust-consumer", queue));

        assertThat(original.dlq()).containsExactly(id);

        assertThat(store.deadLetters().list("q", 10)).extracting(Message::id).containsExactly(id);
        QueueMetrics metrics = store.queues().metrics("q");
        assertThat(metrics.deadLettered()).isEqualTo(1);
        assertThat(metrics.archived()).as("a dead letter is not an ordinary archived message").isZero();
    }

    @InteropTest(releases = OriginalRelease.V0_15_3)
    void archiveRetentionKeepsTheOriginalsDeadLetters(OriginalDatabase db) throws Exception {
        Store store = db.javaStore(b -> b.maxReadCount(OriginalEdition.MAX_READ_CT));
        OriginalEdition original = db.edition();
        store.queues().create("q");
        long queue = original.queueId("q").orElseThrow();
        long dead = store.enqueue("q", Map.of("n", "dead"));
        exhaust(original, queue, original.register("rust-consumer", queue));
        original.dlq();
        Interop.sql(db, "UPDATE pgqrs_messages SET archived_at = " + db.backend().ago(Duration.ofDays(2)) + " WHERE id = " + dead);

        store.admin().deleteArchivedOlderThan(Duration.ofDays(1));

        assertThat(original.messageRow(dead)).as("the dead letter is kept for replay").isNotNull();
    }

    @InteropTest(releases = OriginalRelease.V0_15_3)
    void theOriginalsReplayOfAJavaDeadLetterMakesItAPlainMessageAgain(OriginalDatabase db) {
        Store store = db.javaStore(b -> b.maxReadCount(OriginalEdition.MAX_READ_CT));
        store.queues().create("q");
        long id = store.enqueue("q", Map.of("n", 1));
        try (Consumer consumer = store.consumer("q")) {
            List<Message> held = consumer.dequeue(1);
            assertThat(held).hasSize(1);
            assertThat(consumer.deadLetter(held.get(0), "bad order")).isTrue();
        }
        assertThat(store.deadLetters().list("q", 10)).hasSize(1);

        assertThat(db.edition().replayDlq(id)).isTrue();

        assertThat(store.deadLetters().list("q", 10)).as("no longer a dead letter").isEmpty();
        QueueMetrics metrics = store.queues().metrics("q");
        assertThat(metrics.deadLettered()).isZero();
        assertThat(metrics.pending()).isEqualTo(1);
        try (Consumer consumer = store.consumer("q")) {
            List<Message> again = consumer.dequeue(1);
            assertThat(again).extracting(Message::id).containsExactly(id);
            assertThat(again.get(0).deadLetteredAt()).isNull();
            consumer.archive(again.get(0));
        }
    }

    /** A replay in either edition makes the message new: read_ct 0 and enqueued now (so it queues at the back). */
    @InteropTest(releases = OriginalRelease.V0_15_3)
    void aJavaReplayMakesTheMessageNewAsTheOriginalsDoes(OriginalDatabase db) throws Exception {
        Store store = db.javaStore(b -> b.maxReadCount(OriginalEdition.MAX_READ_CT));
        store.queues().create("q");
        long id = store.enqueue("q", Map.of("n", 1));
        Interop.sql(db, "UPDATE pgqrs_messages SET enqueued_at = " + db.backend().ago(Duration.ofHours(1)) + " WHERE id = " + id);
        try (Consumer consumer = store.consumer("q")) {
            List<Message> held = consumer.dequeue(1);
            assertThat(held).hasSize(1);
            consumer.deadLetter(held.get(0), "bad order");
        }
        Instant beforeReplay = Instant.now().minusSeconds(60);

        assertThat(store.deadLetters().replay("q", id)).isTrue();

        try (Consumer consumer = store.consumer("q")) {
            Message again = consumer.dequeue(1).get(0);
            assertThat(again.readCount()).isEqualTo(1);
            assertThat(again.enqueuedAt()).isAfter(beforeReplay);
            consumer.archive(again);
        }
    }
}
