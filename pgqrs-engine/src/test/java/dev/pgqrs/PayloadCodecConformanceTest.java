package dev.pgqrs;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import dev.pgqrs.testing.ConformanceTest;
import dev.pgqrs.testing.TestBackend;
import dev.pgqrs.workflow.Workflow;
import dev.pgqrs.workflow.WorkflowWorker;
import dev.pgqrs.workflow.WorkflowWorkerOptions;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A store maps payloads, workflow inputs, step results and outputs with the mapper it was given; the
 * payload rules hold whatever the mapper writes, and the engine's own documents do not go through it.
 */
class PayloadCodecConformanceTest {

    record OrderPlaced(String orderId, int itemCount) {
    }

    record Shipped(String trackingCode, int parcels) {
    }

    private static final ObjectMapper SNAKE = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

    @ConformanceTest
    void payloadsAreWrittenAndReadWithTheStoresMapper(TestBackend backend) {
        Store store = backend.open(b -> b.objectMapper(SNAKE));
        store.queues().create("orders");
        store.enqueue("orders", new OrderPlaced("A-1", 3));

        try (Consumer consumer = store.consumer("orders")) {
            Message m = consumer.dequeueOne().orElseThrow();
            assertThat(m.payload().fieldNames()).toIterable().containsExactlyInAnyOrder("order_id", "item_count");
            assertThat(m.payloadAs(OrderPlaced.class)).isEqualTo(new OrderPlaced("A-1", 3));
            consumer.archive(m);
        }
        // The default mapper, for comparison: the same record as camelCase.
        Store plain = backend.open();
        plain.enqueue("orders", new OrderPlaced("A-2", 1));
        try (Consumer consumer = plain.consumer("orders")) {
            Message m = consumer.dequeueOne().orElseThrow();
            assertThat(m.payload().fieldNames()).toIterable().containsExactlyInAnyOrder("orderId", "itemCount");
            consumer.archive(m);
        }
        assertThat(store.codec()).isNotSameAs(PayloadCodec.defaults());
        assertThat(plain.codec()).isSameAs(PayloadCodec.defaults());
    }

    @ConformanceTest
    void workflowInputsStepResultsAndOutputsUseTheStoresMapper(TestBackend backend) {
        Store store = backend.open(b -> b.objectMapper(SNAKE));
        Workflow<OrderPlaced, Shipped> ship = Workflow.define("ship", OrderPlaced.class, Shipped.class,
                (run, order) -> {
                    Shipped label = run.step("label", Shipped.class, () -> new Shipped("T-" + order.orderId(), order.itemCount()));
                    return new Shipped(label.trackingCode(), label.parcels() + 1);
                });
        store.workflows().register(ship);
        try (WorkflowWorker worker = store.workflows().startWorker(ship, WorkflowWorkerOptions.defaults()
                .pollInterval(Duration.ofMillis(20)))) {
            var run = store.workflows().trigger(ship, new OrderPlaced("B-7", 2));
            assertThat(run.await(Duration.ofSeconds(30))).isEqualTo(new Shipped("T-B-7", 3));

            var details = store.workflows().details(run.id());
            assertThat(details.run().input().get("order_id").asText()).isEqualTo("B-7");
            assertThat(details.step("label").orElseThrow().output().get("tracking_code").asText()).isEqualTo("T-B-7");
            assertThat(details.run().output().get("parcels").asInt()).isEqualTo(3);
        }
    }

    @ConformanceTest
    void thePayloadRulesHoldWhateverTheMapperWrites(TestBackend backend) {
        Store store = backend.open(b -> b.objectMapper(SNAKE));
        store.queues().create("orders");
        assertThatThrownBy(() -> store.enqueue("orders", java.util.Map.of("bad\u0000key", 1)))
                .isInstanceOf(InvalidPayloadException.class).hasMessageContaining("NUL");
        assertThatThrownBy(() -> store.enqueue("orders", java.util.Map.of("ratio", Double.NaN)))
                .isInstanceOf(InvalidPayloadException.class);
        assertThat(store.queues().metrics("orders").total()).isZero();
    }

    @Test
    void aCodecCopiesTheMapperAndIsStrictAboutTrailingText() {
        ObjectMapper mapper = new ObjectMapper();
        PayloadCodec codec = PayloadCodec.of(mapper);
        mapper.setPropertyNamingStrategy(PropertyNamingStrategies.UPPER_CAMEL_CASE); // too late: the codec has a copy
        assertThat(codec.write(new OrderPlaced("C-1", 1))).isEqualTo("{\"orderId\":\"C-1\",\"itemCount\":1}");
        assertThatThrownBy(() -> codec.parse("{\"a\":1} trailing")).isInstanceOf(InvalidPayloadException.class);
        JsonNode parsed = codec.parse("[1,2]".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        List<Integer> numbers = codec.read(parsed.toString(), new TypeReference<List<Integer>>() { }.getType());
        assertThat(numbers).containsExactly(1, 2);
        assertThatThrownBy(() -> codec.parse(new byte[] {'"', (byte) 0xC3, '"'})).isInstanceOf(InvalidPayloadException.class)
                .hasMessageContaining("UTF-8");
    }
}
