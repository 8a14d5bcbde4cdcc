package dev.pgqrs.fault;

import dev.pgqrs.Store;
import dev.pgqrs.testing.BackendKind;
import dev.pgqrs.testing.ChildJvm;
import dev.pgqrs.testing.LogCapture;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.pgqrs.fault.PiggybackCrashChild.ALO_QUEUE;
import static dev.pgqrs.fault.PiggybackCrashChild.TX_QUEUE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Process crash, queue workers with piggybacked acknowledgements: two child JVMs run workers whose batches are
 * archived by the statement that fetches the next batch, on an exactly-once queue (effect and acknowledgement in
 * one transaction, {@code Delivery.ackWith}) and an at-least-once one (effect, then the acknowledgement waits for
 * the next fetch), while this JVM enqueues; they are killed with {@code kill -9} at each hang point — after a
 * whole batch was handled and before the fetch that would have acknowledged it, in the middle of a batch, right
 * after an exactly-once batch — and at a random moment, and replaced. On PostgreSQL, and on one SQLite file.
 *
 * <p>Afterwards nothing is lost (every confirmed enqueue archived, none dead-lettered, none left leased); the
 * at-least-once batch whose acknowledgement was waiting for the next fetch when its process died was delivered
 * again (each of its messages handled twice, as at-least-once allows); the exactly-once effects exist exactly
 * once, those of the batch handled just before a kill included.
 */
@ExtendWith(FaultSuite.class)
class PiggybackCrashTest {

    @ParameterizedTest(name = "[{0}]")
    @MethodSource("dev.pgqrs.fault.FaultBackend#kinds")
    void aBatchWaitingForTheNextFetchToBeAcknowledgedIsDeliveredAgainAfterAKillAndNothingIsLost(BackendKind kind)
            throws Exception {
        FaultForm form = FaultForm.current();
        int rounds = form.pick(1, 10);
        try (FaultBackend db = FaultBackend.create(kind)) {
            Store store = db.openInstalled(b -> b);
            store.queues().create(TX_QUEUE);
            store.queues().create(ALO_QUEUE);
            // 50 messages/s per queue: on a loaded machine a child JVM takes many seconds to start, and the backlog
            // that grows meanwhile must drain within the wait below.
            ProducerLoop tx = new ProducerLoop(store, TX_QUEUE, "test", 5, Duration.ofMillis(100), LogCapture.global()::exception);
            ProducerLoop alo = new ProducerLoop(store, ALO_QUEUE, "test", 5, Duration.ofMillis(100), LogCapture.global()::exception);
            try (CrashIterations crashes = new CrashIterations(2, PiggybackCrashChild.POINTS, n -> child(db, n))) {
                tx.start();
                alo.start();
                for (int round = 0; round < rounds; round++) {
                    for (String point : PiggybackCrashChild.POINTS) {
                        crashes.iterate(point);
                    }
                    crashes.iterate("anytime");
                }
                long lastKill = System.nanoTime();
                tx.stop();
                alo.stop();
                // The killed children's leases run out (2 s) and the survivors take their messages over.
                await("every message archived").atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(100))
                        .until(() -> store.queues().metrics(TX_QUEUE).archived() == tx.confirmed()
                                && store.queues().metrics(ALO_QUEUE).archived() == alo.confirmed());
                long recoveryMillis = (System.nanoTime() - lastKill) / 1_000_000;
                crashes.stopAll();

                QueueLedger exactlyOnce = QueueLedger.read(db, TX_QUEUE);
                QueueLedger atLeastOnce = QueueLedger.read(db, ALO_QUEUE);
                Map<String, List<Long>> held = heldAtKills(crashes.all());
                FaultFigures.of("crash/piggyback[" + db.label() + "]")
                        .iterations(crashes.kills().values().stream().mapToInt(Integer::intValue).sum())
                        .messages(exactlyOnce.size() + atLeastOnce.size())
                        .lost(exactlyOnce.lost(tx.confirmedIds()).size() + atLeastOnce.lost(alo.confirmedIds()).size())
                        .duplicated(exactlyOnce.duplicatedEffects() + atLeastOnce.duplicatedEffects())
                        .redelivered(exactlyOnce.redelivered() + atLeastOnce.redelivered())
                        .recoveryMillis(recoveryMillis)
                        .put("duplicated_exactly_once", exactlyOnce.duplicatedEffects())
                        .put("unacknowledged_batch_messages", held.getOrDefault("alo-batch-handled", List.of()).size())
                        .put("kills", crashes.kills())
                        .put("seed", crashes.seed())
                        .print();

                assertThat(crashes.errorsSeen()).as("errors the children's workers met").isEmpty();
                for (QueueLedger ledger : new QueueLedger[] {exactlyOnce, atLeastOnce}) {
                    ProducerLoop producer = ledger == exactlyOnce ? tx : alo;
                    assertThat(ledger.size()).as("%s: messages", ledger.queue()).isEqualTo(producer.confirmed());
                    assertThat(ledger.lost(producer.confirmedIds())).as("%s: confirmed and not archived", ledger.queue()).isEmpty();
                    assertThat(ledger.deadLettered()).as("%s: dead-lettered", ledger.queue()).isZero();
                    assertThat(ledger.unarchived()).as("%s: left leased or pending", ledger.queue()).isZero();
                    assertThat(ledger.archivedWithoutEffect()).as("%s: archived without its side effect", ledger.queue()).isZero();
                    assertThat(ledger.effectsBeyondDeliveries()).as("%s: more effects than deliveries", ledger.queue()).isEmpty();
                }
                assertThat(exactlyOnce.duplicatedEffects()).as("transactional effects beyond the first").isZero();

                // The batch handled before the kill, whose acknowledgement was waiting for the next fetch: delivered again.
                List<Long> unacknowledged = held.get("alo-batch-handled");
                assertThat(unacknowledged).as("the at-least-once batch held at the kill").isNotEmpty();
                Map<Long, QueueLedger.Row> alos = byId(atLeastOnce);
                for (long id : unacknowledged) {
                    QueueLedger.Row row = alos.get(id);
                    assertThat(row.readCount()).as("deliveries of message %d, handled but not acknowledged at the kill", id)
                            .isGreaterThanOrEqualTo(2);
                    assertThat(row.effects()).as("effects of message %d (handled again after the kill)", id)
                            .isGreaterThanOrEqualTo(2);
                }
                // The exactly-once batch handled just before a kill: acknowledged with its effects, never repeated.
                List<Long> settled = held.get("tx-batch-handled");
                assertThat(settled).as("the exactly-once batch held at the kill").isNotEmpty();
                Map<Long, QueueLedger.Row> txs = byId(exactlyOnce);
                for (long id : settled) {
                    assertThat(txs.get(id).effects()).as("effects of message %d", id).isEqualTo(1);
                }
                assertThat(store.queues().metrics(TX_QUEUE).leased() + store.queues().metrics(ALO_QUEUE).leased()).isZero();
            } finally {
                tx.close();
                alo.close();
            }
        }
    }

    /** The ids each kill point's child printed as it stopped there ({@code HOLDING <point> <ids>}). */
    private static Map<String, List<Long>> heldAtKills(List<ChildJvm> children) {
        Map<String, List<Long>> held = new HashMap<>();
        for (ChildJvm c : children) {
            for (String line : c.lines()) {
                if (line.startsWith("HOLDING ")) {
                    String[] words = line.split(" ");
                    List<Long> ids = held.computeIfAbsent(words[1], k -> new ArrayList<>());
                    for (String id : words[2].split(",")) {
                        ids.add(Long.parseLong(id));
                    }
                }
            }
        }
        return held;
    }

    private static Map<Long, QueueLedger.Row> byId(QueueLedger ledger) {
        Map<Long, QueueLedger.Row> rows = new HashMap<>();
        for (QueueLedger.Row r : ledger.rows()) {
            rows.put(r.id(), r);
        }
        return rows;
    }

    private static ChildJvm child(FaultBackend db, int n) {
        ChildJvm child = ChildJvm.start("piggyback-" + db.label() + "-" + n, PiggybackCrashChild.class, db.environment());
        child.awaitLineStartingWith("READY", CrashIterations.AWAIT);
        return child;
    }
}
