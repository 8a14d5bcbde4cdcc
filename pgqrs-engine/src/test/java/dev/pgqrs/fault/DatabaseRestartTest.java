package dev.pgqrs.fault;

import dev.pgqrs.Store;
import dev.pgqrs.config.PgqrsConfig;
import dev.pgqrs.testing.BackendKind;
import dev.pgqrs.testing.ChildJvm;
import dev.pgqrs.testing.LogCapture;
import dev.pgqrs.testing.RestartablePostgres;
import dev.pgqrs.workflow.WorkflowWorker;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Database restart: PostgreSQL is stopped (fast shutdown: every session terminated) for an outage
 * shorter, then one longer, than {@code stale_worker_timeout}, and started again on the same data and
 * port, while producers, exactly-once consumers, workflow workers and triggers run in this JVM and in a
 * child JVM — two stores, two reapers.
 *
 * <p>They recover by themselves: nothing is restarted, nothing is lost (every confirmed enqueue archived,
 * its effect exactly once; every confirmed trigger's run finished), no live worker of either process is
 * declared dead after the restart (every component keeps its worker id; nobody is reaped), and the outage
 * is in the log as at most one WARN line down and one INFO line up per component, and nothing else at WARN
 * from the library. HikariCP's own lines are counted and reported separately.
 */
@ExtendWith(FaultSuite.class)
class DatabaseRestartTest {

    private static final String QUEUE = TrafficChild.QUEUE;

    /** The configuration of both stores: short timeouts in the short form, the defaults in the soak. */
    private static PgqrsConfig.Builder settings(PgqrsConfig.Builder b) {
        if (FaultForm.current() == FaultForm.SHORT) {
            b.heartbeatInterval(Duration.ofSeconds(1)).staleWorkerTimeout(Duration.ofSeconds(4)).reaperInterval(Duration.ofSeconds(1));
        }
        return b.maxReadCount(1_000);
    }

    private static String[] childSettings() {
        return FaultForm.current() == FaultForm.SHORT ? new String[] {"PT1S", "PT4S", "PT1S"} : new String[] {"default", "-", "-"};
    }

    static Stream<Duration> outages() {
        return FaultForm.current().pick(Stream.of(Duration.ofSeconds(2), Duration.ofSeconds(8)),
                Stream.of(Duration.ofSeconds(10), Duration.ofSeconds(45)));
    }

    @ParameterizedTest(name = "outage of {0}")
    @MethodSource("outages")
    void producersConsumersAndWorkflowWorkersOfTwoProcessesRideOutARestart(Duration outage) throws Exception {
        Assumptions.assumeTrue(FaultBackend.postgresEnabled(), "PostgreSQL is not among PGQRS_TEST_BACKENDS");
        try (FaultBackend db = FaultBackend.create(BackendKind.POSTGRES)) {
            RestartablePostgres pg = db.postgres();
            Store store = db.openInstalled(DatabaseRestartTest::settings);
            PgqrsConfig config = store.config();
            store.queues().create(QUEUE);
            WorkflowWorker worker = store.workflows().startWorker(FaultFlow.define(store, LogCapture.THIS_JVM, FaultFlow.Hang.NEVER),
                    TrafficChild.workerOptions());
            ProducerLoop producer = new ProducerLoop(store, QUEUE, LogCapture.THIS_JVM, 5, Duration.ofMillis(50),
                    LogCapture.global()::exception);
            ConsumerLoop consumer = new ConsumerLoop(store, QUEUE, LogCapture.THIS_JVM, 10, Duration.ofSeconds(5),
                    LogCapture.global()::exception);
            TriggerLoop triggers = new TriggerLoop(store, Duration.ofMillis(100), LogCapture.global()::exception);
            String childLabel = "traffic-" + outage.toSeconds() + "s";
            try (ChildJvm child = ChildJvm.start(childLabel, TrafficChild.class, db.environment(), childSettings())) {
                String childWorkersBefore = child.awaitLineStartingWith("WORKERS", CrashIterations.AWAIT);
                child.awaitLineStartingWith("READY", CrashIterations.AWAIT);
                producer.start();
                consumer.start();
                triggers.start();
                List<Long> ourWorkersBefore = List.of(producer.producer().workerId(), consumer.consumer().workerId(), worker.workerId());
                List<String> processes = List.of(LogCapture.THIS_JVM, childLabel);
                Progress.awaitBeyond(db, processes, Progress.NONE); // both processes are working before the fault

                LogCapture.Mark mark = LogCapture.global().mark();
                pg.stop();
                Thread.sleep(outage.toMillis()); // the outage itself
                pg.start();
                long upAt = System.nanoTime();
                Progress.awaitBeyond(db, processes, Progress.now(db));
                long recoveryMillis = (System.nanoTime() - upAt) / 1_000_000;

                // Let a whole stale timeout pass, and more, with the database up: the time in which a reaper that
                // misjudged the outage would declare the other process's (or its own) workers dead.
                Duration judged = config.staleWorkerTimeout().plus(config.reaperInterval().multipliedBy(2)).plus(config.heartbeatInterval());
                Thread.sleep(judged.toMillis());

                producer.stop();
                triggers.stop();
                int from = child.lineCount();
                child.send("PRODUCE-STOP");
                String produced = child.awaitLine(from, l -> l.startsWith("PRODUCED "), CrashIterations.AWAIT);
                long childConfirmed = Long.parseLong(produced.split(" ")[1]);
                List<Long> confirmedRuns = new ArrayList<>(triggers.runIds());
                String runs = produced.split(" ")[3];
                if (!runs.equals("-")) {
                    Arrays.stream(runs.split(",")).map(Long::parseLong).forEach(confirmedRuns::add);
                }
                await("every message archived and every run finished").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200))
                        .until(() -> QueueLedger.read(db, QUEUE).unarchived() == 0 && RunLedger.read(db).notFinished(confirmedRuns).isEmpty());
                List<Long> ourWorkersAfter = List.of(producer.producer().workerId(), consumer.consumer().workerId(), worker.workerId());
                int childFrom = child.lineCount();
                child.send("STOP");
                String childWorkersAfter = child.awaitLine(childFrom, l -> l.startsWith("WORKERS"), CrashIterations.AWAIT);
                assertThat(child.awaitExit(CrashIterations.AWAIT)).as("child exit code").isZero();
                consumer.close();
                producer.close();
                worker.close();

                QueueLedger messages = QueueLedger.read(db, QUEUE);
                TrafficLedger traffic = new TrafficLedger(messages);
                RunLedger runLedger = RunLedger.read(db);
                List<LogCapture.Event> events = LogCapture.global().events(mark);
                OutageLines lines = new OutageLines(events);
                List<LogCapture.Event> declaredDead = events.stream()
                        .filter(e -> e.message().contains("was declared dead") || e.message().contains("reaped ")).toList();
                long callerErrors = producer.errors() + consumer.errors() + triggers.errors()
                        + child.lines().stream().filter(l -> l.startsWith("SEEN ")).count();
                long lost = traffic.missing(LogCapture.THIS_JVM, producer.confirmed()) + traffic.missing(childLabel, childConfirmed)
                        + messages.unarchived() + runLedger.notFinished(confirmedRuns).size();
                FaultFigures.of("restart[" + outage.toSeconds() + "s outage, stale " + config.staleWorkerTimeout().toSeconds() + "s]")
                        .iterations(1)
                        .messages(messages.size() + runLedger.size())
                        .lost(lost)
                        .duplicated(traffic.enqueuedTwice() + messages.duplicatedEffects() + runLedger.transactionalNotExactlyOnce().size())
                        .redelivered(messages.redelivered() + runLedger.redelivered())
                        .recoveryMillis(recoveryMillis)
                        .put("caller_errors", callerErrors)
                        .put("declared_dead", declaredDead.size())
                        .put("log_down", lines.down())
                        .put("log_up", lines.up())
                        .put("log_other_warn", lines.otherWarnings().size())
                        .put("hikari", lines.hikariPerLogger())
                        .print();

                assertThat(traffic.missing(LogCapture.THIS_JVM, producer.confirmed())).as("our confirmed enqueues missing").isZero();
                assertThat(traffic.missing(childLabel, childConfirmed)).as("the child's confirmed enqueues missing").isZero();
                assertThat(messages.unarchived()).as("messages not archived").isZero();
                assertThat(messages.deadLettered()).as("messages dead-lettered").isZero();
                assertThat(messages.archivedWithoutEffect()).as("archived without their effect").isZero();
                assertThat(messages.duplicatedEffects()).as("effects beyond the first (exactly-once consumers)").isZero();
                assertThat(runLedger.notFinished(confirmedRuns)).as("confirmed runs not finished").isEmpty();
                assertThat(runLedger.stuckOrFailed()).as("runs stuck or failed").isEmpty();
                assertThat(runLedger.transactionalNotExactlyOnce()).as("runs whose transactional step wrote other than once").isEmpty();
                assertThat(declaredDead).as("live workers declared dead or reaped after the restart").isEmpty();
                assertThat(ourWorkersAfter).as("this JVM's worker ids (a renewed worker has a new one)").isEqualTo(ourWorkersBefore);
                assertThat(childWorkersAfter).as("the child's worker ids").isEqualTo(childWorkersBefore);
                assertThat(lines.otherWarnings()).as("library WARN/ERROR lines other than one down and one up").isEmpty();
                Map<String, Integer> components = new HashMap<>(lines.down());
                lines.up().forEach((k, v) -> components.putIfAbsent(k, 0));
                for (String component : components.keySet()) {
                    assertThat(lines.down().getOrDefault(component, 0)).as("'database unreachable' lines of %s", component).isEqualTo(1);
                    assertThat(lines.up().getOrDefault(component, 0)).as("'reachable again' lines of %s", component).isEqualTo(1);
                }
                assertThat(lines.downTotal()).as("components that logged the outage").isPositive();
            } finally {
                pg.start();
                triggers.close();
                consumer.close();
                producer.close();
                worker.close();
            }
        }
    }
}
