package dev.pgqrs.fault;

import dev.pgqrs.Store;
import dev.pgqrs.testing.BackendKind;
import dev.pgqrs.testing.LogCapture;
import dev.pgqrs.testing.RestartablePostgres;
import dev.pgqrs.workflow.RunHandle;
import dev.pgqrs.workflow.Workflow;
import dev.pgqrs.workflow.WorkflowWorkerOptions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The outage lines of a workflow worker whose work ends while the database is away: a run that was
 * executing (its lease kept alive, its step about to be checkpointed) is given up during the outage, and
 * nothing is in flight when the database returns. Each component that said the database went away — the
 * lease keeper, the checkpoints — must still say, once, that it is back, without waiting for more work.
 */
@ExtendWith(FaultSuite.class)
class OutageLogTest {

    @Test
    void componentsThatLoggedAnOutageLogItsEndEvenWithNothingLeftToDo() throws Exception {
        Assumptions.assumeTrue(FaultBackend.postgresEnabled(), "PostgreSQL is not among PGQRS_TEST_BACKENDS");
        try (FaultBackend db = FaultBackend.create(BackendKind.POSTGRES)) {
            RestartablePostgres pg = db.postgres();
            Store store = db.openInstalled(b -> b.heartbeatInterval(Duration.ofSeconds(1)));
            CountDownLatch entered = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Workflow<String, String> holding = Workflow.define("holding", String.class, String.class, (ctx, in) ->
                    ctx.step("hold", String.class, () -> {
                        entered.countDown();
                        release.await();
                        return "held";
                    }));
            store.workflows().startWorker(holding, WorkflowWorkerOptions.defaults().concurrency(1)
                    .leaseDuration(Duration.ofMillis(600)).pollInterval(Duration.ofMillis(50)));
            RunHandle<String> run = store.workflows().trigger(holding, "x");
            assertThat(entered.await(30, TimeUnit.SECONDS)).as("the step started").isTrue();

            LogCapture.Mark mark = LogCapture.global().mark();
            try {
                pg.stop();
                awaitLine(mark, "lease keeper of workflow 'holding': database unreachable");
                release.countDown(); // the step's checkpoint now fails: the run is given up, nothing is left in flight
                awaitLine(mark, "checkpoints of workflow 'holding': database unreachable");
            } finally {
                pg.start();
            }
            awaitLine(mark, "lease keeper of workflow 'holding': database reachable again");
            awaitLine(mark, "checkpoints of workflow 'holding': database reachable again");
            assertThat(run.await(Duration.ofSeconds(60))).as("the run, continued after the outage").isEqualTo("held");
            // A periodic task (the leader election, the schedules) says it is back at its next tick, which may come
            // after the run finished: wait until every component that went down has had its say.
            await("a 'reachable again' line from each component that logged one going away")
                    .atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> {
                        OutageLines seen = new OutageLines(LogCapture.global().events(mark));
                        return seen.up().keySet().containsAll(seen.down().keySet());
                    });

            OutageLines lines = new OutageLines(LogCapture.global().events(mark));
            FaultFigures.of("outage-log[run given up during the outage]").iterations(1).messages(1).lost(0).duplicated(0)
                    .redelivered(1).recoveryMillis(0).put("log_down", lines.down()).put("log_up", lines.up())
                    .put("log_other_warn", lines.otherWarnings().size()).put("hikari", lines.hikariPerLogger()).print();
            assertThat(lines.up()).as("'reachable again' lines per component").isEqualTo(lines.down());
            assertThat(lines.otherWarnings()).as("other library warnings").isEmpty();
        }
    }

    private static void awaitLine(LogCapture.Mark mark, String text) {
        await("a log line '" + text + "'").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                .until(() -> LogCapture.global().events(mark).stream().anyMatch(e -> e.message().contains(text)));
    }
}
