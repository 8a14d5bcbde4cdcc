import dev.pgqrs.Pgqrs;
import dev.pgqrs.Store;
import dev.pgqrs.store.QueueSettings;
import dev.pgqrs.store.sqlite.SqliteDialect;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Where the plain queue's cost on SQLite comes from: the dequeue and archive of a plain queue drained over plain
 * JDBC, one connection, in variants of schema (today's, or without the four flow-control indexes) × statements
 * (today's dialect, or the statements of 4e5fa53, the engine before the delivery fence and the original's lease
 * rules: copied below as they were, as a historical baseline). The variants run interleaved, order rotating per
 * round, each on a fresh copy of one installed file, so a slow spell of the machine falls on all of them.
 *
 * <pre>
 * mvn -B -q -pl benchmarks -am package -DskipTests
 * java -cp 'benchmarks/target/lib/*' benchmarks/scripts/PlainPathSqlite.java 20000 25 50
 * java -cp 'benchmarks/target/lib/*' benchmarks/scripts/PlainPathSqlite.java 3000 21 1
 * </pre>
 * Arguments: messages per drain, rounds (the first is dropped), batch sizes. Prints, per batch and variant, the
 * median msg/s over the rounds and the median µs per message spent in each statement (its commit included).
 *
 * <p>{@code steps} as the only argument counts instead, with the sqlite3 shell's {@code .stats stmt}, the virtual
 * machine steps of one dequeue of 50 messages and of their archive in each variant: a figure that does not depend
 * on how busy the machine is (needs {@code sqlite3} on the PATH).
 */
public class PlainPathSqlite {

    static final String SEED_DEQUEUE = """
            UPDATE pgqrs_messages
            SET read_ct            = CASE WHEN read_ct >= ?1 THEN read_ct ELSE read_ct + 1 END,
                vt                 = CASE WHEN read_ct >= ?1 THEN vt
                                          ELSE strftime('%Y-%m-%d %H:%M:%f', 'now', printf('%+.3f seconds', ?4 / 1000.0)) END,
                dequeued_at        = CASE WHEN read_ct >= ?1 THEN dequeued_at
                                          ELSE coalesce(dequeued_at, strftime('%Y-%m-%d %H:%M:%f', 'now')) END,
                consumer_worker_id = CASE WHEN read_ct >= ?1 THEN consumer_worker_id ELSE ?5 END,
                archived_at        = CASE WHEN read_ct >= ?1 THEN strftime('%Y-%m-%d %H:%M:%f', 'now') END,
                dead_lettered_at   = CASE WHEN read_ct >= ?1 THEN strftime('%Y-%m-%d %H:%M:%f', 'now') END
            WHERE id IN (
                SELECT id FROM pgqrs_messages
                WHERE queue_id = ?2 AND archived_at IS NULL AND vt <= strftime('%Y-%m-%d %H:%M:%f', 'now')
                ORDER BY vt, enqueued_at, id
                LIMIT ?3)
            RETURNING id, payload, enqueued_at, vt, read_ct, dequeued_at, producer_worker_id, consumer_worker_id,
                      archived_at, dead_lettered_at, last_error""";

    static final String SEED_ARCHIVE = """
            UPDATE pgqrs_messages
            SET archived_at = strftime('%Y-%m-%d %H:%M:%f', 'now')
            WHERE id IN (SELECT value FROM json_each(?1)) AND consumer_worker_id = ?2 AND archived_at IS NULL
            RETURNING id""";

    static final List<String> FLOW_CONTROL_INDEXES = List.of("pgqrs_messages_dedup_key_idx",
            "pgqrs_messages_dedup_expiry_idx", "pgqrs_messages_priority_idx", "pgqrs_messages_ordering_key_idx");

    /** {@code fenced}: the archive takes the deliveries' read counts (today's) or not (4e5fa53's). */
    record Variant(String name, List<String> droppedIndexes, String dequeue, String archive, boolean fenced) {
    }

    static final Map<String, List<Double>> RATES = new TreeMap<>();
    static final Map<String, List<Double>> MICROS = new TreeMap<>();

    public static void main(String[] args) throws Exception {
        if (args.length == 1 && args[0].equals("steps")) {
            countSteps();
            return;
        }
        int messages = Integer.parseInt(args[0]);
        int rounds = Integer.parseInt(args[1]);
        int[] batches = Arrays.stream(args).skip(2).mapToInt(Integer::parseInt).toArray();
        List<Variant> variants = variants();
        Path installed = installed();
        Path dir = installed.getParent();
        for (int round = 0; round < rounds; round++) {
            for (int batch : batches) {
                List<Variant> order = new ArrayList<>(variants);
                Collections.rotate(order, round);
                for (Variant v : order) {
                    drain(installed, dir.resolve("run.db"), v, messages, batch, round > 0);
                }
            }
        }
        print("msg/s", RATES, "%8.0f");
        print("µs per message in each statement", MICROS, "%8.2f");
    }

    static List<Variant> variants() {
        SqliteDialect dialect = new SqliteDialect();
        String dequeue = dialect.dequeue(QueueSettings.PLAIN);
        String archive = dialect.archive();
        return List.of(
                new Variant("today's statements, today's schema", List.of(), dequeue, archive, true),
                new Variant("today's statements, no flow-control indexes", FLOW_CONTROL_INDEXES, dequeue, archive, true),
                new Variant("4e5fa53's statements, today's schema", List.of(), SEED_DEQUEUE, SEED_ARCHIVE, false),
                new Variant("4e5fa53's statements, no flow-control indexes", FLOW_CONTROL_INDEXES, SEED_DEQUEUE,
                        SEED_ARCHIVE, false));
    }

    // A file with today's schema installed by the engine, copied for every drain.
    static Path installed() throws Exception {
        Path installed = Files.createTempDirectory("plain-path").resolve("installed.db");
        try (Store store = Pgqrs.connect("sqlite:" + installed)) {
            store.admin().install();
        }
        return installed;
    }

    // One dequeue of 50 due messages and the archive of the 50, each in the sqlite3 shell with its statistics.
    static void countSteps() throws Exception {
        Path installed = installed();
        Path file = installed.getParent().resolve("steps.db");
        String ids = json(java.util.stream.IntStream.rangeClosed(1, 50).boxed().toList());
        String readCounts = json(Collections.nCopies(50, 1));
        System.out.println("virtual machine steps for 50 messages (dequeue, archive):");
        for (Variant v : variants()) {
            Files.deleteIfExists(file);
            Files.copy(installed, file);
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
                prepare(c, v, 1000);
            }
            StringBuilder script = new StringBuilder(".parameter set @p1 5\n.parameter set @p2 1\n"
                    + ".parameter set @p3 50\n.parameter set @p4 30000\n.parameter set @p5 1\n.stats stmt\n")
                    .append(named(v.dequeue())).append(";\n.stats off\n.parameter clear\n")
                    .append(".parameter set @p1 '").append(ids).append("'\n");
            if (v.fenced()) {
                script.append(".parameter set @p2 '").append(readCounts).append("'\n.parameter set @p3 1\n");
            } else {
                script.append(".parameter set @p2 1\n");
            }
            script.append(".stats stmt\n").append(named(v.archive())).append(";\n");
            Process shell = new ProcessBuilder("sqlite3", file.toString()).redirectErrorStream(true).start();
            try (var in = shell.getOutputStream()) {
                in.write(script.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            List<String> steps = new ArrayList<>();
            for (String line : new String(shell.getInputStream().readAllBytes()).split("\n")) {
                if (line.startsWith("Virtual Machine Steps:")) {
                    steps.add(line.substring(line.indexOf(':') + 1).trim());
                }
            }
            if (shell.waitFor() != 0 || steps.size() != 2) {
                throw new IllegalStateException(v.name() + ": the sqlite3 shell did not report two statements");
            }
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
                 ResultSet rs = c.createStatement().executeQuery(
                         "SELECT count(*) FROM pgqrs_messages WHERE archived_at IS NOT NULL AND read_ct = 1")) {
                if (!rs.next() || rs.getInt(1) != 50) {
                    throw new IllegalStateException(v.name() + ": the archive did not settle the 50 deliveries");
                }
            }
            System.out.printf("  %-52s %8s %8s%n", v.name(), steps.get(0), steps.get(1));
        }
    }

    // The shell binds named parameters: ?1 becomes @p1.
    static String named(String sql) {
        return sql.replaceAll("\\?(\\d)", "@p$1");
    }

    static void print(String what, Map<String, List<Double>> figures, String format) {
        System.out.println(what + " (median, min–max over the rounds after the first):");
        for (var e : figures.entrySet()) {
            List<Double> l = new ArrayList<>(e.getValue());
            Collections.sort(l);
            System.out.printf("  %-72s " + format + "  (" + format.trim() + "–" + format.trim() + ")%n",
                    e.getKey(), l.get(l.size() / 2), l.get(0), l.get(l.size() - 1));
        }
    }

    static void drain(Path installed, Path file, Variant v, int messages, int batch, boolean record) throws Exception {
        for (String suffix : List.of("", "-wal", "-shm")) {
            Files.deleteIfExists(Path.of(file + suffix));
        }
        Files.copy(installed, file);
        // The pragmas the engine opens SQLite with.
        Properties pragmas = new Properties();
        pragmas.setProperty("journal_mode", "WAL");
        pragmas.setProperty("busy_timeout", "5000");
        pragmas.setProperty("foreign_keys", "true");
        pragmas.setProperty("synchronous", "NORMAL");
        pragmas.setProperty("transaction_mode", "IMMEDIATE");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file, pragmas)) {
            prepare(c, v, messages);
            c.setAutoCommit(false);
            try (PreparedStatement dq = c.prepareStatement(v.dequeue());
                 PreparedStatement ack = c.prepareStatement(v.archive())) {
                long dequeueNanos = 0;
                long archiveNanos = 0;
                int done = 0;
                long start = System.nanoTime();
                while (true) {
                    long t0 = System.nanoTime();
                    List<Long> ids = new ArrayList<>();
                    List<Integer> readCounts = new ArrayList<>();
                    dq.setInt(1, 5);
                    dq.setLong(2, 1);
                    dq.setInt(3, batch);
                    dq.setLong(4, 30_000);
                    dq.setLong(5, 1);
                    try (ResultSet rs = dq.executeQuery()) {
                        while (rs.next()) {
                            ids.add(rs.getLong("id"));
                            readCounts.add(rs.getInt("read_ct"));
                            rs.getString("payload");
                        }
                    }
                    c.commit();
                    long t1 = System.nanoTime();
                    dequeueNanos += t1 - t0;
                    if (ids.isEmpty()) {
                        break;
                    }
                    ack.setString(1, json(ids));
                    if (v.fenced()) {
                        ack.setString(2, json(readCounts));
                        ack.setLong(3, 1);
                    } else {
                        ack.setLong(2, 1);
                    }
                    int archived = 0;
                    try (ResultSet rs = ack.executeQuery()) {
                        while (rs.next()) {
                            archived++;
                        }
                    }
                    c.commit();
                    archiveNanos += System.nanoTime() - t1;
                    if (archived != ids.size()) {
                        throw new IllegalStateException(v.name() + ": archived " + archived + " of " + ids.size());
                    }
                    done += archived;
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                if (done != messages) {
                    throw new IllegalStateException(v.name() + ": drained " + done + " of " + messages);
                }
                if (record) {
                    String key = "batch " + batch + ", " + v.name();
                    RATES.computeIfAbsent(key, k -> new ArrayList<>()).add(done / seconds);
                    MICROS.computeIfAbsent(key + ": dequeue", k -> new ArrayList<>()).add(dequeueNanos / 1e3 / done);
                    MICROS.computeIfAbsent(key + ": archive", k -> new ArrayList<>()).add(archiveNanos / 1e3 / done);
                }
            }
        }
    }

    // A queue, one worker of this edition, the backlog (due a second ago, about 256 bytes each), fresh statistics.
    static void prepare(Connection c, Variant v, int messages) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (String index : v.droppedIndexes()) {
                s.execute("DROP INDEX " + index);
            }
            s.execute("INSERT INTO pgqrs_queues (queue_name) VALUES ('q')");
            s.execute("INSERT INTO pgqrs_workers (name, queue_id, status, edition) VALUES ('w', 1, 'ready', 'java')");
            String payload = "{\"order\":1234567890,\"pad\":\"" + "x".repeat(220) + "\"}";
            s.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < " + messages + ") "
                    + "INSERT INTO pgqrs_messages (queue_id, payload, vt, enqueued_at) SELECT 1, '" + payload + "', "
                    + "strftime('%Y-%m-%d %H:%M:%f', 'now', '-1 seconds'), "
                    + "strftime('%Y-%m-%d %H:%M:%f', 'now', '-1 seconds') FROM n");
            s.execute("ANALYZE");
            s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
        }
    }

    static String json(List<? extends Number> values) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < values.size(); i++) {
            b.append(i == 0 ? "" : ",").append(values.get(i));
        }
        return b.append(']').toString();
    }
}
