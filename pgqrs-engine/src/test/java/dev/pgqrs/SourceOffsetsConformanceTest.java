package dev.pgqrs;

import dev.pgqrs.testing.ConformanceTest;
import dev.pgqrs.testing.TestBackend;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Source positions: stored per (source, partition), and committed or rolled back with the enqueues beside them. */
class SourceOffsetsConformanceTest {

    @ConformanceTest
    void aPartitionsOffsetIsStoredReplacedListedAndForgotten(TestBackend backend) {
        SourceOffsets offsets = backend.open().sourceOffsets();
        assertThat(offsets.get("kafka-orders", "orders-in/0")).isEmpty();

        offsets.put("kafka-orders", "orders-in/0", "41");
        offsets.put("kafka-orders", "orders-in/0", "42");
        offsets.put("kafka-orders", "orders-in/1", "7");
        offsets.put("kafka-audit", "orders-in/0", "1000");

        assertThat(offsets.get("kafka-orders", "orders-in/0")).contains("42");
        assertThat(offsets.list("kafka-orders")).containsExactly(Map.entry("orders-in/0", "42"), Map.entry("orders-in/1", "7"));
        assertThat(offsets.delete("kafka-orders", "orders-in/1")).isTrue();
        assertThat(offsets.delete("kafka-orders", "orders-in/1")).isFalse();
        assertThat(offsets.deleteSource("kafka-orders")).isEqualTo(1);
        assertThat(offsets.list("kafka-orders")).isEmpty();
        assertThat(offsets.get("kafka-audit", "orders-in/0")).as("another source keeps its own").contains("1000");
    }

    @ConformanceTest
    void anOffsetWrittenBesideAnEnqueueCommitsAndRollsBackWithIt(TestBackend backend) {
        Store store = backend.open();
        store.queues().create("orders");
        SourceOffsets offsets = store.sourceOffsets();

        store.inTransaction(c -> {
            store.enqueue(c, "orders", Map.of("record", 5));
            offsets.put(c, "kafka", "orders-in/0", "5");
            assertThat(offsets.get(c, "kafka", "orders-in/0")).as("visible inside its transaction").contains("5");
            return null;
        });
        assertThatThrownBy(() -> store.inTransaction(c -> {
            store.enqueue(c, "orders", Map.of("record", 6));
            offsets.put(c, "kafka", "orders-in/0", "6");
            throw new IllegalStateException("crash before the commit");
        })).hasMessage("crash before the commit");

        assertThat(offsets.get("kafka", "orders-in/0")).contains("5");
        assertThat(store.queues().metrics("orders").total()).isEqualTo(1);
    }

    @ConformanceTest
    void badNamesAndANullOffsetAreRefusedNamingWhatWasWrong(TestBackend backend) {
        SourceOffsets offsets = backend.open().sourceOffsets();

        assertThatThrownBy(() -> offsets.put("kafka", "orders\n0", "1")).isInstanceOf(InvalidNameException.class)
                .hasMessageContaining("partition key").hasMessageContaining("control character");
        assertThatThrownBy(() -> offsets.put("", "orders/0", "1")).isInstanceOf(InvalidNameException.class)
                .hasMessage("source name must not be empty");
        assertThatThrownBy(() -> offsets.put("k".repeat(256), "orders/0", "1")).isInstanceOf(InvalidNameException.class)
                .hasMessageContaining("256 characters, more than the limit of 255");
        assertThatThrownBy(() -> offsets.put("kafka", "orders/0", null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("offset of partition 'orders/0' of source 'kafka' must not be null");
        assertThat(offsets.list("kafka")).isEmpty();
    }
}
