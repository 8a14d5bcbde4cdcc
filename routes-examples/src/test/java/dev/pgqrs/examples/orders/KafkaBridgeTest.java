package dev.pgqrs.examples.orders;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgqrs.payload.Json;
import dev.pgqrs.testing.BackendKind;
import kafka.testkit.KafkaClusterTestKit;
import kafka.testkit.TestKitNodes;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Kafka bridge against a real broker in this JVM (KRaft, one combined node, no Docker):
 * topic → fulfilment run → event queue → topic, with a bad record skipped and a duplicate recognised.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KafkaBridgeTest {

    private KafkaClusterTestKit kafka;
    private RunningApp app;

    @BeforeAll
    void start() throws Exception {
        kafka = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                .setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1).build())
                // a single broker: internal topics with one replica, or consumer groups never get a coordinator
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("offsets.topic.num.partitions", "1")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                .build();
        kafka.format();
        kafka.startup();
        kafka.waitForReadyBrokers();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic("orders-in", 1, (short) 1), new NewTopic("orders-processed", 1, (short) 1)))
                    .all().get();
        }
        app = RunningApp.start(BackendKind.SQLITE, Map.of("kafka.brokers", kafka.bootstrapServers()));
    }

    @AfterAll
    void stop() throws Exception {
        try {
            if (app != null) {
                app.close();
            }
        } finally {
            if (kafka != null) {
                kafka.close();
            }
        }
    }

    @Test
    void ordersFromATopicAreProcessedAndTheirEventsPublishedToAnotherTopic() throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class))) {
            producer.send(new ProducerRecord<>("orders-in", "junk", "this is not an order")).get();
            producer.send(new ProducerRecord<>("orders-in", "K-1",
                    "{\"orderId\":\"K-1\",\"items\":[{\"sku\":\"HD-1\",\"quantity\":2}]}")).get();
            // the same order again (a producer that retried): recognised, not fulfilled twice
            producer.send(new ProducerRecord<>("orders-in", "K-1",
                    "{\"orderId\":\"K-1\",\"items\":[{\"sku\":\"HD-1\",\"quantity\":2}]}")).get();
        }

        // the bad record is skipped (and committed), the good one behind it goes through
        Path file = app.folder("outbox").resolve("order-K-1.json");
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.isRegularFile(file));
        JsonNode order = RunningApp.readJson(file);
        assertThat(order.get("source").asText()).isEqualTo("kafka:orders-in");
        assertThat(order.get("total").decimalValue()).isEqualByComparingTo("78.00");

        List<ConsumerRecord<String, String>> events = new ArrayList<>();
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "kafka-bridge-test");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of("orders-processed"));
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                consumer.poll(Duration.ofMillis(500)).forEach(events::add);
                return !events.isEmpty();
            });
        }
        assertThat(events).hasSize(1);
        assertThat(events.get(0).key()).isEqualTo("K-1");
        JsonNode event = Json.parse(events.get(0).value());
        assertThat(event.get("type").asText()).isEqualTo("order-fulfilled");
        assertThat(event.get("orderId").asText()).isEqualTo("K-1");
        assertThat(event.get("total").decimalValue()).isEqualByComparingTo("78.00");
        assertThat(event.get("reservationId").asText()).startsWith("RSV-K-1-");

        // the app's consumer group committed past the three records: nothing is left to re-read
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
                var offsets = admin.listConsumerGroupOffsets("pgqrs-orders-app").partitionsToOffsetAndMetadata().get();
                assertThat(offsets.values()).singleElement().satisfies(o -> assertThat(o.offset()).isEqualTo(3));
            }
        });
        // the event was acknowledged once Kafka had it
        await().atMost(Duration.ofSeconds(10)).until(() -> app.store().queues().metrics("order-events").archived() == 1);
        assertThat(app.store().queues().metrics("fulfil-order").total())
                .as("one run: the bad record started none, the duplicate neither").isEqualTo(1);
        assertThat(app.store().queues().metrics("order-events").total()).as("one event").isEqualTo(1);
    }
}
