package dev.pgqrs.fault;

import dev.pgqrs.Consumer;
import dev.pgqrs.Store;
import dev.pgqrs.testing.BackendKind;
import dev.pgqrs.testing.LogCapture;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The reaper after an outage its process never saw fail: with {@code connection_timeout} longer than the
 * outage, the store's operations do not fail while the database is away — they wait for a connection and
 * go on once it is back. Every other process's heartbeats were held up just as long, so the reaper must
 * not judge them at once: a wait that long counts as a break in the database's availability, and the
 * reaper waits a whole {@code stale_worker_timeout} of working database after it.
 */
@ExtendWith(FaultSuite.class)
class ReaperTrustTest {

    @Test
    void aReaperWhoseOperationsOnlyWaitedThroughAnOutageReapsNoLiveWorker() throws Exception {
        Assumptions.assumeTrue(FaultBackend.postgresEnabled(), "PostgreSQL is not among PGQRS_TEST_BACKENDS");
        Duration stale = Duration.ofSeconds(4);
        try (FaultBackend db = FaultBackend.create(BackendKind.POSTGRES)) {
            // The live worker's process notices the outage at once and beats every second as soon as it is over.
            Store worker = db.openInstalled(b -> b.heartbeatInterval(Duration.ofSeconds(1)).staleWorkerTimeout(stale)
                    .connectionTimeout(Duration.ofSeconds(1)).maintenance(false));
            worker.queues().create("fault-reaper");
            Consumer live = worker.consumer("fault-reaper");
            long workerId = live.workerId();
            // The reaper's process waits for connections longer than the outage lasts (the default 10 s).
            Store reaper = db.open(b -> b.heartbeatInterval(Duration.ofSeconds(1)).staleWorkerTimeout(stale)
                    .reaperInterval(Duration.ofMillis(500)));
            LogCapture.Mark mark = LogCapture.global().mark();
            try {
                db.postgres().stop();
                Thread.sleep(stale.multipliedBy(2).toMillis()); // an outage twice the stale timeout
            } finally {
                db.postgres().start();
            }
            // Time for a reaper that misjudged the outage to reap: a stale timeout of working database and more.
            Thread.sleep(stale.plusSeconds(3).toMillis());

            String status = String.valueOf(db.query("SELECT CAST(status AS TEXT) FROM pgqrs_workers WHERE id = ?",
                    live.workerId()).get(0)[0]);
            List<LogCapture.Event> reaped = LogCapture.global().events(mark, e -> e.message().startsWith("reaped "));
            FaultFigures.of("reaper-trust[8s outage, stale 4s]").iterations(1).messages(0).lost(0).duplicated(0).redelivered(0)
                    .recoveryMillis(0).put("live_worker_status", status).put("reaped_lines", reaped.size())
                    .put("reaper_failed_operations", reaper.health().failedOperations()).print();
            assertThat(status).as("the live consumer's worker row").isNotEqualTo("stopped");
            assertThat(reaped).as("reaper passes that declared workers dead").isEmpty();
            assertThat(live.dequeue(1)).as("the consumer works on").isEmpty();
            assertThat(live.workerId()).as("under the same worker (a consumer declared dead takes a new one)").isEqualTo(workerId);
        }
    }
}
