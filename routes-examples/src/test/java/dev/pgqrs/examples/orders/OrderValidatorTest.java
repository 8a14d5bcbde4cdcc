package dev.pgqrs.examples.orders;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgqrs.payload.Json;
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

    @Test
    void aBodyIsExactlyOneJsonDocumentAndNothingMore() {
        for (String body : List.of(A + " trailing garbage", A + B, A + "," + B, A + "]", A + "\n" + B)) {
            assertThatThrownBy(() -> OrderValidator.parseOne(body, "http")).as(body)
                    .isInstanceOf(InvalidOrderException.class).hasMessageStartingWith("the body is not");
        }
        assertThatThrownBy(() -> OrderValidator.parseOne(A + B, "http"))
                .hasMessageStartingWith("the body is not one JSON document: more follows the first value (line 1, column");
        assertThatThrownBy(() -> OrderValidator.parseOne("{\"orderId\":\"A-1\",\"orderId\":\"../x\",\"items\":[]}", "http"))
                .as("which of two ids would count is not for the parser to pick")
                .hasMessageContaining("Duplicate field 'orderId'");
    }

    @Test
    void aFileOfSeveralOrdersHoldsOnePerLine() {
        assertThatThrownBy(() -> OrderValidator.parseMany(A + B + "\n", "f"))
                .hasMessageStartingWith("order 2 starts on line 1, where the one before it ends");
        assertThatThrownBy(() -> OrderValidator.parseMany(A + "," + B, "f")).hasMessageStartingWith("order 2 is not valid JSON");
        assertThatThrownBy(() -> OrderValidator.parseMany(A + "\n" + A + " trailing", "f")).hasMessageStartingWith("order 3");
    }

    @Test
    void textsNoBackendCanStoreAreRefusedNamingTheField() {
        assertThatThrownBy(() -> OrderValidator.parseOne(
                "{\"orderId\":\"N-1\",\"note\":\"a\\u0000b\",\"items\":[{\"sku\":\"KB-42\",\"quantity\":1}]}", "http"))
                .isInstanceOf(InvalidOrderException.class)
                .hasMessage("order N-1: note contains a NUL character (\\u0000), which cannot be stored");
        assertThatThrownBy(() -> OrderValidator.parseOne(
                "{\"orderId\":\"N-2\",\"items\":[{\"sku\":\"KB\\u0000\",\"quantity\":1}]}", "http"))
                .hasMessageStartingWith("order N-2: items[0].sku contains a NUL character");
        assertThatThrownBy(() -> OrderValidator.parseOne(
                "{\"orderId\":\"N-3\",\"customer\":{\"name\":\"x\\ud800\"},\"items\":[{\"sku\":\"KB-42\",\"quantity\":1}]}", "http"))
                .hasMessage("order N-3: customer.name contains a lone UTF-16 surrogate (\\ud800), which is not Unicode text");
        assertThatThrownBy(() -> OrderValidator.parseOne(
                "{\"orderId\":\"N-4\",\"items\":[{\"sku\":\"KB-42\",\"quantity\":1,\"\\udc00\":1}]}", "http"))
                .hasMessageStartingWith("order N-4: a field name in items[0] contains a lone UTF-16 surrogate");
        assertThatThrownBy(() -> OrderValidator.parseMany(A + "\n{\"orderId\":\"N-5\",\"items\":[{\"sku\":\"KB-42\",\"quantity\":1}],"
                + "\"x\\u0000\":1}", "f"))
                .hasMessageStartingWith("order 2 (N-5): a field name contains a NUL character");
        // a surrogate pair is one character (here U+1F600) and welcome
        ObjectNode emoji = OrderValidator.parseOne(
                "{\"orderId\":\"N-6\",\"note\":\"\\ud83d\\ude00\",\"items\":[{\"sku\":\"KB-42\",\"quantity\":1}]}", "http");
        assertThat(emoji.get("note").asText()).isEqualTo("\uD83D\uDE00");
    }

    @Test
    void whatIsEnqueuedIsTheValidatedOrderWrittenAnewNotTheTextSent() {
        ObjectNode order = OrderValidator.parseOne("  {\"orderId\" : \"W-1\" ,\n \"items\":[{\"sku\":\"KB-42\",\"quantity\":1}]}  ", "http");
        String enqueued = Json.write(order);
        assertThat(enqueued).startsWith("{\"orderId\":\"W-1\",\"items\":[{\"sku\":\"KB-42\",\"quantity\":1}],\"source\":\"http\"");
        assertThat(Json.parse(enqueued)).isEqualTo(order);
    }

    private static List<String> ids(List<ObjectNode> orders) {
        return orders.stream().map(o -> o.get("orderId").asText()).toList();
    }
}
