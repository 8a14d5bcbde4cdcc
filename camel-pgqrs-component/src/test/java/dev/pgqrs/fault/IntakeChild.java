package dev.pgqrs.fault;

import dev.pgqrs.Store;
import dev.pgqrs.camel.PgqrsHttpSinkPolicy;
import dev.pgqrs.camel.PgqrsIdempotencyPolicy;
import dev.pgqrs.camel.PgqrsIdempotentRepository;
import dev.pgqrs.camel.PgqrsOffsetRepository;
import dev.pgqrs.camel.PgqrsSinkHeaders;
import dev.pgqrs.camel.PgqrsTransactionDataSource;
import dev.pgqrs.camel.PgqrsTransactionPolicy;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.main.Main;

import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The process {@link ExactlyOnceCrashTest} kills with {@code kill -9}: one Camel Main with the six bridges the
 * component's building blocks make, each with the guarantee it states.
 *
 * <ul>
 *   <li>Kafka {@code intake-in} → queue {@code intake}, exactly once: enqueue and offset in one transaction
 *       ({@link PgqrsOffsetRepository}); hang points {@code kafka-in-transaction}, {@code kafka-after-commit}
 *       (committed, camel-kafka's own offset write not done);</li>
 *   <li>NDJSON files → {@code intake}, each line exactly once ({@link PgqrsIdempotentRepository} in the line's
 *       transaction): {@code file-in-transaction}, {@code file-before-move} (every line committed, the file not
 *       moved);</li>
 *   <li>HTTP {@code POST /intake} → {@code intake}, exactly once per {@code Idempotency-Key}
 *       ({@link PgqrsIdempotencyPolicy}): {@code http-in-transaction}, {@code http-before-answer} (committed, the
 *       202 not sent);</li>
 *   <li>queue {@code to-http} → the test's HTTP receiver, at least once ({@link PgqrsHttpSinkPolicy}):
 *       {@code http-sink-before-ack};</li>
 *   <li>queue {@code to-kafka} → topic {@code sink-out}, at least once with a dedup header ({@link PgqrsSinkHeaders}):
 *       {@code kafka-sink-before-ack};</li>
 *   <li>queue {@code to-jdbc} → table {@code sink_rows}, exactly once: the row and the acknowledgement in one
 *       transaction ({@link PgqrsTransactionPolicy} with acknowledge, {@code sql:} on a
 *       {@link PgqrsTransactionDataSource}): {@code jdbc-in-transaction}.</li>
 * </ul>
 *
 * <p>Environment: the store's ({@code PGQRS_*}), {@code KAFKA_BROKERS}, {@code INBOX}, {@code HTTP_PORT},
 * {@code SINK_URL}.
 */
public final class IntakeChild {

    static final String INTAKE = "intake";
    static final String TO_HTTP = "to-http";
    static final String TO_KAFKA = "to-kafka";
    static final String TO_JDBC = "to-jdbc";
    static final String TOPIC_IN = "intake-in";
    static final String TOPIC_OUT = "sink-out";
    static final List<String> POINTS = List.of("kafka-in-transaction", "kafka-after-commit", "file-in-transaction",
            "file-before-move", "http-in-transaction", "http-before-answer", "http-sink-before-ack",
            "kafka-sink-before-ack", "jdbc-in-transaction");
    private static final Pattern SEQ = Pattern.compile("\"seq\"\\s*:\\s*(\\d+)");

    private IntakeChild() {
    }

    public static void main(String[] args) throws Exception {
        ChildControl control = ChildControl.start();
        Store store = ChildControl.openStore(b -> b
                .heartbeatInterval(Duration.ofSeconds(1))
                .staleWorkerTimeout(Duration.ofSeconds(4))
                .reaperInterval(Duration.ofSeconds(1))
                .maxReadCount(1_000)); // kills must never turn a message into a dead letter
        String brokers = System.getenv("KAFKA_BROKERS");
        String inbox = System.getenv("INBOX");
        String sink = System.getenv("SINK_URL");
        String topicIn = System.getenv().getOrDefault("TOPIC_IN", TOPIC_IN);
        String topicOut = System.getenv().getOrDefault("TOPIC_OUT", TOPIC_OUT);

        Main main = new Main();
        main.addOverrideProperty("camel.server.enabled", "true");
        main.addOverrideProperty("camel.server.port", System.getenv("HTTP_PORT"));
        main.bind("pgqrsStore", store);
        main.bind("pgqrsTx", new PgqrsTransactionPolicy());
        PgqrsTransactionPolicy ackTx = new PgqrsTransactionPolicy();
        ackTx.setAcknowledge(true);
        main.bind("ackTx", ackTx);
        main.bind("txDataSource", new PgqrsTransactionDataSource(store));
        main.bind("kafkaOffsets", new PgqrsOffsetRepository(store, "intake"));
        PgqrsIdempotentRepository fileKeys = new PgqrsIdempotentRepository(store, "file:inbox");
        main.bind("fileKeys", fileKeys);
        main.bind("httpKeys", new PgqrsIdempotencyPolicy("http:/intake"));
        main.bind("httpSink", new PgqrsHttpSinkPolicy());
        main.bind("kafkaRecord", new PgqrsSinkHeaders());
        String consumerOptions = "?visibilityTimeout=3000&delay=50&maxMessagesPerPoll=5&maxAttempts=100"
                + "&retryDelay=100&maxRetryDelay=500";
        main.configure().addRoutesBuilder(new RouteBuilder() {
            @Override
            public void configure() {
                from("kafka:" + topicIn + "?brokers=" + brokers + "&groupId=intake&groupInstanceId=intake-child"
                        + "&sessionTimeoutMs=10000&autoOffsetReset=earliest&autoCommitEnable=false&breakOnFirstError=true"
                        + "&offsetRepository=#kafkaOffsets&maxPollRecords=20")
                        .routeId("kafka-intake")
                        .transacted("pgqrsTx")
                        .to("pgqrs:" + INTAKE)
                        .bean("kafkaOffsets", "record")
                        .process(e -> control.hangAt("kafka-in-transaction"))
                        .end()
                        .process(e -> control.hangAt("kafka-after-commit"));

                from("file:" + inbox + "?include=.*\\.ndjson&move=.done&readLock=none&delay=50")
                        .routeId("file-intake")
                        .split(body().tokenize("\n")).streaming()
                            .filter(body().isNotEqualTo(""))
                            .policy("pgqrsTx") // each line in a transaction of its own (transacted is for a route's top level)
                            .idempotentConsumer(simple("${file:name}:${exchangeProperty.CamelSplitIndex}"), fileKeys)
                                .to("pgqrs:" + INTAKE)
                                .process(e -> control.hangAt("file-in-transaction"))
                            .end() // idempotent consumer
                            .end() // transaction
                            .end() // filter
                        .end() // split
                        .process(e -> control.hangAt("file-before-move"));

                from("platform-http:/intake?httpMethodRestrict=POST")
                        .routeId("http-intake")
                        .policy("httpKeys")
                            .to("pgqrs:" + INTAKE)
                            .setHeader("CamelHttpResponseCode", constant(202))
                            .setBody(simple("{\"messageId\":${header.CamelPgqrsMessageId}}"))
                            .process(e -> control.hangAt("http-in-transaction"))
                        .end()
                        .process(e -> control.hangAt("http-before-answer"));

                from("pgqrs:" + TO_HTTP + consumerOptions + "&concurrentConsumers=2")
                        .routeId("http-sink")
                        .policy("httpSink")
                            .to(sink + "?throwExceptionOnFailure=false&connectTimeout=1000&responseTimeout=2000")
                        .end()
                        .process(e -> control.hangAt("http-sink-before-ack"));

                from("pgqrs:" + TO_KAFKA + consumerOptions)
                        .routeId("kafka-sink")
                        .process("kafkaRecord")
                        .to("kafka:" + topicOut + "?brokers=" + brokers)
                        .process(e -> control.hangAt("kafka-sink-before-ack"));

                from("pgqrs:" + TO_JDBC + consumerOptions)
                        .routeId("jdbc-sink")
                        .transacted("ackTx")
                            .process(e -> e.getIn().setHeader("seq", seq(e.getIn().getBody(String.class))))
                            .to("sql:INSERT INTO sink_rows (message_id, seq) VALUES (:#${header.CamelPgqrsMessageId}, "
                                    + ":#${header.seq})?dataSource=#txDataSource")
                            .process(e -> control.hangAt("jdbc-in-transaction"))
                        .end();
            }
        });
        main.start();
        ChildControl.say("READY");
        control.awaitStop();
        main.stop();
        store.close();
        ChildControl.say("STOPPED");
        System.exit(0);
    }

    static long seq(String payload) {
        Matcher m = SEQ.matcher(payload);
        if (!m.find()) {
            throw new IllegalArgumentException("no seq in " + payload);
        }
        return Long.parseLong(m.group(1));
    }
}
