package dev.pgqrs.fault;

import dev.pgqrs.Store;
import dev.pgqrs.config.PgqrsConfig;
import dev.pgqrs.testing.BackendKind;
import dev.pgqrs.testing.ConnectionChaos;
import dev.pgqrs.testing.LogCapture;
import dev.pgqrs.workflow.WorkflowWorker;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Connection chaos: every 200 ms, every backend of the library's connections ({@code application_name =
 * 'pgqrs'}) is terminated, for 15 s (soak: 60 s), while two producers, two exactly-once consumers, a
 * workflow worker and a trigger loop run. Once the chaos stops they recover by themselves, without loss
 * (every confirmed enqueue archived with its effect exactly once, every confirmed run finished) and
 * without any worker declared dead; the library's WARN lines are bounded (at most one per component and
 * kind of trouble, however long the chaos lasts), and counted per logger, HikariCP's separately.
 */
@ExtendWith(FaultSuite.class)
class ConnectionChaosTest {

    private static final String QUEUE = "fault-chaos";
    /** Most WARN lines any one library logger of one process may write, whatever the chaos's length. */
    private static final int WARN_BOUND_PER_LOGGER = 3;

    private static PgqrsConfig.Builder settings(PgqrsConfig.Builder b) {
        return b.heartbeatInterval(Duration.ofSeconds(1)).staleWorkerTimeout(Duration.ofSeconds(4))
                .reaperInterval(Duration.ofSeconds(1)).maxReadCount(1_000);
    }

    @Test
    void killingTheLibrarysConnectionsEvery200msLosesNothingAndLogsBoundedly() throws Exception {
        Assumptions.assumeTrue(FaultBackend.postgresEnabled(), "PostgreSQL is not among PGQRS_TEST_BACKENDS");
        Duration chaosFor = FaultForm.current().pick(Duration.ofSeconds(15), Duration.ofSeconds(60));
        try (FaultBackend db = FaultBackend.create(BackendKind.POSTGRES)) {
            Store store = db.openInstalled(ConnectionChaosTest::settings);
            PgqrsConfig config = store.config();
            store.queues().create(QUEUE);
            String me = LogCapture.THIS_JVM;
            WorkflowWorker worker = store.workflows().startWorker(FaultFlow.define(store, me, FaultFlow.Hang.NEVER),
                    TrafficChild.workerOptions());
            List<ProducerLoop> producers = new ArrayList<>();
            List<ConsumerLoop> consumers = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                producers.add(new ProducerLoop(store, QUEUE, me + "-" + i, 5, Duration.ofMillis(50), LogCapture.global()::exception));
                consumers.add(new ConsumerLoop(store, QUEUE, me, 10, Duration.ofSeconds(5), LogCapture.global()::exception));
            }
            TriggerLoop triggers = new TriggerLoop(store, Duration.ofMillis(100), LogCapture.global()::exception);
            ConnectionChaos chaos = new ConnectionChaos(db.postgres()::superuser, Duration.ofMillis(200));
            try {
                producers.forEach(ProducerLoop::start);
                consumers.forEach(ConsumerLoop::start);
                triggers.start();
                List<Long> workersBefore = workerIds(producers, consumers, worker);
                Progress.awaitBeyond(db, List.of(me), Progress.NONE);

                LogCapture.Mark mark = LogCapture.global().mark();
                chaos.start();
                Thread.sleep(chaosFor.toMillis()); // the chaos itself
                chaos.stop();
                long calmAt = System.nanoTime();
                Progress.awaitBeyond(db, List.of(me), Progress.now(db));
                long recoveryMillis = (System.nanoTime() - calmAt) / 1_000_000;
                // A whole stale timeout and more of calm: time for a reaper that misjudged the chaos to reap.
                Thread.sleep(config.staleWorkerTimeout().plus(config.reaperInterval().multipliedBy(2))
                        .plus(config.heartbeatInterval()).toMillis());

                producers.forEach(ProducerLoop::stop);
                triggers.stop();
                List<Long> confirmedRuns = triggers.runIds();
                await("every message archived and every run finished").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200))
                        .until(() -> QueueLedger.read(db, QUEUE).unarchived() == 0 && RunLedger.read(db).notFinished(confirmedRuns).isEmpty());
                List<Long> workersAfter = workerIds(producers, consumers, worker);

                QueueLedger messages = QueueLedger.read(db, QUEUE);
                TrafficLedger traffic = new TrafficLedger(messages);
                RunLedger runLedger = RunLedger.read(db);
                List<LogCapture.Event> events = LogCapture.global().events(mark);
                OutageLines lines = new OutageLines(events);
                long missing = 0;
                for (int i = 0; i < producers.size(); i++) {
                    missing += traffic.missing(me + "-" + i, producers.get(i).confirmed());
                }
                Map<String, Long> callerErrors = new HashMap<>();
                producers.forEach(p -> p.errorsByType().forEach((k, v) -> callerErrors.merge(k, v, Long::sum)));
                consumers.forEach(c -> c.errorsByType().forEach((k, v) -> callerErrors.merge(k, v, Long::sum)));
                triggers.errorsByType().forEach((k, v) -> callerErrors.merge(k, v, Long::sum));
                List<LogCapture.Event> declaredDead = events.stream()
                        .filter(e -> e.message().contains("was declared dead") || e.message().contains("reaped ")).toList();
                FaultFigures.of("chaos[" + chaosFor.toSeconds() + "s]")
                        .iterations(chaos.rounds())
                        .messages(messages.size() + runLedger.size())
                        .lost(missing + messages.unarchived() + runLedger.notFinished(confirmedRuns).size())
                        .duplicated(traffic.enqueuedTwice() + messages.duplicatedEffects() + runLedger.transactionalNotExactlyOnce().size())
                        .redelivered(messages.redelivered() + runLedger.redelivered())
                        .recoveryMillis(recoveryMillis)
                        .put("backends_killed", chaos.killed())
                        .put("caller_errors", callerErrors)
                        .put("declared_dead", declaredDead.size())
                        .put("library_warn_per_logger", lines.libraryWarningsPerLogger())
                        .put("log_down", lines.downTotal())
                        .put("log_up", lines.upTotal())
                        .put("hikari", lines.hikariPerLogger())
                        .print();

                assertThat(chaos.killed()).as("backends the chaos terminated").isPositive();
                assertThat(missing).as("confirmed enqueues missing").isZero();
                assertThat(messages.unarchived()).as("messages not archived").isZero();
                assertThat(messages.deadLettered()).as("messages dead-lettered").isZero();
                assertThat(messages.archivedWithoutEffect()).as("archived without their effect").isZero();
                assertThat(messages.duplicatedEffects()).as("effects beyond the first (exactly-once consumers)").isZero();
                assertThat(runLedger.notFinished(confirmedRuns)).as("confirmed runs not finished").isEmpty();
                assertThat(runLedger.stuckOrFailed()).as("runs stuck or failed").isEmpty();
                assertThat(runLedger.transactionalNotExactlyOnce()).as("runs whose transactional step wrote other than once").isEmpty();
                assertThat(declaredDead).as("workers declared dead").isEmpty();
                assertThat(workersAfter).as("worker ids (a renewed worker has a new one)").isEqualTo(workersBefore);
                assertThat(lines.libraryWarningsPerLogger()).as("library WARN lines per logger (bounded)")
                        .allSatisfy((logger, n) -> assertThat(n).as(logger).isLessThanOrEqualTo(WARN_BOUND_PER_LOGGER));
            } finally {
                chaos.stop();
                triggers.close();
                consumers.forEach(ConsumerLoop::close);
                producers.forEach(ProducerLoop::close);
                worker.close();
            }
        }
    }

    private static List<Long> workerIds(List<ProducerLoop> producers, List<ConsumerLoop> consumers, WorkflowWorker worker) {
        List<Long> ids = new ArrayList<>();
        producers.forEach(p -> ids.add(p.producer().workerId()));
        consumers.forEach(c -> ids.add(c.consumer().workerId()));
        ids.add(worker.workerId());
        return ids;
    }
}
