package dev.pgqrs.camel;

import dev.pgqrs.testing.ConformanceTest;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.spi.Registry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A camel-kafka consumer with a {@link PgqrsOffsetRepository} starts where the store says, not where Kafka does: in a
 * consumer group Kafka has never seen (so Kafka alone would start from the earliest record), the records up to the
 * stored offset are not read, and a route stopped and started again goes on after the last record it enqueued.
 * A real broker (KRaft) in the JVM.
 */
class KafkaResumeRouteTest extends PgqrsCamelTestSupport {

    private static final String SOURCE = "orders-intake";
    private static final Pattern SEQ = Pattern.compile("\"seq\"\\s*:\\s*(\\d+)");
    private static KafkaBroker kafka;

    private final String topic = "resume-" + Long.toHexString(System.nanoTime());

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

    @Override
    protected void bindToRegistry(Registry registry) throws Exception {
        super.bindToRegistry(registry);
        registry.bind("pgqrsTx", new PgqrsTransactionPolicy());
        registry.bind("kafkaOffsets", new PgqrsOffsetRepository(store, SOURCE));
    }

    @Override
    protected void doPostSetup() throws Exception {
        kafka.createTopic(topic, 1);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("kafka:" + topic + "?brokers=" + kafka.bootstrapServers() + "&groupId=" + topic
                        + "&autoOffsetReset=earliest&autoCommitEnable=false&breakOnFirstError=true&offsetRepository=#kafkaOffsets")
                        .routeId("intake").autoStartup(false)
                        .transacted("pgqrsTx")
                        .to("pgqrs:intake")
                        .bean("kafkaOffsets", "record");
            }
        });
    }

    @ConformanceTest
    void theConsumerResumesFromTheStoredOffsetsAndAfterARestart() throws Exception {
        kafka.send(topic, records(0, 6));
        store.sourceOffsets().put(SOURCE, topic + "/0", "2"); // records 0..2 were enqueued before

        context.getRouteController().startRoute("intake");
        await().atMost(Duration.ofSeconds(60)).until(() -> enqueuedSeqs().contains(5L));
        // one partition, read in order: had it started from Kafka's position, 0..2 would have come before 5
        assertThat(enqueuedSeqs()).containsExactly(3L, 4L, 5L);
        assertThat(store.sourceOffsets().get(SOURCE, topic + "/0")).hasValue("5");

        context.getRouteController().stopRoute("intake");
        kafka.send(topic, records(6, 8));
        context.getRouteController().startRoute("intake");
        await().atMost(Duration.ofSeconds(60)).until(() -> enqueuedSeqs().contains(7L));
        assertThat(enqueuedSeqs()).containsExactly(3L, 4L, 5L, 6L, 7L);
        assertThat(store.sourceOffsets().get(SOURCE, topic + "/0")).hasValue("7");
    }

    private static List<String> records(int from, int to) {
        return LongStream.range(from, to).mapToObj(n -> "{\"seq\":" + n + "}").toList();
    }

    /** The seq of every message in queue intake, in message order. */
    private List<Long> enqueuedSeqs() throws Exception {
        List<Long> seqs = new ArrayList<>();
        try (Connection c = store.dataSource().getConnection();
             PreparedStatement s = c.prepareStatement("SELECT m.payload FROM pgqrs_messages m"
                     + " JOIN pgqrs_queues q ON q.id = m.queue_id WHERE q.queue_name = ? ORDER BY m.id")) {
            s.setString(1, "intake");
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    Matcher m = SEQ.matcher(rs.getString(1));
                    assertThat(m.find()).as("payload %s", rs.getString(1)).isTrue();
                    seqs.add(Long.parseLong(m.group(1)));
                }
            }
        }
        return seqs;
    }
}
