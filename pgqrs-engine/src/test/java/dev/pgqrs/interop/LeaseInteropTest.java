package dev.pgqrs.interop;

import dev.pgqrs.Consumer;
import dev.pgqrs.Message;
import dev.pgqrs.ShutdownMode;
import dev.pgqrs.Store;
import dev.pgqrs.WorkerBusyException;
import dev.pgqrs.internal.StoreInternals;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Who owns a leased message, and what settling it does, agree between the editions
 * (pgqrs-interop.md §2): a lease is the consumer's until it releases it or a reclaim gives it up,
 * even after its vt has passed; extend adds to the old vt; release never dead-letters; delete takes
 * any owned row; a consumer holding any unarchived message does not shut down.
 */
class LeaseInteropTest {

    @InteropTest(releases = {OriginalRelease.V0_15_0, OriginalRelease.V0_15_3})
    void javaNeverTakesAMessageTheOriginalStillHoldsAfterItsVtPassed(OriginalDatabase db) throws Exception {
        Store store = db.javaStore();
        OriginalEdition original = db.edition();
        store.queues().create("busy");
        long queue = original.queueId("busy").orElseThrow();
        long id = original.enqueue(queue, original.register("rust-producer", queue), "{\"n\":1}");
        long rustConsumer = original.register("rust-consumer", queue);
        assertThat(original.dequeue(queue, rustConsumer, 1)).hasSize(1);
        // The Rust handler takes longer than its lease; it neither extends nor heartbeats meanwhile.
        Interop.sql(db, "UPDATE pgqrs_messages SET vt = " + db.backend().ago(Duration.ofMinutes(1)) + " WHERE id = " + id);

        try (Consumer consumer = store.consumer("busy")) {
            assertThat(consumer.dequeue(10)).as("Java takes no message another consumer holds").isEmpty();
        }
        assertThat(original.archive(id, rustConsumer)).as("the owner's late archive lands").isTrue();
    }

    @InteropTest(releases = OriginalRelease.V0_15_3)
    void extendAddsToTheCurrentVtAsTheOriginalsDoes(OriginalDatabase db) throws Exception {
        Store store = db.javaStore();
        store.queues().create("q");
        long id = store.enqueue("q", Map.of("n", 1));
        try (Consumer consumer = store.consumer("q")) {
            Message m = consumer.dequeue(1, Duration.ofMinutes(10)).get(0);
            Instant vt = m.visibleAt();

            assertThat(consumer.extend(m, Duration.ofMinutes(5))).isTrue();

            Instant extended = visibleAt(store, id);
            assertThat(Duration.between(vt, extended)).isBetween(Duration.ofMinutes(5).minusSeconds(1), Duration.ofMinutes(5).plusSeconds(1));
            consumer.archive(m);
        }
    }

    @InteropTest(releases = OriginalRelease.V0_15_3)
    void releaseMakesTheMessageVisibleNowAndNeverDeadLettersIt(OriginalDatabase db) throws Exception {
        Store store = db.javaStore(b -> b.maxReadCount(OriginalEdition.MAX_READ_CT));
        store.queues().create("q");
        long id = store.enqueue("q", Map.of("n", 1));
        Interop.sql(db, "UPDATE pgqrs_messages SET read_ct = 4 WHERE id = " + id);
        try (Consumer consumer = store.consumer("q")) {
            List<Message> held = consumer.dequeue(1);
            assertThat(held).hasSize(1);
            assertThat(consumer.release(held.get(0))).isTrue();
        }
        assertThat(Interop.one(db, "SELECT read_ct, consumer_worker_id IS NULL, archived_at IS NULL FROM pgqrs_messages WHERE id = " + id))
                .isIn("5 true true", "5 t t", "5 1 1");
    }

    @InteropTest(releases = OriginalRelease.V0_15_3)
    void deleteTakesAnOwnedMessageEvenWhenItIsArchived(OriginalDatabase db) {
        Store store = db.javaStore();
        store.queues().create("q");
        long id = store.enqueue("q", Map.of("n", 1));
        try (Consumer consumer = store.consumer("q")) {
            List<Message> held = consumer.dequeue(1);
            assertThat(held).hasSize(1);
            assertThat(consumer.archive(held.get(0))).isTrue();
            assertThat(consumer.delete(held.get(0))).as("the original deletes any row the consumer owns").isTrue();
        }
        assertThat(db.edition().messageRow(id)).isNull();
    }

    @InteropTest(releases = OriginalRelease.V0_15_3)
    void aConsumerHoldingAnExpiredLeaseDoesNotShutDown(OriginalDatabase db) throws Exception {
        Store store = db.javaStore();
        store.queues().create("q");
        long id = store.enqueue("q", Map.of("n", 1));
        Consumer consumer = store.consumer("q");
        assertThat(consumer.dequeue(1)).hasSize(1);
        Interop.sql(db, "UPDATE pgqrs_messages SET vt = " + db.backend().ago(Duration.ofMinutes(1)) + " WHERE id = " + id);

        assertThatThrownBy(consumer::close).isInstanceOf(WorkerBusyException.class);
        consumer.close(ShutdownMode.RELEASE_HELD);
    }

    private static Instant visibleAt(Store store, long id) {
        return StoreInternals.of(store).database().read("vt", c -> {
            try (var ps = c.prepareStatement("SELECT vt FROM pgqrs_messages WHERE id = ?")) {
                ps.setLong(1, id);
                try (var rs = ps.executeQuery()) {
                    rs.next();
                    return StoreInternals.of(store).database().dialect().readInstant(rs, 1);
                }
            }
        });
    }
}
