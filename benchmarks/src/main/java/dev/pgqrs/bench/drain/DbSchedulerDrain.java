package dev.pgqrs.bench.drain;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerBuilder;
import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.event.AbstractSchedulerListener;
import com.github.kagkarlsson.scheduler.task.ExecutionComplete;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import dev.pgqrs.bench.db.DatabaseSlot;
import dev.pgqrs.config.Backend;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * db-scheduler, the established Java peer: the backlog is {@code messages} one-time task instances
 * due now, executed by a scheduler with {@code consumers} threads. The cell's batch is what each
 * thread gets per fetch: the lock-and-fetch strategy ({@code FOR UPDATE SKIP LOCKED}) fetching
 * {@code consumers × batch} per poll. A completed one-time task is deleted: one statement per task.
 */
public final class DbSchedulerDrain implements DrainContender {

    private static final String TASK = "bench-drain";

    private static final String POSTGRES_TABLE = """
            CREATE TABLE scheduled_tasks (
                task_name            text NOT NULL,
                task_instance        text NOT NULL,
                task_data            bytea,
                execution_time       timestamptz,
                picked               boolean NOT NULL,
                picked_by            text,
                last_success         timestamptz,
                last_failure         timestamptz,
                consecutive_failures int,
                last_heartbeat       timestamptz,
                version              bigint NOT NULL,
                priority             smallint,
                state                text,
                PRIMARY KEY (task_name, task_instance)
            )""";

    private static final List<String> INDEXES = List.of(
            "CREATE INDEX execution_time_idx ON scheduled_tasks (execution_time)",
            "CREATE INDEX last_heartbeat_idx ON scheduled_tasks (last_heartbeat)",
            "CREATE INDEX priority_execution_time_idx ON scheduled_tasks (priority DESC, execution_time ASC)");

    @Override
    public String name() {
        return "db-scheduler";
    }

    @Override
    public String description() {
        return "db-scheduler 16.7.1 one-time tasks; threads = consumers, lock-and-fetch of consumers × batch per poll; PostgreSQL only";
    }

    /**
     * PostgreSQL only: db-scheduler 16.7.1 has no SQLite customization, and its portable SQL
     * ({@code OFFSET … FETCH FIRST}) is rejected by SQLite.
     */
    @Override
    public boolean supports(Backend backend) {
        return backend == Backend.POSTGRES;
    }

    @Override
    public PreparedDrain prepare(DatabaseSlot slot, DrainCell cell, DrainSettings settings) throws Exception {
        try (Connection c = slot.connect(); Statement s = c.createStatement()) {
            s.execute(POSTGRES_TABLE);
            for (String index : INDEXES) {
                s.execute(index);
            }
        }
        Prepared prepared = new Prepared(slot, cell);
        // The prefill's pool is closed before the run, so its statistics are not counted in it.
        DataSource prefillPool = slot.pool("db-scheduler-prefill", 2);
        try {
            prepared.prefill(prefillPool, settings.messages());
        } finally {
            ((AutoCloseable) prefillPool).close();
        }
        slot.settle("scheduled_tasks");
        return prepared;
    }

    private static final class Prepared implements PreparedDrain {

        private final DatabaseSlot slot;
        private final DrainCell cell;
        private final OneTimeTask<String> task;
        private volatile DrainProbe probe;
        private DataSource pool;

        Prepared(DatabaseSlot slot, DrainCell cell) {
            this.slot = slot;
            this.cell = cell;
            this.task = Tasks.oneTime(TASK, String.class).execute((instance, context) -> {
                instance.getData().length(); // the work: hand the payload on
                probe.delivered(Long.parseLong(instance.getId()));
            });
        }

        void prefill(DataSource prefillPool, int messages) {
            SchedulerClient client = SchedulerClient.Builder.create(prefillPool, task).build();
            Instant now = Instant.now();
            for (int from = 0; from < messages; from += 1_000) {
                List<TaskInstance<?>> chunk = new ArrayList<>();
                for (int i = from; i < Math.min(messages, from + 1_000); i++) {
                    chunk.add(task.instance(String.valueOf(i), Payloads.json(i)));
                }
                client.scheduleBatch(chunk, now);
            }
        }

        @Override
        public void drain(DrainProbe probe) throws InterruptedException {
            this.probe = probe;
            pool = slot.pool("db-scheduler", cell.consumers() + 3);
            SchedulerBuilder builder = Scheduler.create(pool, task)
                    .threads(cell.consumers())
                    .pollingInterval(Duration.ofMillis(100))
                    .addSchedulerListener(new AbstractSchedulerListener() {
                        @Override
                        public void onExecutionComplete(ExecutionComplete complete) {
                            if (complete.getResult() == ExecutionComplete.Result.OK) {
                                probe.acked(1);
                            } else {
                                probe.error("task failed: " + complete.getCause().map(Throwable::toString).orElse("?"));
                            }
                        }
                    });
            double perThread = cell.batch();
            builder.pollUsingLockAndFetch(perThread / 2, perThread);
            Scheduler scheduler = builder.build();
            probe.startClock();
            scheduler.start();
            try {
                while (!probe.allAcked() && !probe.timeUp()) {
                    Thread.sleep(2);
                }
                probe.stopClock();
            } finally {
                scheduler.stop();
            }
        }

        @Override
        public long remaining() throws SQLException {
            try (Connection c = slot.connect(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT count(*) FROM scheduled_tasks")) {
                rs.next();
                return rs.getLong(1);
            }
        }

        @Override
        public void close() throws Exception {
            if (pool != null) {
                ((AutoCloseable) pool).close();
            }
        }
    }
}
