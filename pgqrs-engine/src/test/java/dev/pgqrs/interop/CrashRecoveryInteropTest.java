package dev.pgqrs.interop;

import dev.pgqrs.Consumer;
import dev.pgqrs.Message;
import dev.pgqrs.Store;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A consumer of either edition dies holding a lease: the message is delivered again, once, to the
 * other edition, after the recovery that edition's rules provide; and no live worker of either
 * edition is declared dead on the way.
 */
class CrashRecoveryInteropTest {

    @InteropTest
    void anOriginalConsumerThatDiedIsReclaimedByTheOriginalAndJavaDeliversItsMessageOnce(OriginalDatabase db) throws Exception {
        Store store = db.javaStore();
        OriginalEdition original = db.edition();
        store.queues().create("q");
        long queue = original.queueId("q").orElseThrow();
        long id = store.enqueue("q", Map.of("n", 1));
        long dead = original.register("rust-consumer-that-dies", queue);
        assertThat(original.dequeue(queue, dead, 1)).hasSize(1);
        Interop.sql(db, "UPDATE pgqrs_workers SET heartbeat_at = " + db.backend().ago(Duration.ofMinutes(1)) + " WHERE id = " + dead);

        assertThat(original.reclaim(queue, Duration.ofSeconds(5))).isEqualTo(1);

        assertThat(original.status(dead)).isEqualTo("stopped");
        try (Consumer consumer = store.consumer("q")) {
            List<Message> again = consumer.dequeue(10);
            assertThat(again).extracting(Message::id).containsExactly(id);
            assertThat(again.get(0).readCount()).isEqualTo(2);
            assertThat(consumer.archive(again.get(0))).isTrue();
            assertThat(consumer.dequeue(10)).isEmpty();
        }
    }

    @InteropTest
    void aJavaConsumerThatDiedIsReapedByJavaAndTheOriginalDeliversItsMessageOnce(OriginalDatabase db) throws Exception {
        Store store = db.javaStore(b -> b.staleWorkerTimeout(Duration.ofSeconds(30)));
        OriginalEdition original = db.edition();
        store.queues().create("q");
        long queue = original.queueId("q").orElseThrow();
        long id = store.enqueue("q", Map.of("n", 1));
        // What a Java process that died leaves: its consumer row alive, its heartbeat old, its lease run out.
        Store dying = db.backend().openUninstalled(b -> b.maintenance(false)
                .heartbeatInterval(Duration.ofHours(1)).staleWorkerTimeout(Duration.ofHours(3)));
        Consumer consumer = dying.consumer("q");
        assertThat(consumer.dequeue(1)).hasSize(1);
        long deadWorker = consumer.workerId();
        Interop.sql(db, "UPDATE pgqrs_workers SET heartbeat_at = " + db.backend().ago(Duration.ofMinutes(2)) + " WHERE id = " + deadWorker);
        Interop.sql(db, "UPDATE pgqrs_messages SET vt = " + db.backend().ago(Duration.ofMinutes(1)) + " WHERE id = " + id);
        long rustConsumer = original.register("rust-consumer", queue);
        assertThat(original.dequeue(queue, rustConsumer, 10)).as("the original never takes a held message").isEmpty();

        assertThat(store.admin().reapStaleWorkers().messages()).isEqualTo(1);

        var again = original.dequeue(queue, rustConsumer, 10);
        assertThat(again).extracting(OriginalEdition.Msg::id).containsExactly(id);
        assertThat(original.archive(id, rustConsumer)).isTrue();
        assertThat(original.dequeue(queue, rustConsumer, 10)).isEmpty();
    }

    /**
     * pgqrs (Rust) beats only while its consumer waits on an empty queue: a consumer busy with a long
     * handler has an old heartbeat and is alive. The Java reaper must not stop it or take its lease.
     */
    @InteropTest(releases = {OriginalRelease.V0_15_0, OriginalRelease.V0_15_3})
    void theJavaReaperLeavesABusyOriginalConsumerAndItsLeaseAlone(OriginalDatabase db) throws Exception {
        Store store = db.javaStore(b -> b.staleWorkerTimeout(Duration.ofSeconds(30)));
        OriginalEdition original = db.edition();
        store.queues().create("q");
        long queue = original.queueId("q").orElseThrow();
        long id = store.enqueue("q", Map.of("n", 1));
        long busy = original.register("rust-consumer-busy", queue);
        assertThat(original.dequeue(queue, busy, 1, 600)).hasSize(1);
        Interop.sql(db, "UPDATE pgqrs_workers SET heartbeat_at = " + db.backend().ago(Duration.ofMinutes(2)) + " WHERE id = " + busy);

        store.admin().reapStaleWorkers();

        assertThat(original.status(busy)).isNotEqualTo("stopped");
        assertThat(original.archive(id, busy)).as("its archive still lands: the message is processed once").isTrue();
    }

    /** Producers and admins of pgqrs (Rust) never heartbeat; they are alive all the same. */
    @InteropTest(releases = {OriginalRelease.V0_15_0, OriginalRelease.V0_15_3})
    void theJavaReaperLeavesOriginalProducersAlone(OriginalDatabase db) throws Exception {
        Store store = db.javaStore(b -> b.staleWorkerTimeout(Duration.ofSeconds(30)));
        OriginalEdition original = db.edition();
        long queue = original.createQueue("q");
        long producer = original.register("rust-producer", queue);
        Interop.sql(db, "UPDATE pgqrs_workers SET heartbeat_at = " + db.backend().ago(Duration.ofHours(1)) + " WHERE id = " + producer);

        store.admin().reapStaleWorkers();

        assertThat(original.status(producer)).isEqualTo("ready");
        original.enqueue(queue, producer, "{\"n\":1}");
    }

    /** The original's reclaim, with its default threshold of 5 s, never catches a live Java consumer. */
    @InteropTest(releases = OriginalRelease.V0_15_3)
    void theOriginalsReclaimLeavesALiveJavaConsumerAlone(OriginalDatabase db) throws Exception {
        Store store = db.javaStore(b -> b.heartbeatInterval(Duration.ofMillis(500)));
        OriginalEdition original = db.edition();
        store.queues().create("q");
        long queue = original.queueId("q").orElseThrow();
        long id = store.enqueue("q", Map.of("n", 1));
        try (Consumer consumer = store.consumer("q")) {
            List<Message> held = consumer.dequeue(1);
            assertThat(held).hasSize(1);
            long worker = consumer.workerId();
            // Make it look older than 5 s; a live Java consumer beats again within its interval.
            Interop.sql(db, "UPDATE pgqrs_workers SET heartbeat_at = " + db.backend().ago(Duration.ofSeconds(20)) + " WHERE id = " + worker);
            await().atMost(Interop.AWAIT).until(() -> Interop.one(db, "SELECT count(*) FROM pgqrs_workers WHERE id = " + worker
                    + " AND heartbeat_at > " + db.backend().ago(Duration.ofSeconds(3))).equals("1"));

            assertThat(original.reclaim(queue, Duration.ofSeconds(5))).isZero();

            assertThat(original.status(worker)).isNotEqualTo("stopped");
            assertThat(consumer.archive(held.get(0))).isTrue();
        }
    }
}
