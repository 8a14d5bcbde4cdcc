import dev.pgqrs.Pgqrs;
import dev.pgqrs.Store;
import dev.pgqrs.store.QueueSettings;
import dev.pgqrs.store.postgres.PostgresDialect;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Where the plain queue's cost on PostgreSQL comes from, counted by the server: the dequeue and archive of a plain
 * queue drained over plain JDBC by one consumer, in variants of schema × statements, each variant in a database of
 * its own so that {@code pg_stat_statements} keeps their counts apart. Reported per statement call: shared buffers
 * touched and WAL bytes written (deterministic for a given schema and statement: they do not depend on how busy the
 * machine is), and the mean execution time (which does).
 *
 * <p>Schemas: today's; without the four flow-control indexes (dedup key, dedup expiry, priority, ordering key);
 * without the original's foreign keys from messages to workers and its producer index; without both (which is
 * 4e5fa53's schema plus nullable columns). Statements: today's dialect, or 4e5fa53's (the engine before the delivery
 * fence and the original's lease rules, copied below as they were: a historical baseline).
 *
 * <pre>
 * mvn -B -q -pl benchmarks -am package -DskipTests
 * java -cp 'benchmarks/target/lib/*' benchmarks/scripts/PlainPathPostgres.java 4 20000 50
 * </pre>
 * Arguments: rounds, messages per drain, batch size. Starts its own embedded PostgreSQL (durability on).
 */
public class PlainPathPostgres {

    static final String SEED_DEQUEUE = """
            WITH picked AS (
                SELECT id, read_ct >= ? AS dead
                FROM pgqrs_messages
                WHERE queue_id = ? AND archived_at IS NULL AND vt <= now()
                ORDER BY vt, enqueued_at, id
                LIMIT ?
                FOR UPDATE SKIP LOCKED
            )
            UPDATE pgqrs_messages m
            SET read_ct            = CASE WHEN p.dead THEN m.read_ct ELSE m.read_ct + 1 END,
                vt                 = CASE WHEN p.dead THEN m.vt ELSE now() + ? * interval '1 millisecond' END,
                dequeued_at        = CASE WHEN p.dead THEN m.dequeued_at ELSE coalesce(m.dequeued_at, now()) END,
                consumer_worker_id = CASE WHEN p.dead THEN m.consumer_worker_id ELSE ? END,
                archived_at        = CASE WHEN p.dead THEN now() END,
                dead_lettered_at   = CASE WHEN p.dead THEN now() END
            FROM picked p
            WHERE m.id = p.id
            RETURNING m.id, m.payload::text, m.enqueued_at, m.vt, m.read_ct, m.dequeued_at, m.producer_worker_id,
                      m.consumer_worker_id, m.archived_at, m.dead_lettered_at, m.last_error""";

    static final String SEED_ARCHIVE = """
            UPDATE pgqrs_messages
            SET archived_at = now()
            WHERE id = ANY(?) AND consumer_worker_id = ? AND archived_at IS NULL
            RETURNING id""";

    static final List<String> FLOW_CONTROL_INDEXES = List.of("DROP INDEX pgqrs_messages_dedup_key_idx",
            "DROP INDEX pgqrs_messages_dedup_expiry_idx", "DROP INDEX pgqrs_messages_priority_idx",
            "DROP INDEX pgqrs_messages_ordering_key_idx");
    static final List<String> ORIGINALS_WORKER_REFERENCES = List.of(
            "ALTER TABLE pgqrs_messages DROP CONSTRAINT fk_messages_consumer_worker_id",
            "ALTER TABLE pgqrs_messages DROP CONSTRAINT fk_messages_producer_worker_id",
            "DROP INDEX idx_pgqrs_messages_producer_worker_id");

    /** {@code fenced}: the archive takes the deliveries' read counts (today's) or not (4e5fa53's). */
    record Variant(String database, String name, List<String> ddl, String dequeue, String archive, boolean fenced) {
    }

    public static void main(String[] args) throws Exception {
        int rounds = Integer.parseInt(args[0]);
        int messages = Integer.parseInt(args[1]);
        int batch = Integer.parseInt(args[2]);
        PostgresDialect dialect = new PostgresDialect();
        String dequeue = dialect.dequeue(QueueSettings.PLAIN);
        String archive = dialect.archive();
        List<String> neither = new ArrayList<>(FLOW_CONTROL_INDEXES);
        neither.addAll(ORIGINALS_WORKER_REFERENCES);
        List<Variant> variants = List.of(
                new Variant("today", "today's statements, today's schema", List.of(), dequeue, archive, true),
                new Variant("no_flow_control", "today's statements, no flow-control indexes", FLOW_CONTROL_INDEXES,
                        dequeue, archive, true),
                new Variant("no_worker_refs", "today's statements, no worker FKs, no producer index",
                        ORIGINALS_WORKER_REFERENCES, dequeue, archive, true),
                new Variant("neither", "today's statements, neither", neither, dequeue, archive, true),
                new Variant("seed_neither", "4e5fa53's statements, neither", neither, SEED_DEQUEUE, SEED_ARCHIVE,
                        false),
                new Variant("seed_today", "4e5fa53's statements, today's schema", List.of(), SEED_DEQUEUE,
                        SEED_ARCHIVE, false));
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder()
                .setDataDirectory(Files.createTempDirectory("plain-path-pg"))
                .setCleanDataDirectory(true)
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("full_page_writes", "on")
                .setServerConfig("shared_preload_libraries", "pg_stat_statements")
                .start()) {
            String base = "jdbc:postgresql://localhost:" + pg.getPort() + "/";
            try (Connection admin = DriverManager.getConnection(base + "postgres", "postgres", "postgres");
                 Statement s = admin.createStatement()) {
                s.execute("CREATE EXTENSION pg_stat_statements");
                for (Variant v : variants) {
                    s.execute("CREATE DATABASE " + v.database());
                    try (Store store = Pgqrs.connect("postgres://postgres:postgres@localhost:" + pg.getPort() + "/"
                            + v.database())) {
                        store.admin().install();
                    }
                    try (Connection c = DriverManager.getConnection(base + v.database(), "postgres", "postgres");
                         Statement ddl = c.createStatement()) {
                        for (String statement : v.ddl()) {
                            ddl.execute(statement);
                        }
                        ddl.execute("INSERT INTO pgqrs_queues (queue_name) VALUES ('q')");
                        ddl.execute("INSERT INTO pgqrs_workers (name, queue_id, status, edition) VALUES ('w', 1, 'ready', 'java')");
                    }
                }
                for (int round = 0; round < rounds; round++) {
                    List<Variant> order = new ArrayList<>(variants);
                    Collections.rotate(order, round);
                    for (Variant v : order) {
                        drain(base + v.database(), v, messages, batch);
                    }
                }
                report(admin, variants, batch);
            }
        }
    }

    static void report(Connection admin, List<Variant> variants, int batch) throws SQLException {
        System.out.printf(Locale.ROOT, "per call of %d messages: shared buffers, WAL bytes, mean execution µs%n", batch);
        String sql = """
                SELECT s.calls, s.shared_blks_hit + s.shared_blks_read, s.wal_bytes, s.mean_exec_time
                FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
                WHERE d.datname = ? AND s.query LIKE ? AND s.calls > 10""";
        try (PreparedStatement ps = admin.prepareStatement(sql)) {
            for (Variant v : variants) {
                for (String[] statement : List.of(new String[] {"dequeue", "WITH picked%"},
                        new String[] {"archive", "UPDATE pgqrs_messages%archived_at = now()%"})) {
                    ps.setString(1, v.database());
                    ps.setString(2, statement[1]);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            long calls = rs.getLong(1);
                            System.out.printf(Locale.ROOT, "  %-56s %-8s %8.1f buffers %8.0f WAL bytes %8.1f µs%n",
                                    v.name(), statement[0], rs.getDouble(2) / calls, rs.getDouble(3) / calls,
                                    rs.getDouble(4) * 1000);
                        }
                    }
                }
            }
        }
    }

    static void drain(String url, Variant v, int messages, int batch) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, "postgres", "postgres")) {
            try (Statement s = c.createStatement()) {
                s.execute("DELETE FROM pgqrs_messages");
                s.execute("INSERT INTO pgqrs_messages (queue_id, payload, vt, enqueued_at) SELECT 1, "
                        + "jsonb_build_object('order', i, 'pad', repeat('x', 220)), now() - interval '1 second', "
                        + "now() - interval '1 second' FROM generate_series(1, " + messages + ") i");
                s.execute("VACUUM ANALYZE pgqrs_messages");
                s.execute("VACUUM ANALYZE pgqrs_workers");
                s.execute("CHECKPOINT");
            }
            try (PreparedStatement dq = c.prepareStatement(v.dequeue());
                 PreparedStatement ack = c.prepareStatement(v.archive())) {
                int done = 0;
                while (true) {
                    dq.setInt(1, 5);
                    dq.setLong(2, 1);
                    dq.setInt(3, batch);
                    dq.setLong(4, 30_000);
                    dq.setLong(5, 1);
                    List<Long> ids = new ArrayList<>();
                    List<Integer> readCounts = new ArrayList<>();
                    try (ResultSet rs = dq.executeQuery()) {
                        while (rs.next()) {
                            ids.add(rs.getLong(1));
                            readCounts.add(rs.getInt(5));
                            rs.getString(2);
                        }
                    }
                    if (ids.isEmpty()) {
                        break;
                    }
                    ack.setArray(1, c.createArrayOf("bigint", ids.toArray()));
                    if (v.fenced()) {
                        ack.setArray(2, c.createArrayOf("integer", readCounts.toArray()));
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
                    if (archived != ids.size()) {
                        throw new IllegalStateException(v.name() + ": archived " + archived + " of " + ids.size());
                    }
                    done += archived;
                }
                if (done != messages) {
                    throw new IllegalStateException(v.name() + ": drained " + done + " of " + messages);
                }
            }
        }
    }
}
