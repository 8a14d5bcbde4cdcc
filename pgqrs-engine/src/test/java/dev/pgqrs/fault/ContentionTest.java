package dev.pgqrs.fault;

import dev.pgqrs.Store;
import dev.pgqrs.testing.BackendKind;
import dev.pgqrs.testing.ChildJvm;
import dev.pgqrs.testing.LogCapture;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Contention: consumers in two JVMs drain one queue as fast as they can — 8 consumers (4 per JVM) over
 * 10,000 messages on PostgreSQL (soak: 100,000), 2 threads per JVM on one SQLite file (5,000; soak 50,000).
 * Each message is archived exactly once (no id reported archived twice, across both processes), none is
 * left leased, and no error at all — "database is locked" included — reaches a caller.
 */
@ExtendWith(FaultSuite.class)
class ContentionTest {

    private static final String QUEUE = "fault-contention";
    private static final int BATCH = 10;

    @ParameterizedTest(name = "[{0}]")
    @MethodSource("dev.pgqrs.fault.FaultBackend#kinds")
    void competingConsumersInTwoProcessesArchiveEachMessageExactlyOnce(BackendKind kind) throws Exception {
        FaultForm form = FaultForm.current();
        boolean postgres = kind == BackendKind.POSTGRES;
        int messages = postgres ? form.pick(10_000, 100_000) : form.pick(5_000, 50_000);
        int threadsPerJvm = postgres ? 4 : 2;
        try (FaultBackend db = FaultBackend.create(kind)) {
            Store store = db.openInstalled(b -> b);
            store.queues().create(QUEUE);
            List<Long> enqueued = new ArrayList<>(messages);
            for (int from = 0; from < messages; from += 500) {
                List<Map<String, Object>> payloads = new ArrayList<>();
                for (int i = from; i < Math.min(messages, from + 500); i++) {
                    payloads.add(Map.of("n", i));
                }
                enqueued.addAll(store.enqueueBatch(QUEUE, payloads));
            }
            Path childIds = Files.createTempFile(Path.of("target"), "contention-", ".ids");
            CompetingConsumers ours = new CompetingConsumers(store, QUEUE, threadsPerJvm, BATCH, LogCapture.global()::exception);
            try (ChildJvm child = ChildJvm.start("contention-" + db.label(), ContentionChild.class, db.environment(),
                    QUEUE, Integer.toString(threadsPerJvm), Integer.toString(BATCH), childIds.toString())) {
                child.awaitLineStartingWith("READY", CrashIterations.AWAIT);
                long t0 = System.nanoTime();
                child.send("GO");
                ours.start();
                await("queue drained").atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(100))
                        .until(() -> store.queues().metrics(QUEUE).archived() == messages);
                long drainMillis = (System.nanoTime() - t0) / 1_000_000;
                ours.stop();
                int from = child.lineCount();
                child.send("STOP");
                String summary = child.awaitLine(from, l -> l.startsWith("ARCHIVED "), CrashIterations.AWAIT);
                long childErrors = Long.parseLong(summary.split(" ")[3]);
                child.awaitExit(CrashIterations.AWAIT);

                List<Long> theirs = Files.readAllLines(childIds).stream().filter(l -> !l.isBlank()).map(Long::parseLong).toList();
                List<Long> all = new ArrayList<>(ours.archivedIds());
                all.addAll(theirs);
                Set<Long> distinct = new HashSet<>(all);
                QueueLedger ledger = QueueLedger.read(db, QUEUE);
                List<String> childSeen = child.lines().stream().filter(l -> l.startsWith("SEEN ")).toList();
                FaultFigures.of("contention[" + db.label() + ", " + threadsPerJvm + " consumers x 2 JVMs]")
                        .iterations(1)
                        .messages(messages)
                        .lost(ledger.lost(enqueued).size())
                        .duplicated(all.size() - distinct.size())
                        .redelivered(ledger.redelivered())
                        .recoveryMillis(0)
                        .put("drain_ms", drainMillis)
                        .put("msg_per_s", messages * 1000L / Math.max(1, drainMillis))
                        .put("archived_here", ours.archivedIds().size())
                        .put("archived_child", theirs.size())
                        .put("errors_here", ours.errorsByType())
                        .put("errors_child", childErrors)
                        .print();

                assertThat(ours.errors()).as("errors reaching this JVM's callers: %s", ours.errorsByType()).isZero();
                assertThat(childErrors).as("errors reaching the child's callers: %s", childSeen).isZero();
                assertThat(all.size() - distinct.size()).as("ids reported archived twice").isZero();
                assertThat(distinct).as("ids archived").hasSize(messages).containsAll(enqueued);
                assertThat(ledger.lost(enqueued)).as("messages not archived").isEmpty();
                assertThat(ledger.deadLettered()).as("messages dead-lettered").isZero();
                assertThat(store.queues().metrics(QUEUE).leased()).as("messages left leased").isZero();
                assertThat(ours.archivedIds()).as("this JVM took part").isNotEmpty();
                assertThat(theirs).as("the child took part").isNotEmpty();
            } finally {
                ours.stop();
                Files.deleteIfExists(childIds);
            }
        }
    }
}
