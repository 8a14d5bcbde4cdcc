package dev.pgqrs;

import dev.pgqrs.testing.ConformanceTest;
import dev.pgqrs.testing.TestBackend;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Worker rows: lifecycle, heartbeats, the reaper — on every backend. */
class WorkerConformanceTest {

    @ConformanceTest
    void consumersAndProducersAreNamedWorkerRows(TestBackend backend) {
        Store store = backend.open();
        QueueInfo q = store.queues().create("orders");
        Consumer consumer = store.consumer("orders", ConsumerOptions.defaults().workerName("billing-1"));
        Producer producer = store.producer("orders");

        List<WorkerInfo> workers = store.workers().list("orders");
        assertThat(workers).hasSize(2);
        assertThat(workers).extracting(WorkerInfo::queueId).containsOnly(q.id());
        assertThat(workers).extracting(WorkerInfo::status).containsOnly(WorkerStatus.READY);
        assertThat(workers).extracting(WorkerInfo::name).contains("billing-1")
                .anySatisfy(n -> assertThat(n).startsWith("producer-orders-"));
        assertThat(consumer.workerName()).isEqualTo("billing-1");
        assertThat(producer.workerId()).isNotNull();
    }

    @ConformanceTest
    void illegalTransitionsNameBothStatuses(TestBackend backend) {
        Store store = backend.open();
        store.queues().create("orders");
        Consumer consumer = store.consumer("orders");

        consumer.suspend();
        consumer.suspend(); // same status: no-op
        consumer.resume();
        consumer.interrupt();
        assertThatThrownBy(consumer::suspend).isInstanceOf(IllegalWorkerTransitionException.class)
                .hasMessage("worker '" + consumer.workerName() + "' cannot go from interrupted to suspended")
                .satisfies(e -> {
                    IllegalWorkerTransitionException t = (IllegalWorkerTransitionException) e;
                    assertThat(t.from()).isEqualTo(WorkerStatus.INTERRUPTED);
                    assertThat(t.to()).isEqualTo(WorkerStatus.SUSPENDED);
                });
        consumer.close();
        assertThatThrownBy(consumer::resume).isInstanceOf(IllegalWorkerTransitionException.class)
                .hasMessageContaining("cannot go from stopped to ready");
    }

    @ConformanceTest
    void heartbeatsKeepWorkersFreshWhileIdle(TestBackend backend) {
        Store store = backend.open(c -> c.heartbeatInterval(Duration.ofMillis(100)).staleWorkerTimeout(Duration.ofSeconds(5)));
        store.queues().create("orders");
        Consumer consumer = store.consumer("orders");
        WorkerInfo before = store.workers().get(consumer.workerId()).orElseThrow();

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(store.workers().get(consumer.workerId()).orElseThrow().heartbeatAt())
                        .isAfter(before.heartbeatAt()));
        assertThat(store.admin().systemStats().staleWorkers()).isZero();
    }

    @ConformanceTest
    void theReaperStopsStaleWorkersAndReleasesTheirLeasesKeepingTheReadCount(TestBackend backend) throws Exception {
        // The "dead" process: its heartbeat is too slow to ever beat within the test.
        Store dead = backend.open(c -> c.heartbeatInterval(Duration.ofHours(1)).staleWorkerTimeout(Duration.ofHours(3))
                .maintenance(false));
        dead.queues().create("orders");
        dead.enqueueBatch("orders", List.of(Map.of("n", 1), Map.of("n", 2)));
        Consumer zombie = dead.consumer("orders");
        List<Message> zombieHeld = zombie.dequeue(2, Duration.ofHours(1));
        makeHeartbeatOld(backend, zombie.workerId(), Duration.ofMinutes(10));

        Store survivor = backend.open(c -> c.staleWorkerTimeout(Duration.ofMinutes(1)).maintenance(false));
        assertThat(survivor.admin().systemStats().staleWorkers()).isEqualTo(1);
        ReapResult reaped = survivor.admin().reapStaleWorkers();

        assertThat(reaped).isEqualTo(new ReapResult(1, 2));
        assertThat(survivor.workers().get(zombie.workerId())).get()
                .satisfies(w -> assertThat(w.status()).isEqualTo(WorkerStatus.STOPPED));
        try (Consumer rescuer = survivor.consumer("orders")) {
            List<Message> rescued = rescuer.dequeue(10);
            assertThat(rescued).hasSize(2).allSatisfy(m -> assertThat(m.readCount()).isEqualTo(2));
            rescuer.archive(rescued);
        }
        assertThat(zombie.archive(zombieHeld)).as("the zombie holds nothing any more").isEmpty();
        assertThat(survivor.admin().reapStaleWorkers()).isEqualTo(ReapResult.NONE);
    }

    @ConformanceTest
    void aReapedConsumerFindsOutAtItsNextHeartbeatAndGoesOnUnderANewWorkerHoldingNothingOld(TestBackend backend)
            throws Exception {
        Store store = backend.open(c -> c.heartbeatInterval(Duration.ofMillis(100)).staleWorkerTimeout(Duration.ofSeconds(30))
                .maintenance(false));
        store.queues().create("orders");
        store.enqueue("orders", Map.of("n", 1));
        Consumer consumer = store.consumer("orders");
        Message held = consumer.dequeue(1).get(0);
        long firstWorker = consumer.workerId();
        // Declared dead behind its back, as a reaper elsewhere would: stopped, its delivery released.
        backend.execute("UPDATE pgqrs_workers SET status = 'stopped' WHERE id = " + firstWorker);
        backend.execute("UPDATE pgqrs_messages SET consumer_worker_id = NULL, vt = " + backend.ago(Duration.ofSeconds(1))
                + " WHERE id = " + held.id());

        // At its next heartbeat it notices (a dequeue before that still leases under the old row),
        await().atMost(Duration.ofSeconds(30)).until(() -> consumer.status() == WorkerStatus.STOPPED);
        // and its next dequeue takes a new row and goes on.
        assertThat(consumer.dequeue(1)).hasSize(1);
        assertThat(consumer.workerId()).isNotEqualTo(firstWorker);
        assertThat(consumer.archive(held)).as("the delivery it held before it was declared dead").isFalse();
        assertThat(store.workers().get(consumer.workerId())).get()
                .satisfies(w -> assertThat(w.status()).isEqualTo(WorkerStatus.POLLING));
        consumer.close(ShutdownMode.RELEASE_HELD);
    }

    @ConformanceTest
    void aWorkerClosedByItsOwnerAfterBeingDeclaredDeadStaysClosed(TestBackend backend) {
        Store store = backend.open(c -> c.heartbeatInterval(Duration.ofMillis(100)).maintenance(false));
        store.queues().create("orders");
        Consumer consumer = store.consumer("orders");
        long firstWorker = consumer.workerId();
        backend.execute("UPDATE pgqrs_workers SET status = 'stopped' WHERE id = " + firstWorker);
        await().atMost(Duration.ofSeconds(30)).until(() -> consumer.status() == WorkerStatus.STOPPED);

        consumer.close();

        // Closing is the owner's word: being declared dead before it must not bring the worker back.
        assertThatThrownBy(() -> consumer.dequeue(1)).isInstanceOf(WorkerStoppedException.class)
                .hasMessageContaining("consumer").hasMessageContaining("was closed");
        assertThat(store.workers().list()).as("no new worker row was taken")
                .allSatisfy(w -> assertThat(w.id()).isEqualTo(firstWorker));
    }

    @ConformanceTest
    void aReapedWorkerWithAnExplicitNameTakesItsOwnRowOverInTheStatusItHad(TestBackend backend) {
        Store store = backend.open(c -> c.heartbeatInterval(Duration.ofMillis(100)).maintenance(false));
        store.queues().create("orders");
        Consumer consumer = store.consumer("orders", ConsumerOptions.defaults().workerName("billing-1"));
        long id = consumer.workerId();
        consumer.suspend();
        backend.execute("UPDATE pgqrs_workers SET status = 'stopped' WHERE id = " + id);

        // Once its heartbeat found out, the next dequeue takes its row over, suspended as it was.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThatThrownBy(() -> consumer.dequeue(1)).hasMessageContaining("is suspended");
            assertThat(store.workers().get(id)).get().satisfies(w -> assertThat(w.status()).isEqualTo(WorkerStatus.SUSPENDED));
        });
        assertThat(consumer.workerId()).as("the same row, taken over").isEqualTo(id);
        consumer.resume();
        consumer.close();
    }

    @ConformanceTest
    void aProducerDeclaredDeadGoesOnUnderANewWorker(TestBackend backend) {
        Store store = backend.open(c -> c.heartbeatInterval(Duration.ofMillis(100)).maintenance(false));
        store.queues().create("orders");
        Producer producer = store.producer("orders");
        producer.enqueue(Map.of("n", 1));
        long firstWorker = producer.workerId();
        backend.execute("UPDATE pgqrs_workers SET status = 'stopped' WHERE id = " + firstWorker);

        await().atMost(Duration.ofSeconds(30)).until(() -> {
            producer.enqueue(Map.of("n", 2));
            return producer.workerId() != firstWorker;
        });
        assertThat(store.workers().get(producer.workerId())).get()
                .satisfies(w -> assertThat(w.status()).isEqualTo(WorkerStatus.READY));
        producer.close();
        assertThatThrownBy(() -> producer.enqueue(Map.of("n", 3))).isInstanceOf(WorkerStoppedException.class)
                .hasMessageContaining("producer").hasMessageContaining("was closed");
    }

    @ConformanceTest
    void aWorkerNameHeldByALiveWorkerIsRefusedSayingSo(TestBackend backend) {
        Store store = backend.open();
        store.queues().create("orders");
        Consumer first = store.consumer("orders", ConsumerOptions.defaults().workerName("billing-1"));
        assertThatThrownBy(() -> store.consumer("orders", ConsumerOptions.defaults().workerName("billing-1")))
                .isInstanceOf(WorkerNameTakenException.class).hasMessageContaining("'billing-1'").hasMessageContaining("ready");
        first.close();
        Consumer again = store.consumer("orders", ConsumerOptions.defaults().workerName("billing-1"));
        assertThat(again.workerName()).as("free again once its worker stopped").isEqualTo("billing-1");
        again.close();
    }

    @ConformanceTest
    void theBackgroundReaperRunsWhenMaintenanceIsOn(TestBackend backend) throws Exception {
        Store dead = backend.open(c -> c.heartbeatInterval(Duration.ofHours(1)).staleWorkerTimeout(Duration.ofHours(3))
                .maintenance(false));
        dead.queues().create("orders");
        dead.enqueue("orders", Map.of("n", 1));
        Consumer zombie = dead.consumer("orders");
        zombie.dequeue(1, Duration.ofHours(1));
        makeHeartbeatOld(backend, zombie.workerId(), Duration.ofMinutes(10));

        // It reaps once it has reached the database for a whole stale timeout (2 s here) without a break.
        Store survivor = backend.open(c -> c.heartbeatInterval(Duration.ofSeconds(1)).staleWorkerTimeout(Duration.ofSeconds(2))
                .reaperInterval(Duration.ofMillis(100)));

        await().atMost(Duration.ofSeconds(30)).until(() -> survivor.queues().metrics("orders").pending() == 1);
        assertThat(survivor.workers().get(zombie.workerId()).orElseThrow().status()).isEqualTo(WorkerStatus.STOPPED);
    }

    @ConformanceTest
    void systemStatsCountQueuesAndWorkersByStatus(TestBackend backend) {
        Store store = backend.open();
        store.queues().create("a");
        store.queues().create("b");
        Consumer c1 = store.consumer("a");
        store.consumer("b").suspend();
        c1.dequeue(1);
        Producer p = store.producer("a");
        p.enqueue(Map.of("n", 1));
        p.close();

        SystemStats stats = store.admin().systemStats();
        assertThat(stats.queues()).isEqualTo(2);
        assertThat(stats.workers()).isEqualTo(3);
        assertThat(stats.activeWorkers()).isEqualTo(2);
        assertThat(stats.workersByStatus()).containsEntry(WorkerStatus.POLLING, 1L)
                .containsEntry(WorkerStatus.SUSPENDED, 1L).containsEntry(WorkerStatus.STOPPED, 1L)
                .containsEntry(WorkerStatus.READY, 0L);
    }

    @ConformanceTest
    void closingTheStoreReleasesLeasesAndStopsWorkers(TestBackend backend) {
        Store store = backend.open();
        store.queues().create("orders");
        store.enqueueBatch("orders", List.of(Map.of("n", 1), Map.of("n", 2)));
        Consumer consumer = store.consumer("orders");
        consumer.dequeue(2);

        store.close();

        Store again = backend.open();
        assertThat(again.queues().metrics("orders").pending()).isEqualTo(2);
        assertThat(again.workers().get(consumer.workerId())).get()
                .satisfies(w -> assertThat(w.status()).isEqualTo(WorkerStatus.STOPPED));
    }

    static void makeHeartbeatOld(TestBackend backend, long workerId, Duration age) throws Exception {
        try (Connection c = backend.jdbc(); Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE pgqrs_workers SET heartbeat_at = " + backend.ago(age) + " WHERE id = " + workerId);
        }
    }
}
