package dev.pgqrs.maintenance;

import dev.pgqrs.Consumer;
import dev.pgqrs.Pgqrs;
import dev.pgqrs.Store;
import dev.pgqrs.config.PgqrsConfig;

import java.time.Duration;

/**
 * The process {@link LeaderFailoverConformanceTest} kills with {@code kill -9}: it opens a store with maintenance on
 * (DSN and schema from {@code PGQRS_DSN} / {@code PGQRS_SCHEMA}, reaper interval in ms as the argument), holds a
 * consumer of queue {@code orders} (a worker row that goes stale once it is dead), and prints {@code LEADER} once
 * it is the maintenance leader.
 */
public final class LeaderChild {

    private LeaderChild() {
    }

    public static void main(String[] args) throws Exception {
        Duration reaper = Duration.ofMillis(Long.parseLong(args[0]));
        PgqrsConfig.Builder config = PgqrsConfig.load(System.getenv()).toBuilder().maxConnections(4)
                .reaperInterval(reaper).heartbeatInterval(Duration.ofMillis(250)).staleWorkerTimeout(Duration.ofSeconds(1));
        Store store = Pgqrs.connect(config.build());
        Consumer consumer = store.consumer("orders");
        System.out.println("WORKER " + consumer.workerId());
        while (!store.isMaintenanceLeader()) {
            Thread.sleep(10);
        }
        System.out.println("LEADER");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
