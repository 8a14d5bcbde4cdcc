import dev.pgqrs.Pgqrs;
import dev.pgqrs.QueueInfo;
import dev.pgqrs.QueueMetrics;
import dev.pgqrs.Store;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * {@code queues().metrics()} over many queues: one statement for all of them (today) against one statement per queue
 * (what it ran before: the queue list, then {@code metrics(name)} for each), interleaved in one process on the same
 * data. Each queue holds {@code rows} messages filled by SQL, half archived and half pending, settled before timing.
 *
 * <pre>
 * mvn -B -q -pl benchmarks -am package -DskipTests
 * java -cp 'benchmarks/target/lib/*:benchmarks/target/benchmarks.jar' benchmarks/scripts/QueueMetricsStatements.java 10 100000 9
 * </pre>
 * Arguments: queues, rows per queue, rounds (the first is not counted). Starts its own embedded PostgreSQL and a
 * SQLite file.
 */
public class QueueMetricsStatements {

    public static void main(String[] args) throws Exception {
        int queues = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int rows = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 9;
        System.out.printf(Locale.ROOT, "%d queues x %d rows (half archived, half pending), %d rounds counted%n",
                queues, rows, rounds - 1);
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on").setServerConfig("full_page_writes", "on").start()) {
            String url = pg.getJdbcUrl("postgres", "postgres");
            measure("PostgreSQL", url, "postgresql://postgres@localhost:" + pg.getPort() + "/postgres", queues, rows, rounds);
        }
        Path dir = Files.createTempDirectory("pgqrs-metrics");
        Path file = dir.resolve("metrics.db");
        measure("SQLite", "jdbc:sqlite:" + file, "sqlite://" + file, queues, rows, rounds);
    }

    static void measure(String backend, String jdbcUrl, String dsn, int queues, int rows, int rounds) throws Exception {
        try (Store store = Pgqrs.connect(dsn)) {
            store.admin().install();
            boolean postgres = backend.equals("PostgreSQL");
            try (Connection c = DriverManager.getConnection(jdbcUrl, "postgres", "")) {
                for (int q = 0; q < queues; q++) {
                    QueueInfo queue = store.queues().create("metrics_" + q);
                    fill(c, postgres, queue.id(), rows / 2, true);
                    fill(c, postgres, queue.id(), rows - rows / 2, false);
                }
                try (Statement s = c.createStatement()) {
                    s.execute(postgres ? "VACUUM ANALYZE" : "ANALYZE");
                    if (postgres) {
                        s.execute("CHECKPOINT");
                    }
                }
            }
            List<Double> perQueue = new ArrayList<>();
            List<Double> oneStatement = new ArrayList<>();
            List<QueueMetrics> a = null;
            List<QueueMetrics> b = null;
            for (int round = 0; round < rounds; round++) {
                boolean oneFirst = round % 2 == 1;
                for (int turn = 0; turn < 2; turn++) {
                    long t0 = System.nanoTime();
                    if ((turn == 0) == oneFirst) {
                        b = store.queues().metrics();
                        record(round, oneStatement, t0);
                    } else {
                        a = new ArrayList<>();
                        for (QueueInfo q : store.queues().list()) {
                            a.add(store.queues().metrics(q.name()));
                        }
                        record(round, perQueue, t0);
                    }
                }
            }
            for (int i = 0; i < a.size(); i++) {
                if (a.get(i).total() != b.get(i).total() || a.get(i).archived() != b.get(i).archived()
                        || a.get(i).pending() != b.get(i).pending()) {
                    throw new IllegalStateException("the two disagree on " + a.get(i).queue() + ": " + a.get(i) + " / " + b.get(i));
                }
            }
            double per = median(perQueue);
            double one = median(oneStatement);
            System.out.printf(Locale.ROOT, "%-10s  per queue (list + %d statements) %8.1f ms   one statement %8.1f ms   "
                    + "one ÷ per queue %.2f×%n", backend, queues, per, one, one / per);
        }
    }

    static void record(int round, List<Double> into, long t0) {
        if (round > 0) {
            into.add((System.nanoTime() - t0) / 1e6);
        }
    }

    static void fill(Connection c, boolean postgres, long queueId, int n, boolean archived) throws Exception {
        String sql = postgres
                ? "INSERT INTO pgqrs_messages (queue_id, payload, vt, enqueued_at, archived_at) "
                        + "SELECT ?, jsonb_build_object('seq', g), now() - interval '1 hour', now() - interval '1 hour', "
                        + "CASE WHEN ? THEN now() - interval '30 minutes' END FROM generate_series(1, ?) g"
                : "WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < ?3) "
                        + "INSERT INTO pgqrs_messages (queue_id, payload, vt, enqueued_at, archived_at) "
                        + "SELECT ?1, json_object('seq', n), strftime('%Y-%m-%d %H:%M:%f', 'now', '-1 hours'), "
                        + "strftime('%Y-%m-%d %H:%M:%f', 'now', '-1 hours'), "
                        + "CASE WHEN ?2 THEN strftime('%Y-%m-%d %H:%M:%f', 'now', '-30 minutes') END FROM g";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, queueId);
            ps.setBoolean(2, archived);
            ps.setInt(3, n);
            ps.executeUpdate();
        }
    }

    static double median(List<Double> xs) {
        List<Double> sorted = new ArrayList<>(xs);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
