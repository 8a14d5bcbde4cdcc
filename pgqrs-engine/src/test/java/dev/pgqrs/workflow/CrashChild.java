package dev.pgqrs.workflow;

import dev.pgqrs.Pgqrs;
import dev.pgqrs.Store;
import dev.pgqrs.config.PgqrsConfig;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;

/**
 * The process {@link WorkflowCrashConformanceTest} kills with {@code kill -9}: it executes runs of the
 * three-step workflow {@code crashy} and, when told to, stops dead at one point and prints
 * {@code AT <point>} so the test knows where it is when it kills it.
 *
 * <p>Arguments: DSN, PostgreSQL schema (or {@code -}), the point to hang at ({@code between-a-b},
 * {@code inside-b}, {@code inside-c}) or {@code none}.
 *
 * <p>Every step records its side effect in {@code crash_effects}: {@code a} and {@code c} through a
 * connection of their own (a side effect outside the checkpoint, at-least-once), {@code b} through the
 * checkpoint transaction (exactly-once). {@code c} also records that it started, before its hang point.
 */
public final class CrashChild {

    static final String EFFECTS_TABLE = "CREATE TABLE crash_effects (step TEXT NOT NULL, kind TEXT NOT NULL)";

    private CrashChild() {
    }

    public static void main(String[] args) throws Exception {
        String dsn = args[0];
        String schema = args[1];
        String hangAt = args[2];
        PgqrsConfig.Builder config = PgqrsConfig.builder().dsn(dsn).maxConnections(4);
        if (!schema.equals("-")) {
            config.schema(schema);
        }
        Store store = Pgqrs.connect(config.build());
        Workflow<String, String> workflow = workflow(hangAt, store.dataSource());
        store.workflows().startWorker(workflow, WorkflowWorkerOptions.defaults()
                .concurrency(2)
                .leaseDuration(Duration.ofSeconds(1))
                .pollInterval(Duration.ofMillis(50)));
        System.out.println("READY");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }

    static Workflow<String, String> workflow(String hangAt, DataSource effects) {
        return Workflow.define("crashy", String.class, String.class, (ctx, input) -> {
            String a = ctx.step("a", String.class, () -> {
                effect(effects, "a", "effect");
                return "A";
            });
            hangIf(hangAt, "between-a-b");
            String b = ctx.transactionalStep("b", String.class, c -> {
                insert(c, "b", "effect");
                hangIf(hangAt, "inside-b");
                return "B";
            });
            String c = ctx.step("c", String.class, () -> {
                effect(effects, "c", "started");
                hangIf(hangAt, "inside-c");
                effect(effects, "c", "effect");
                return "C";
            });
            return a + b + c;
        });
    }

    private static void hangIf(String hangAt, String point) throws InterruptedException {
        if (hangAt.equals(point)) {
            System.out.println("AT " + point);
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
        }
    }

    private static void effect(DataSource dataSource, String step, String kind) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            insert(c, step, kind);
        }
    }

    private static void insert(Connection c, String step, String kind) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO crash_effects (step, kind) VALUES (?, ?)")) {
            ps.setString(1, step);
            ps.setString(2, kind);
            ps.executeUpdate();
        }
    }
}
