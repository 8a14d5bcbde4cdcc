package dev.pgqrs.fault;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import dev.pgqrs.ConfigException;
import dev.pgqrs.Consumer;
import dev.pgqrs.InvalidNameException;
import dev.pgqrs.InvalidPayloadException;
import dev.pgqrs.Message;
import dev.pgqrs.Pgqrs;
import dev.pgqrs.PgqrsException;
import dev.pgqrs.Producer;
import dev.pgqrs.QueueMetrics;
import dev.pgqrs.ShutdownMode;
import dev.pgqrs.Store;
import dev.pgqrs.StoreUnavailableException;
import dev.pgqrs.config.Dsn;
import dev.pgqrs.config.PgqrsConfig;
import dev.pgqrs.testing.BackendKind;
import dev.pgqrs.testing.ConformanceTest;
import dev.pgqrs.testing.PostgresServer;
import dev.pgqrs.testing.TestBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Hostile input, table-driven: names, DSNs and payloads an attacker or a careless caller might send.
 * Each case either works end to end safely (it was a bound parameter: the tables are intact
 * afterwards) or fails with a clear error of the pgqrs hierarchy naming the rule; a refused payload
 * leaves nothing enqueued, and no password shows in any message, {@code toString} or log line.
 * Names and payloads run on every backend; schema names and DSNs are PostgreSQL's (SQLite has
 * neither schemas nor servers), with the DSN parse cases run once.
 */
class HostileInputConformanceTest {

    private static final AtomicInteger CASES = new AtomicInteger();
    private static final AtomicInteger ACCEPTED = new AtomicInteger();
    private static final AtomicInteger REFUSED = new AtomicInteger();
    private static final String SECRET = "Hx7-s3cret!pw";

    @AfterAll
    static void summary() {
        System.out.printf("hostile inputs: %d cases, %d accepted, %d refused%n", CASES.get(), ACCEPTED.get(), REFUSED.get());
    }

    /** A case's expected outcome: accepted, or refused with an error of that type whose message has that fragment. */
    private record Outcome(Class<? extends PgqrsException> error, String fragment) {
        static final Outcome ACCEPT = new Outcome(null, null);

        static Outcome refuse(Class<? extends PgqrsException> error, String fragment) {
            return new Outcome(error, fragment);
        }
    }

    private record Case<T>(String label, T input, Outcome outcome) {
    }

    private static <T> Case<T> accept(String label, T input) {
        return new Case<>(label, input, Outcome.ACCEPT);
    }

    private static <T> Case<T> refuse(String label, T input, Class<? extends PgqrsException> error, String fragment) {
        return new Case<>(label, input, Outcome.refuse(error, fragment));
    }

    /** Runs the action; checks the outcome the case expects, and counts it. */
    private static <T> void check(Case<T> c, Runnable action) {
        CASES.incrementAndGet();
        Throwable error = catchThrowable(action::run);
        if (c.outcome().error() == null) {
            assertThat(error).as("%s should be accepted", c.label()).isNull();
            ACCEPTED.incrementAndGet();
        } else {
            assertThat(error).as("%s should be refused", c.label()).isInstanceOf(c.outcome().error())
                    .hasMessageContaining(c.outcome().fragment());
            REFUSED.incrementAndGet();
        }
    }

    // ---- names ---------------------------------------------------------------------------------

    private static final List<Case<String>> NAMES = List.of(
            refuse("empty", "", InvalidNameException.class, "must not be empty"),
            refuse("300 characters", "n".repeat(300), InvalidNameException.class, "300 characters, more than the limit of 255"),
            refuse("NUL", "orders\u0000admin", InvalidNameException.class, "NUL character"),
            refuse("newline (forged log line)", "orders\n12:00:00 ERROR fake", InvalidNameException.class, "control character"),
            refuse("lone surrogate", "orders\ud800", InvalidNameException.class, "lone UTF-16 surrogate"),
            accept("255 characters", "n".repeat(255)),
            accept("quotes", "it's \"quoted\""),
            accept("SQL injection", "'; DROP TABLE pgqrs_messages; --"),
            accept("path traversal", "../../etc/passwd"),
            accept("colon", "orders:eu"),
            accept("space", "my queue"),
            accept("accents", "commandes-été"),
            accept("CJK", "注文キュー"),
            accept("emoji", "📦 parcels"),
            accept("mixed case", "Orders"),
            accept("lower case twin", "orders"),
            accept("format specifiers", "%s%n%d"),
            accept("URI characters", "a?b=c&d#e%20"),
            accept("backslashes", "C:\\queue\\"));

    @ConformanceTest
    void queueNames(TestBackend backend) throws Exception {
        Store store = backend.open();
        List<String> created = new ArrayList<>();
        for (Case<String> c : NAMES) {
            check(c, () -> {
                store.queues().create(c.input());
                created.add(c.input());
                roundTrip(store, c.input());
            });
        }
        assertThat(store.queues().list()).hasSize(created.size());
        for (String name : created) {
            assertThat(store.queues().get(name).name()).isEqualTo(name);
            assertThat(store.queues().purge(name)).as(name).isEqualTo(2);
            store.queues().delete(name);
        }
        assertTablesIntact(backend);
    }

    /** Enqueue (one and a batch), consume, settle and measure a queue. */
    private static void roundTrip(Store store, String queue) {
        try (Producer producer = store.producer(queue)) {
            producer.enqueue(Map.of("queue", queue));
            producer.enqueueBatch(List.of(Map.of("n", 1)));
        }
        try (Consumer consumer = store.consumer(queue)) {
            List<Message> got = consumer.dequeue(10);
            assertThat(got).hasSize(2).allSatisfy(m -> assertThat(m.queue()).isEqualTo(queue));
            assertThat(got.get(0).payload().get("queue").asText()).isEqualTo(queue);
            assertThat(consumer.archive(got.get(0))).isTrue();
            consumer.close(ShutdownMode.RELEASE_HELD);
        }
        QueueMetrics m = store.queues().metrics(queue);
        assertThat(m.total()).isEqualTo(2);
        assertThat(m.archived()).isEqualTo(1);
    }

    @ConformanceTest
    void workflowNames(TestBackend backend) throws Exception {
        Store store = backend.open();
        for (Case<String> c : NAMES) {
            check(c, () -> {
                store.workflows().register(c.input());
                store.workflows().trigger(c.input(), Map.of("name", c.input()));
                assertThat(store.queues().metrics(c.input()).total()).isEqualTo(1);
            });
        }
        assertTablesIntact(backend);
    }

    @Test
    void schemaNames() throws Exception {
        // PostgreSQL only: SQLite has no schemas (the setting is ignored there).
        PostgresServer pg = PostgresServer.get();
        List<Case<String>> cases = List.of(
                refuse("empty", "", ConfigException.class, "must not be empty"),
                refuse("64 bytes", "s".repeat(64), ConfigException.class, "more than PostgreSQL's limit of 63"),
                refuse("NUL", "a\u0000b", ConfigException.class, "invalid schema name"),
                refuse("quote", "a\"b", ConfigException.class, "ASCII letters, digits, '_' or '$'"),
                refuse("SQL injection", "x; DROP SCHEMA public CASCADE; --", ConfigException.class, "invalid schema name"),
                refuse("path traversal", "../x", ConfigException.class, "invalid schema name"),
                refuse("unicode", "schéma", ConfigException.class, "invalid schema name"),
                refuse("leading digit", "1st", ConfigException.class, "first character"),
                accept("mixed case", "Hostile_" + System.nanoTime() % 100_000),
                accept("dollar", "h$" + System.nanoTime() % 100_000),
                accept("63 bytes", "_".repeat(50) + System.nanoTime() % 10_000_000_000_000L));
        for (Case<String> c : cases) {
            check(c, () -> {
                PgqrsConfig config = PgqrsConfig.builder().dsn(pg.dsn()).schema(c.input()).installOnConnect(true).build();
                pg.createSchema(c.input());
                try (Store store = Pgqrs.connect(config)) {
                    store.queues().create("orders");
                    roundTrip(store, "orders");
                } finally {
                    pg.dropSchema(c.input());
                }
            });
        }
        try (Connection c = pg.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_namespace WHERE nspname = 'public'")) {
            rs.next();
            assertThat(rs.getInt(1)).as("schema public is intact").isEqualTo(1);
        }
    }

    private static void assertTablesIntact(TestBackend backend) throws Exception {
        try (Connection c = backend.jdbc(); Statement s = c.createStatement()) {
            for (String table : List.of("pgqrs_queues", "pgqrs_workers", "pgqrs_messages", "pgqrs_workflows", "pgqrs_workflow_runs")) {
                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
                    assertThat(rs.next()).as(table).isTrue();
                }
            }
        }
    }

    // ---- DSNs ------------------------------------------------------------------------------------

    @Test
    void dsnsThatDoNotParse() {
        List<Case<String>> cases = List.of(
                refuse("empty", "", ConfigException.class, "DSN is empty"),
                refuse("unencoded '/' in the password", "postgres://app:" + SECRET + "/x@db/app", ConfigException.class, "percent-encode"),
                refuse("unencoded '?' in the password", "postgres://app:" + SECRET + "?x@db/app", ConfigException.class, "not a number"),
                refuse("unencoded '#' in the password", "postgres://app:" + SECRET + "#x@db/app", ConfigException.class, "malformed"),
                refuse("no host", "postgres://app:" + SECRET + "@/app", ConfigException.class, "the host is missing"),
                refuse("port out of range", "postgres://app:" + SECRET + "@db:99999/app", ConfigException.class, "outside 1-65535"),
                refuse("bad percent-encoding", "postgres://app:" + SECRET + "%zz@db/app", ConfigException.class, "percent-encoding"),
                refuse("unknown scheme", "mysql://root:" + SECRET + "@db/app", ConfigException.class, "unsupported DSN"),
                refuse("unknown scheme, password only", "redis://:" + SECRET + "@cache", ConfigException.class, "unsupported DSN"),
                refuse("a bare password", SECRET, ConfigException.class, "unsupported DSN"),
                refuse("sqlite without a file", "sqlite:", ConfigException.class, "names no file"),
                accept("password as a query parameter", "postgres://db/app?user=app&password=" + SECRET),
                accept("password parameter in upper case", "postgresql://db/app?user=app&PASSWORD=" + SECRET),
                accept("JDBC URL", "jdbc:postgresql://db:5432/app?user=app&password=" + SECRET + "&sslmode=require"),
                accept("percent-encoded '/'", "postgres://app:" + SECRET.replace("-", "%2F") + "@db/app"));
        for (Case<String> c : cases) {
            check(c, () -> {
                Dsn dsn = Dsn.parse(c.input());
                assertThat(dsn.toString()).as(c.label()).doesNotContain(SECRET).doesNotContain("s3cret");
                assertThat(PgqrsConfig.of(c.input()).toString()).doesNotContain(SECRET);
            });
            Throwable error = catchThrowable(() -> Dsn.parse(c.input()));
            if (error != null) {
                assertThat(fullText(error)).as(c.label()).doesNotContain("s3cret");
            }
        }
    }

    @Test
    void dsnsThatDoNotConnect() throws Exception {
        PostgresServer pg = PostgresServer.get();
        String checked = pg.hostWithPasswordCheckedRole("pgqrs_hostile_app", "right-password");
        String server = pg.dsn().substring(pg.dsn().lastIndexOf('@') + 1);
        String serverHost = server.substring(0, server.indexOf('/'));
        record Unreachable(String label, String dsn, String fragment) {
        }
        List<Unreachable> cases = List.of(
                new Unreachable("wrong password", "postgres://pgqrs_hostile_app:" + SECRET + "@" + checked, "password authentication failed"),
                new Unreachable("wrong password as a parameter", "postgres://" + checked + "?user=pgqrs_hostile_app&password=" + SECRET,
                        "password authentication failed"),
                new Unreachable("unknown database", "postgres://postgres:" + SECRET + "@" + serverHost + "/no_such_database_here",
                        "does not exist"),
                new Unreachable("refused port", "postgres://app:" + SECRET + "@127.0.0.1:1/app", "refused"),
                new Unreachable("unknown host", "postgres://app:" + SECRET + "@no-such-host.invalid:5432/app", "no-such-host.invalid"),
                new Unreachable("unreachable host", "postgres://app:" + SECRET + "@192.0.2.1:5432/app", "cannot connect"));
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        log.start();
        root.addAppender(log);
        try {
            for (Unreachable c : cases) {
                CASES.incrementAndGet();
                PgqrsConfig config = PgqrsConfig.builder().dsn(c.dsn()).connectionTimeout(Duration.ofSeconds(1)).build();
                long start = System.nanoTime();
                Throwable error = catchThrowable(() -> Pgqrs.connect(config).close());
                long millis = (System.nanoTime() - start) / 1_000_000;
                System.out.printf("hostile DSN '%s' failed in %d ms: %s%n", c.label(), millis, error == null ? null : error.getMessage());
                assertThat(error).as(c.label()).isInstanceOf(StoreUnavailableException.class)
                        .hasMessageContaining("cannot connect to").hasMessageContaining(c.fragment());
                assertThat(fullText(error)).as(c.label()).doesNotContain(SECRET);
                assertThat(config.toString()).doesNotContain(SECRET);
                assertThat(millis).as("%s fails within connection_timeout, not the driver's defaults", c.label()).isLessThan(5_000);
                REFUSED.incrementAndGet();
            }
        } finally {
            root.detachAppender(log);
        }
        for (ILoggingEvent event : log.list) {
            String text = event.getFormattedMessage()
                    + (event.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(event.getThrowableProxy()));
            assertThat(text).as("log line of %s", event.getLoggerName()).doesNotContain(SECRET);
        }
    }

    /** Message, toString and stack trace of an error and all its causes. */
    private static String fullText(Throwable error) {
        StringWriter out = new StringWriter();
        error.printStackTrace(new PrintWriter(out));
        return out + " " + error;
    }

    // ---- payloads --------------------------------------------------------------------------------

    private static String nested(int depth) {
        return "[".repeat(depth) + "1" + "]".repeat(depth);
    }

    private static Map<String, String> bigObject(int bytes) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; m.size() * 1_010 < bytes; i++) {
            m.put("k" + i, "v".repeat(1_000));
        }
        return m;
    }

    private static final List<Case<Object>> PAYLOADS = List.of(
            refuse("trailing garbage", "{\"a\":1} trailing garbage", InvalidPayloadException.class, "not valid JSON"),
            refuse("two documents", "{\"a\":1}{\"b\":2}", InvalidPayloadException.class, "more than one JSON value"),
            refuse("two documents with a comma", "{\"a\":1},{\"b\":2}", InvalidPayloadException.class, "not valid JSON"),
            refuse("not JSON", "<xml/>", InvalidPayloadException.class, "not valid JSON"),
            refuse("empty text", "", InvalidPayloadException.class, "empty"),
            refuse("blank text", " \n\t", InvalidPayloadException.class, "empty"),
            refuse("escaped NUL", "{\"a\":\"x\\u0000\"}", InvalidPayloadException.class, "string at $.a contains a NUL"),
            refuse("NUL in a Map value", Map.of("a", "x\u0000"), InvalidPayloadException.class, "NUL"),
            refuse("NUL in a key", Map.of("k\u0000", 1), InvalidPayloadException.class, "key at $['k\\u0000'] contains a NUL"),
            refuse("escaped lone surrogate", "{\"a\":[\"\\ud800\"]}", InvalidPayloadException.class, "string at $.a[0] contains a lone"),
            refuse("lone surrogate in a Map", Map.of("a", "\udfff"), InvalidPayloadException.class, "lone UTF-16 surrogate"),
            refuse("NaN", Map.of("x", Double.NaN), InvalidPayloadException.class, "number at $.x is NaN"),
            refuse("Infinity", Map.of("x", Double.NEGATIVE_INFINITY), InvalidPayloadException.class, "-Infinity"),
            refuse("number beyond a double", "{\"x\":-1e999}", InvalidPayloadException.class, "number at $.x"),
            refuse("invalid UTF-8 bytes", new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, '(', '"', '}'},
                    InvalidPayloadException.class, "not valid UTF-8 (a malformed sequence at byte 6"),
            refuse("UTF-16 bytes", "{\"a\":1}".getBytes(StandardCharsets.UTF_16), InvalidPayloadException.class, "not valid UTF-8"),
            refuse("2 MiB object", bigObject(2 * 1024 * 1024), InvalidPayloadException.class, "more than the limit of 1048576"),
            refuse("2 MiB string", Map.of("s", "x".repeat(2 * 1024 * 1024)), InvalidPayloadException.class, "more than the limit of 1024"),
            refuse("depth 6", nested(6), InvalidPayloadException.class, "at depth 6, deeper than the limit of 5"),
            refuse("depth 50", nested(50), InvalidPayloadException.class, "deeper than the limit of 5"),
            refuse("depth 100000", nested(100_000), InvalidPayloadException.class, "not valid JSON"),
            refuse("forbidden key in an array", "[{\"__proto__\":{}}]", InvalidPayloadException.class, "forbidden key '__proto__' at $[0]"),
            refuse("constructor key", Map.of("a", Map.of("constructor", "x")), InvalidPayloadException.class, "forbidden key 'constructor'"),
            refuse("1025-byte key", Map.of("k".repeat(1025), 1), InvalidPayloadException.class, "1025 bytes"),
            refuse("Java null", null, InvalidPayloadException.class, "payload is null"),
            accept("depth 5", nested(5)),
            accept("1 MiB - a little", bigObject(1_000_000)),
            accept("JSON null", "null"),
            accept("scalar", "-12.5e3"),
            accept("string", "\"'; DROP TABLE pgqrs_messages; --\""),
            accept("emoji", Map.of("e", "😀📦")),
            accept("escapes", "{\"a\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\"}"),
            accept("bytes in UTF-8", "{\"ok\":\"é\"}".getBytes(StandardCharsets.UTF_8)));

    @ConformanceTest
    void payloads(TestBackend backend) throws Exception {
        Store store = backend.open();
        store.queues().create("hostile");
        Producer producer = store.producer("hostile");
        int accepted = 0;
        for (Case<Object> c : PAYLOADS) {
            check(c, () -> producer.enqueue(c.input()));
            if (c.outcome().error() == null) {
                accepted++;
            }
            assertThat(rows(backend)).as("rows after %s", c.label()).isEqualTo(accepted);
        }
        try (Consumer consumer = store.consumer("hostile")) {
            List<Message> got = consumer.dequeue(100);
            assertThat(got).hasSize(accepted);
            got.forEach(Message::payload); // every stored payload reads back as JSON
            consumer.archive(got);
        }
        assertTablesIntact(backend);
    }

    @ConformanceTest
    void batchesWithOneBadItem(TestBackend backend) throws Exception {
        Store store = backend.open();
        store.queues().create("hostile");
        Producer producer = store.producer("hostile");
        Function<Object, List<Object>> batchWith = bad -> {
            List<Object> batch = new ArrayList<>(List.of(Map.of("n", 0), "{\"n\":1}", "[2]"));
            batch.add(bad);
            batch.add(Map.of("n", 4));
            return batch;
        };
        for (Case<Object> c : PAYLOADS) {
            if (c.outcome().error() == null || c.input() == null) {
                continue;
            }
            Case<List<Object>> batch = refuse("batch with " + c.label(), batchWith.apply(c.input()),
                    InvalidPayloadException.class, "payload at index 3: ");
            check(batch, () -> producer.enqueueBatch(batch.input()));
            Throwable error = catchThrowable(() -> producer.enqueueBatch(batch.input()));
            assertThat(error).hasMessageContaining(c.outcome().fragment());
            assertThat(rows(backend)).as("rows after %s", batch.label()).isZero();
        }
        Case<List<Object>> splice = refuse("batch splicing a fourth message",
                List.of("{\"a\":1}", "{\"a\":2},{\"injected\":true,\"__proto__\":{\"admin\":true}}", "{\"a\":3}"),
                InvalidPayloadException.class, "payload at index 1: ");
        check(splice, () -> producer.enqueueBatch(splice.input()));
        assertThat(rows(backend)).isZero();
        Case<List<Object>> good = accept("batch of look-alikes", List.of("{\"s\":\"},{\"}", "[\"]\"]", "\",\"", "null"));
        check(good, () -> assertThat(producer.enqueueBatch(good.input())).hasSize(4));
        assertThat(rows(backend)).isEqualTo(4);
        if (backend.kind() == BackendKind.SQLITE) {
            // After refused batches, the pooled connections still enqueue (statement cache).
            for (int i = 0; i < 10; i++) {
                assertThat(producer.enqueueBatch(List.of(Map.of("i", i), Map.of("i", -i)))).hasSize(2);
            }
        }
    }

    private static long rows(TestBackend backend) throws Exception {
        try (Connection c = backend.jdbc(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM pgqrs_messages")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
