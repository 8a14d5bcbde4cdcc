package dev.pgqrs.examples.orders;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The intake's rules, and the three file layouts the inbox accepts. */
class OrderValidatorTest {

    private static final String A = "{\"orderId\":\"A-1\",\"items\":[{\"sku\":\"KB-42\",\"quantity\":1}]}";
    private static final String B = "{\"orderId\":7,\"items\":[{\"sku\":\"MS-7\",\"quantity\":2}],\"note\":\"kept\"}";

    @Test
    void aFileMayHoldOneObjectAnArrayOrJsonLines() {
        assertThat(ids(OrderValidator.parseMany("  " + A.replace(",", ",\n  ") + "\n", "f"))).containsExactly("A-1");
        assertThat(ids(OrderValidator.parseMany("[" + A + "," + B + "]", "f"))).containsExactly("A-1", "7");
        assertThat(ids(OrderValidator.parseMany(A + "\n" + B + "\n\n", "f"))).containsExactly("A-1", "7");
    }

    @Test
    void normalisingKeepsTheOrderAndRecordsWhereAndWhenItCameFrom() {
        ObjectNode order = OrderValidator.parseOne(B, "http");
        assertThat(order.get("orderId").isTextual()).as("a numeric id becomes text").isTrue();
        assertThat(order.get("note").asText()).isEqualTo("kept");
        assertThat(order.get("source").asText()).isEqualTo("http");
        assertThat(order.hasNonNull("receivedAt")).isTrue();
        ObjectNode again = OrderValidator.parseOne(
                "{\"orderId\":\"A-1\",\"items\":[{\"sku\":\"KB-42\",\"quantity\":1}],\"_pgqrsDeadLetter\":{\"attempts\":3}}", "file");
        assertThat(again.has("_pgqrsDeadLetter")).as("a replayed dead letter starts afresh").isFalse();
    }

    @Test
    void errorsNameTheOrderAndTheField() {
        assertThatThrownBy(() -> OrderValidator.parseMany(A + "\n{\"orderId\":\"B-2\",\"items\":[{\"sku\":\"\",\"quantity\":1}]}", "f"))
                .isInstanceOf(InvalidOrderException.class).hasMessage("order 2 (B-2): items[0].sku must be a non-empty string");
        assertThatThrownBy(() -> OrderValidator.parseMany(A + "\n{\"orderId\": oops}", "f"))
                .hasMessageStartingWith("order 2 is not valid JSON").hasMessageContaining("line 2");
        assertThatThrownBy(() -> OrderValidator.parseMany(" \n", "f")).hasMessageStartingWith("no orders found");
        assertThatThrownBy(() -> OrderValidator.parseOne("{\"orderId\":\"a/b\",\"items\":[]}", "http"))
                .hasMessageStartingWith("orderId is required").hasMessageContaining("\"a/b\"");
        assertThatThrownBy(() -> OrderValidator.parseOne("{\"orderId\":\"C\",\"items\":[{\"sku\":\"X\",\"quantity\":1.5}]}", "http"))
                .hasMessage("order C: items[0].quantity must be a positive integer, got 1.5");
        assertThatThrownBy(() -> OrderValidator.parseOne("\"just text\"", "http"))
                .hasMessageStartingWith("an order must be a JSON object, got string");
    }

    private static List<String> ids(List<ObjectNode> orders) {
        return orders.stream().map(o -> o.get("orderId").asText()).toList();
    }
}
