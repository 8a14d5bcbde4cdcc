package dev.pgqrs.fault;

import dev.pgqrs.Store;
import dev.pgqrs.testing.BackendKind;
import dev.pgqrs.testing.ChildJvm;
import dev.pgqrs.testing.LogCapture;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;

import static dev.pgqrs.fault.CamelRouteChild.QUEUE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Process crash, Camel routes: two child JVMs run the route {@code from("pgqrs:fault-camel")} → a JDBC side
 * effect while this JVM enqueues; again and again one of them is killed with {@code kill -9} — in the
 * middle of an exchange, between its side effect and the acknowledgement of its poll, or at a random
 * moment — and replaced. On PostgreSQL, and with both processes on one SQLite file.
 *
 * <p>Afterwards nothing is lost (every confirmed enqueue archived, none dead-lettered, none left leased);
 * every message was archived once, with its side effect at least once and never more often than it was
 * delivered (the route's delivery is at-least-once: an exchange whose acknowledgement died with its
 * process runs again).
 */
@ExtendWith(FaultSuite.class)
class CamelRouteCrashTest {

    @ParameterizedTest(name = "[{0}]")
    @MethodSource("dev.pgqrs.fault.FaultBackend#kinds")
    void routesKilledAtRandomPointsLoseNothingAndArchiveEachMessageOnce(BackendKind kind) throws Exception {
        FaultForm form = FaultForm.current();
        int iterations = form.pick(3, 100);
        try (FaultBackend db = FaultBackend.create(kind)) {
            Store store = db.openInstalled(b -> b);
            store.queues().create(QUEUE);
            ProducerLoop producer = new ProducerLoop(store, QUEUE, "test", 5, Duration.ofMillis(50), LogCapture.global()::exception);
            try (CrashIterations crashes = new CrashIterations(2, CamelRouteChild.POINTS, n -> child(db, n))) {
                producer.start();
                for (int i = 0; i < iterations; i++) {
                    crashes.iterate();
                }
                long lastKill = System.nanoTime();
                producer.stop();
                await("every message archived").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(100))
                        .until(() -> store.queues().metrics(QUEUE).archived() == producer.confirmed());
                long recoveryMillis = (System.nanoTime() - lastKill) / 1_000_000;
                crashes.stopAll();

                QueueLedger ledger = QueueLedger.read(db, QUEUE);
                FaultFigures.of("crash/camel[" + db.label() + "]")
                        .iterations(iterations)
                        .messages(ledger.size())
                        .lost(ledger.lost(producer.confirmedIds()).size())
                        .duplicated(ledger.duplicatedEffects())
                        .redelivered(ledger.redelivered())
                        .recoveryMillis(recoveryMillis)
                        .put("kills", crashes.kills())
                        .put("child_errors", crashes.errorsSeen().size())
                        .put("seed", crashes.seed())
                        .print();

                assertThat(crashes.errorsSeen()).as("errors the children met").isEmpty();
                assertThat(ledger.size()).as("messages").isEqualTo(producer.confirmed());
                assertThat(ledger.lost(producer.confirmedIds())).as("confirmed and not archived").isEmpty();
                assertThat(ledger.deadLettered()).as("dead-lettered").isZero();
                assertThat(ledger.unarchived()).as("left leased or pending").isZero();
                assertThat(ledger.archivedWithoutEffect()).as("archived without their side effect").isZero();
                assertThat(ledger.effectsBeyondDeliveries()).as("more side effects than deliveries").isEmpty();
                assertThat(store.queues().metrics(QUEUE).leased()).isZero();
            } finally {
                producer.close();
            }
        }
    }

    private static ChildJvm child(FaultBackend db, int n) {
        ChildJvm child = ChildJvm.start("camel-" + db.label() + "-" + n, CamelRouteChild.class, db.environment());
        child.awaitLineStartingWith("READY", CrashIterations.AWAIT);
        return child;
    }
}
