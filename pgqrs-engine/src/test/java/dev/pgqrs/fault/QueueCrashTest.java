package dev.pgqrs.fault;

import dev.pgqrs.Store;
import dev.pgqrs.testing.BackendKind;
import dev.pgqrs.testing.ChildJvm;
import dev.pgqrs.testing.LogCapture;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;

import static dev.pgqrs.fault.QueueCrashChild.ALO_QUEUE;
import static dev.pgqrs.fault.QueueCrashChild.TX_QUEUE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Process crash, plain consumers: two child JVMs consume two queues (exactly-once: effect and archive in
 * one transaction; at-least-once: effect, then archive) while this JVM enqueues; again and again one of
 * them is killed with {@code kill -9} — right after a dequeue, in the middle of a batch, between the
 * effects and the archive, inside the archiving transaction, or at a random moment — and replaced. On
 * PostgreSQL, and with both processes on one SQLite file.
 *
 * <p>Afterwards nothing is lost (every confirmed enqueue archived, none dead-lettered, none left leased),
 * every message was archived once, the transactional effects exist exactly once, and the at-least-once
 * effects at least once and never more often than the message was delivered.
 */
@ExtendWith(FaultSuite.class)
class QueueCrashTest {

    @ParameterizedTest(name = "[{0}]")
    @MethodSource("dev.pgqrs.fault.FaultBackend#kinds")
    void consumersKilledAtRandomPointsLoseNothingAndArchiveEachMessageOnce(BackendKind kind) throws Exception {
        FaultForm form = FaultForm.current();
        int iterations = form.pick(4, 100);
        try (FaultBackend db = FaultBackend.create(kind)) {
            Store store = db.openInstalled(b -> b);
            store.queues().create(TX_QUEUE);
            store.queues().create(ALO_QUEUE);
            ProducerLoop tx = new ProducerLoop(store, TX_QUEUE, "test", 5, Duration.ofMillis(50), LogCapture.global()::exception);
            ProducerLoop alo = new ProducerLoop(store, ALO_QUEUE, "test", 5, Duration.ofMillis(50), LogCapture.global()::exception);
            long recoveryMillis;
            try (CrashIterations crashes = new CrashIterations(2, QueueCrashChild.POINTS, n -> child(db, n))) {
                tx.start();
                alo.start();
                for (int i = 0; i < iterations; i++) {
                    crashes.iterate();
                }
                long lastKill = System.nanoTime();
                tx.stop();
                alo.stop();
                // The killed children's leases run out (2 s) and the survivors take their messages over.
                await("every message archived").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(100))
                        .until(() -> store.queues().metrics(TX_QUEUE).archived() == tx.confirmed()
                                && store.queues().metrics(ALO_QUEUE).archived() == alo.confirmed());
                recoveryMillis = (System.nanoTime() - lastKill) / 1_000_000;
                crashes.stopAll();

                QueueLedger exactlyOnce = QueueLedger.read(db, TX_QUEUE);
                QueueLedger atLeastOnce = QueueLedger.read(db, ALO_QUEUE);
                FaultFigures.of("crash/queue[" + db.label() + "]")
                        .iterations(iterations)
                        .messages(exactlyOnce.size() + atLeastOnce.size())
                        .lost(exactlyOnce.lost(tx.confirmedIds()).size() + atLeastOnce.lost(alo.confirmedIds()).size())
                        .duplicated(exactlyOnce.duplicatedEffects() + atLeastOnce.duplicatedEffects())
                        .redelivered(exactlyOnce.redelivered() + atLeastOnce.redelivered())
                        .recoveryMillis(recoveryMillis)
                        .put("duplicated_exactly_once", exactlyOnce.duplicatedEffects())
                        .put("duplicated_at_least_once", atLeastOnce.duplicatedEffects())
                        .put("kills", crashes.kills())
                        .put("child_errors", crashes.errorsSeen().size())
                        .put("seed", crashes.seed())
                        .print();

                assertThat(crashes.errorsSeen()).as("errors the children's consumers met").isEmpty();
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
                assertThat(store.queues().metrics(TX_QUEUE).leased() + store.queues().metrics(ALO_QUEUE).leased()).isZero();
            } finally {
                tx.close();
                alo.close();
            }
        }
    }

    private static ChildJvm child(FaultBackend db, int n) {
        ChildJvm child = ChildJvm.start("queue-" + db.label() + "-" + n, QueueCrashChild.class, db.environment());
        child.awaitLineStartingWith("READY", CrashIterations.AWAIT);
        return child;
    }
}
