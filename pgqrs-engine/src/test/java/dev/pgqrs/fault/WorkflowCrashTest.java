package dev.pgqrs.fault;

import dev.pgqrs.Store;
import dev.pgqrs.testing.BackendKind;
import dev.pgqrs.testing.ChildJvm;
import dev.pgqrs.testing.LogCapture;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Process crash, workflow workers: two child JVMs execute runs of {@link FaultFlow} (three steps, the
 * second transactional) while this JVM triggers them; again and again one is killed with {@code kill -9}
 * — inside a step after its effect, between steps, inside the transactional step, inside the last step,
 * after the last step completed and before the run's completion and ack, or at a random moment — and
 * replaced. On PostgreSQL, and with both processes on one SQLite file.
 *
 * <p>Afterwards every confirmed trigger's run finished (SUCCESS, output "ABC", message archived): none
 * stuck; the transactional step's write exists exactly once per run; the plain steps' effects at least
 * once and never more often than the run was delivered.
 */
@ExtendWith(FaultSuite.class)
class WorkflowCrashTest {

    @ParameterizedTest(name = "[{0}]")
    @MethodSource("dev.pgqrs.fault.FaultBackend#kinds")
    void workflowWorkersKilledAtRandomPointsFinishEveryRunWithTransactionalStepsExactlyOnce(BackendKind kind) throws Exception {
        FaultForm form = FaultForm.current();
        int iterations = form.pick(4, 100);
        try (FaultBackend db = FaultBackend.create(kind)) {
            Store store = db.openInstalled(b -> b);
            store.workflows().register(FaultFlow.define(store, "test", FaultFlow.Hang.NEVER));
            TriggerLoop triggers = new TriggerLoop(store, Duration.ofMillis(40), LogCapture.global()::exception);
            try (CrashIterations crashes = new CrashIterations(2, FaultFlow.POINTS, n -> child(db, n))) {
                triggers.start();
                for (int i = 0; i < iterations; i++) {
                    crashes.iterate();
                }
                long lastKill = System.nanoTime();
                triggers.stop();
                List<Long> confirmed = triggers.runIds();
                // Runs held by killed workers are taken over once their leases (1 s) run out.
                await("every run finished").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(100))
                        .until(() -> RunLedger.read(db).notFinished(confirmed).isEmpty());
                long recoveryMillis = (System.nanoTime() - lastKill) / 1_000_000;
                crashes.stopAll();

                RunLedger runs = RunLedger.read(db);
                FaultFigures.of("crash/workflow[" + db.label() + "]")
                        .iterations(iterations)
                        .messages(runs.size())
                        .lost(runs.notFinished(confirmed).size())
                        .duplicated(runs.transactionalNotExactlyOnce().size())
                        .redelivered(runs.redelivered())
                        .recoveryMillis(recoveryMillis)
                        .put("repeated_plain_steps", runs.repeatedPlainEffects())
                        .put("kills", crashes.kills())
                        .put("child_errors", crashes.errorsSeen().size())
                        .put("seed", crashes.seed())
                        .print();

                assertThat(crashes.errorsSeen()).as("errors the children's workers met outside the library").isEmpty();
                assertThat(runs.size()).as("runs").isEqualTo(confirmed.size());
                assertThat(runs.stuckOrFailed()).as("runs not finished with SUCCESS").isEmpty();
                assertThat(runs.transactionalNotExactlyOnce()).as("runs whose transactional step wrote other than once").isEmpty();
                assertThat(runs.plainStepsOutOfBounds()).as("runs whose plain steps ran never, or more often than delivered")
                        .isEmpty();
                assertThat(store.queues().metrics(FaultFlow.NAME).leased()).as("run messages left leased").isZero();
            } finally {
                triggers.close();
            }
        }
    }

    private static ChildJvm child(FaultBackend db, int n) {
        ChildJvm child = ChildJvm.start("workflow-" + db.label() + "-" + n, WorkflowCrashChild.class, db.environment());
        child.awaitLineStartingWith("READY", CrashIterations.AWAIT);
        return child;
    }
}
