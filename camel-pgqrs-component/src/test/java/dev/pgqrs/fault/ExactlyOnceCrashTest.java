package dev.pgqrs.fault;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.pgqrs.Store;
import dev.pgqrs.camel.KafkaBroker;
import dev.pgqrs.payload.Json;
import dev.pgqrs.testing.BackendKind;
import dev.pgqrs.testing.ChildJvm;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The delivery guarantees of the component's building blocks, under {@code kill -9}: {@link IntakeChild} runs six
 * bridges — Kafka, NDJSON files and HTTP into a queue, a queue out to HTTP, to Kafka and to a table — while this JVM
 * sends traffic of every kind (a real KRaft broker in this JVM, real files, real HTTP on real ports); again and again
 * the child is killed at one of its hang points (in a transaction, after a commit and before the source learns of it,
 * after a send and before the acknowledgement) or at a random moment, and started again. On PostgreSQL, and on one
 * SQLite file shared with this JVM.
 *
 * <p>Then, per bridge: lost 0 (every record, line, accepted POST and queued message arrived); duplicated 0 where
 * exactly-once is stated (into the queue from Kafka, files and HTTP; into the table); at-least-once sinks may repeat
 * (counted), and their dedup keys are exactly the messages. Every accepted POST's answer names the message its key
 * enqueued first, retries included.
 */
@ExtendWith(FaultSuite.class)
class ExactlyOnceCrashTest {

    private static KafkaBroker kafka;

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = KafkaBroker.start();
    }

    @AfterAll
    static void stopKafka() throws Exception {
        if (kafka != null) {
            kafka.close();
        }
    }

    @ParameterizedTest(name = "[{0}]")
    @MethodSource("dev.pgqrs.fault.FaultBackend#kinds")
    void bridgesKilledAtRandomPointsLoseNothingAndDuplicateNothingWhereExactlyOnceIsStated(BackendKind kind) throws Exception {
        FaultForm form = FaultForm.current();
        int iterations = form.pick(4, 60);
        String run = kind.label() + "-" + Long.toHexString(System.nanoTime());
        String topicIn = IntakeChild.TOPIC_IN + "-" + run;
        String topicOut = IntakeChild.TOPIC_OUT + "-" + run;
        kafka.createTopic(topicIn, 2);
        kafka.createTopic(topicOut, 2);
        Path dir = Files.createDirectories(Path.of("target", "exactly-once", run));
        Path inbox = Files.createDirectories(dir.resolve("inbox"));
        Path staging = Files.createDirectories(dir.resolve("staging"));
        Receiver receiver = Receiver.start();
        int httpPort = freePort();
        try (FaultBackend db = FaultBackend.create(kind); IntakeTraffic traffic = new IntakeTraffic()) {
            Store store = db.openInstalled(b -> b);
            for (String q : List.of(IntakeChild.INTAKE, IntakeChild.TO_HTTP, IntakeChild.TO_KAFKA, IntakeChild.TO_JDBC)) {
                store.queues().create(q);
            }
            db.execute("CREATE TABLE sink_rows (message_id BIGINT NOT NULL, seq BIGINT NOT NULL)");
            Map<String, String> env = new HashMap<>(db.environment());
            env.put("KAFKA_BROKERS", kafka.bootstrapServers());
            env.put("TOPIC_IN", topicIn);
            env.put("TOPIC_OUT", topicOut);
            env.put("INBOX", inbox.toAbsolutePath().toString());
            env.put("HTTP_PORT", String.valueOf(httpPort));
            env.put("SINK_URL", "http://127.0.0.1:" + receiver.port() + "/sink");
            try (CrashIterations crashes = new CrashIterations(1, IntakeChild.POINTS, n -> child(kind, n, env))) {
                traffic.start(kafka.bootstrapServers(), topicIn, staging, inbox, httpPort, store);
                for (int i = 0; i < iterations; i++) {
                    crashes.iterate();
                }
                long lastKill = System.nanoTime();
                traffic.stop();
                long sinks = traffic.sinkEnqueued.get();
                long expectedIntake = traffic.kafkaSent.get() + traffic.fileLines.get() + traffic.httpAccepted.get();
                awaitCaughtUp(db, store, inbox, expectedIntake, sinks);
                long recoveryMillis = (System.nanoTime() - lastKill) / 1_000_000;
                crashes.stopAll();

                Map<String, Map<Long, Integer>> intake = bySource(intake(db));
                Map<Long, Integer> tableRows = counts(db.query("SELECT seq FROM sink_rows"));
                Map<String, Integer> kafkaOut = dedupKeys(topicOut, sinks);
                String label = "[" + db.label() + "]";
                Object kills = crashes.kills();
                long seed = crashes.seed();

                Tally fromKafka = Tally.of(intake.getOrDefault("kafka", Map.of()), traffic.kafkaSent.get());
                Tally fromFiles = Tally.of(intake.getOrDefault("file", Map.of()), traffic.fileLines.get());
                Tally fromHttp = Tally.of(intake.getOrDefault("http", Map.of()), traffic.httpAccepted.get());
                Tally toTable = Tally.of(tableRows, sinks);
                Tally toHttp = Tally.ofKeys(receiver.deliveries, sinks);
                Tally toKafka = Tally.ofKeys(kafkaOut, sinks);
                fromKafka.figures("exactly-once/kafka-to-queue" + label, iterations, recoveryMillis, kills).put("seed", seed).print();
                fromFiles.figures("exactly-once/files-to-queue" + label, iterations, recoveryMillis, kills)
                        .put("files", traffic.files.get()).print();
                fromHttp.figures("exactly-once/http-to-queue" + label, iterations, recoveryMillis, kills)
                        .put("retried_posts", traffic.httpRetries.get()).put("retried_because", traffic.httpRetryCauses).print();
                toTable.figures("exactly-once/queue-to-jdbc" + label, iterations, recoveryMillis, kills).print();
                toHttp.figures("at-least-once/queue-to-http" + label, iterations, recoveryMillis, kills)
                        .put("answered_503", receiver.refused.get()).print();
                toKafka.figures("at-least-once/queue-to-kafka" + label, iterations, recoveryMillis, kills).print();

                assertThat(List.of(fromKafka, fromFiles, fromHttp, toTable, toHttp, toKafka)).as("lost")
                        .allSatisfy(t -> assertThat(t.lost).isZero());
                assertThat(List.of(fromKafka, fromFiles, fromHttp, toTable)).as("duplicated where exactly-once is stated")
                        .allSatisfy(t -> assertThat(t.duplicated).isZero());
                assertThat(toHttp.distinct).as("dedup keys reaching the HTTP receiver").isEqualTo(sinks);
                assertThat(toKafka.distinct).as("dedup headers on the sink topic").isEqualTo(sinks);
                assertThat(httpAnswersNameTheFirstMessage(db, traffic.httpAnswers)).as("202 answers naming another message").isEmpty();
                assertThat(store.queues().metrics(IntakeChild.INTAKE).total()).isEqualTo(intake(db).size());
                for (String q : List.of(IntakeChild.TO_HTTP, IntakeChild.TO_KAFKA, IntakeChild.TO_JDBC)) {
                    assertThat(store.queues().metrics(q).deadLettered()).as("dead letters of " + q).isZero();
                }
            }
        } finally {
            receiver.stop();
        }
    }

    /**
     * Waits until every bridge caught up, for as long as they make progress: the soak's backlog after 60 kills takes
     * minutes to drain, and what matters is that it drains, so the test fails only when nothing moved for a minute.
     */
    private static void awaitCaughtUp(FaultBackend db, Store store, Path inbox, long expectedIntake, long sinks) {
        String[] last = {null};
        long[] lastChange = {System.nanoTime()};
        long[] lastPrint = {0};
        await("every bridge caught up").atMost(Duration.ofMinutes(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
            String behind = pending(db, store, inbox, expectedIntake, sinks);
            long now = System.nanoTime();
            if (!behind.equals(last[0])) {
                last[0] = behind;
                lastChange[0] = now;
            } else if (now - lastChange[0] > Duration.ofMinutes(1).toNanos()) {
                throw new AssertionError("no bridge made progress for a minute; behind: " + behind);
            }
            if (!behind.isEmpty() && now - lastPrint[0] > Duration.ofSeconds(5).toNanos()) {
                lastPrint[0] = now;
                System.out.println("waiting for " + behind);
            }
            return behind.isEmpty();
        });
    }

    /** What has not arrived yet, e.g. "intake 10/20, to-http 3/5"; empty once every bridge caught up. */
    private static String pending(FaultBackend db, Store store, Path inbox, long expectedIntake, long sinks) throws IOException {
        List<String> behind = new ArrayList<>();
        int intake = intake(db).size();
        if (intake < expectedIntake) {
            behind.add("intake " + intake + "/" + expectedIntake);
        }
        if (!noFileLeft(inbox)) {
            behind.add("files left in the inbox");
        }
        for (String q : List.of(IntakeChild.TO_HTTP, IntakeChild.TO_KAFKA, IntakeChild.TO_JDBC)) {
            long archived = store.queues().metrics(q).archived();
            if (archived != sinks) {
                behind.add(q + " " + archived + "/" + sinks);
            }
        }
        return String.join(", ", behind);
    }

    private static ChildJvm child(BackendKind kind, int n, Map<String, String> env) {
        ChildJvm child = ChildJvm.start("intake-" + kind.label() + "-" + n, IntakeChild.class, env);
        child.awaitLineStartingWith("READY", CrashIterations.AWAIT);
        return child;
    }

    /** The payloads of queue intake, by message id. */
    private static Map<Long, JsonNode> intake(FaultBackend db) {
        Map<Long, JsonNode> out = new HashMap<>();
        for (Object[] r : db.query("SELECT m.id, m.payload FROM pgqrs_messages m JOIN pgqrs_queues q ON q.id = m.queue_id"
                + " WHERE q.queue_name = ?", IntakeChild.INTAKE)) {
            out.put(((Number) r[0]).longValue(), Json.parse(String.valueOf(r[1])));
        }
        return out;
    }

    /** Per source, each seq and how many messages carry it. */
    private static Map<String, Map<Long, Integer>> bySource(Map<Long, JsonNode> payloads) {
        Map<String, Map<Long, Integer>> out = new HashMap<>();
        for (JsonNode p : payloads.values()) {
            out.computeIfAbsent(p.get("src").asText(), s -> new HashMap<>()).merge(p.get("seq").asLong(), 1, Integer::sum);
        }
        return out;
    }

    private static Map<Long, Integer> counts(List<Object[]> rows) {
        Map<Long, Integer> out = new HashMap<>();
        for (Object[] r : rows) {
            out.merge(((Number) r[0]).longValue(), 1, Integer::sum);
        }
        return out;
    }

    /** Accepted POSTs whose answer names a message other than the one holding their seq. */
    private static List<Long> httpAnswersNameTheFirstMessage(FaultBackend db, Map<Long, Long> answers) {
        Map<Long, Long> idOfSeq = new HashMap<>();
        intake(db).forEach((id, p) -> {
            if (p.get("src").asText().equals("http")) {
                idOfSeq.put(p.get("seq").asLong(), id);
            }
        });
        List<Long> wrong = new ArrayList<>();
        answers.forEach((seq, id) -> {
            if (!id.equals(idOfSeq.get(seq))) {
                wrong.add(seq);
            }
        });
        return wrong;
    }

    private static boolean noFileLeft(Path inbox) throws IOException {
        try (Stream<Path> files = Files.list(inbox)) {
            return files.noneMatch(f -> f.getFileName().toString().endsWith(".ndjson"));
        }
    }

    /** The dedup header of every record on the sink topic, and how often each came. */
    private static Map<String, Integer> dedupKeys(String topic, long expected) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "check-" + topic);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        Map<String, Integer> keys = new HashMap<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            await("the sink topic read").atMost(Duration.ofSeconds(60)).until(() -> {
                consumer.poll(Duration.ofMillis(500)).forEach(r -> {
                    Header h = r.headers().lastHeader("pgqrs-message-id");
                    keys.merge(h == null ? "(none)" : new String(h.value(), StandardCharsets.UTF_8), 1, Integer::sum);
                });
                return keys.size() >= expected;
            });
        }
        return keys;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** What arrived, per item: lost, duplicated (arrivals beyond the first), distinct. */
    private record Tally(long expected, long lost, long duplicated, long distinct) {

        static Tally of(Map<Long, Integer> arrivals, long sent) {
            long lost = 0;
            for (long seq = 0; seq < sent; seq++) {
                if (!arrivals.containsKey(seq)) {
                    lost++;
                }
            }
            long duplicated = arrivals.values().stream().mapToLong(n -> n - 1).sum();
            return new Tally(sent, lost, duplicated, arrivals.size());
        }

        static Tally ofKeys(Map<String, Integer> arrivals, long sent) {
            long duplicated = arrivals.values().stream().mapToLong(n -> n - 1).sum();
            return new Tally(sent, Math.max(0, sent - arrivals.size()), duplicated, arrivals.size());
        }

        FaultFigures figures(String test, int iterations, long recoveryMillis, Object kills) {
            return FaultFigures.of(test).iterations(iterations).messages(expected).lost(lost).duplicated(duplicated)
                    .recoveryMillis(recoveryMillis).put("kills", kills);
        }
    }

    /** The HTTP sink's receiver: counts deliveries per Idempotency-Key, and answers 503 to every 10th request. */
    private static final class Receiver {
        private final HttpServer server;
        final Map<String, Integer> deliveries = new ConcurrentHashMap<>();
        final AtomicLong refused = new AtomicLong();
        private final AtomicLong requests = new AtomicLong();

        private Receiver(HttpServer server) {
            this.server = server;
        }

        static Receiver start() throws IOException {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            Receiver r = new Receiver(server);
            server.createContext("/sink", exchange -> {
                exchange.getRequestBody().readAllBytes();
                String key = exchange.getRequestHeaders().getFirst("Idempotency-Key");
                int status;
                if (r.requests.incrementAndGet() % 10 == 0) {
                    r.refused.incrementAndGet();
                    status = 503;
                } else {
                    r.deliveries.merge(key == null ? "(none)" : key, 1, Integer::sum);
                    status = 200;
                }
                exchange.sendResponseHeaders(status, -1);
                exchange.close();
            });
            server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(2));
            server.start();
            return r;
        }

        int port() {
            return server.getAddress().getPort();
        }

        void stop() {
            server.stop(0);
        }
    }
}
