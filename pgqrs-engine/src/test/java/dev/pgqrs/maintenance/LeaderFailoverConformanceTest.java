package dev.pgqrs.maintenance;

import ch.qos.logback.classic.Level;
import dev.pgqrs.Store;
import dev.pgqrs.testing.ChildJvm;
import dev.pgqrs.testing.ConformanceTest;
import dev.pgqrs.testing.LogCapture;
import dev.pgqrs.testing.TestBackend;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Maintenance runs on one elected process per database, and moves to another within one reaper interval when the
 * leader dies: a leader in a child JVM killed with {@code kill -9} is replaced by this process, whose reaper then
 * declares the dead child's worker dead. On every backend (PostgreSQL: a session advisory lock the server releases
 * with the dead session; SQLite: a lease row that expires).
 */
class LeaderFailoverConformanceTest {

    private static final Duration GENEROUS = Duration.ofSeconds(60);
    private static final Duration REAPER_INTERVAL = Duration.ofSeconds(4);

    @ConformanceTest
    void oneOfTwoStoresLeadsAndTheOtherTakesOverWhenItCloses(TestBackend backend) {
        LogCapture.Mark mark = LogCapture.global().mark();
        Store first = backend.open(b -> b.reaperInterval(Duration.ofMillis(400)));
        await().atMost(GENEROUS).until(first::isMaintenanceLeader);
        Store second = backend.open(b -> b.reaperInterval(Duration.ofMillis(400)));
        Store off = backend.open(b -> b.maintenance(false));

        first.close();
        await().atMost(GENEROUS).until(second::isMaintenanceLeader);
        assertThat(off.isMaintenanceLeader()).as("a store with maintenance off never leads").isFalse();

        List<String> lines = LogCapture.global().events(mark, e -> e.isFrom(MaintenanceLeader.class.getName())
                && e.level() == Level.INFO).stream().map(LogCapture.Event::message).toList();
        assertThat(lines).filteredOn(l -> l.contains("is now the maintenance leader")).hasSize(2);
        assertThat(lines).filteredOn(l -> l.contains("is no longer the maintenance leader") && l.endsWith("the store is closing"))
                .hasSize(1);
    }

    @ConformanceTest
    void aLeaderKilledWithKillMinus9IsReplacedWithinOneReaperInterval(TestBackend backend) throws Exception {
        Store setup = backend.open(b -> b.maintenance(false));
        setup.queues().create("orders");
        Map<String, String> env = new HashMap<>();
        env.put("PGQRS_DSN", backend.dsn());
        if (backend.schema() != null) {
            env.put("PGQRS_SCHEMA", backend.schema());
        }
        try (ChildJvm leader = ChildJvm.start("maintenance-leader", LeaderChild.class, env,
                String.valueOf(REAPER_INTERVAL.toMillis()))) {
            long childWorker = Long.parseLong(leader.awaitLineStartingWith("WORKER ", GENEROUS).substring(7).trim());
            leader.awaitLine(l -> l.equals("LEADER"), GENEROUS);

            Store follower = backend.open(b -> b.reaperInterval(REAPER_INTERVAL)
                    .heartbeatInterval(Duration.ofMillis(250)).staleWorkerTimeout(Duration.ofSeconds(1)));
            assertThat(follower.isMaintenanceLeader()).as("the child leads").isFalse();

            leader.kill(); // SIGKILL: no shutdown hook releases anything
            long killed = System.nanoTime();
            AtomicReference<Duration> tookOver = new AtomicReference<>();
            await().atMost(GENEROUS).pollInterval(Duration.ofMillis(10)).until(() -> {
                if (follower.isMaintenanceLeader()) {
                    tookOver.set(Duration.ofNanos(System.nanoTime() - killed));
                    return true;
                }
                return false;
            });
            System.out.println("FAILOVER " + backend + " " + tookOver.get().toMillis() + " ms after kill -9");
            assertThat(tookOver.get()).as("failover after kill -9").isLessThan(REAPER_INTERVAL);

            // The new leader's reaper declares the dead child's worker dead.
            await().atMost(GENEROUS).until(() -> "stopped".equals(status(backend, childWorker)));
        }
    }

    private static String status(TestBackend backend, long workerId) throws Exception {
        try (Connection c = backend.jdbc(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT status FROM pgqrs_workers WHERE id = " + workerId)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }
}
