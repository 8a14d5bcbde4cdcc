package dev.pgqrs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.pgqrs.config.PayloadLimits;
import dev.pgqrs.payload.Json;
import dev.pgqrs.testing.BackendKind;
import dev.pgqrs.testing.ConformanceTest;
import dev.pgqrs.testing.TestBackend;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The payload rules of pgqrs (Rust) on every backend: any JSON value, depth counted from 0 at the
 * root, keys and strings limited in UTF-8 bytes, size measured on the compact form; and what the
 * database cannot store (NUL, lone surrogates, non-finite numbers) refused before it gets there,
 * with the same {@link InvalidPayloadException} on both backends.
 */
class PayloadValidationConformanceTest {

    private static Producer orders(Store store) {
        store.queues().create("orders");
        return store.producer("orders");
    }

    private static long total(Store store) {
        return store.queues().metrics("orders").total();
    }

    private static List<Message> drain(Store store) {
        try (Consumer consumer = store.consumer("orders")) {
            List<Message> all = consumer.dequeue(100);
            consumer.archive(all);
            return all;
        }
    }

    @ConformanceTest
    void textAfterTheJsonValueIsRefused(TestBackend backend) {
        Store store = backend.open();
        Producer producer = orders(store);

        for (String text : List.of("{\"a\":1} trailing garbage", "{\"a\":1}{\"b\":2}", "{\"a\":1},{\"b\":2}", "[1] ]", "1 2")) {
            assertThatThrownBy(() -> producer.enqueue(text)).as(text).isInstanceOf(InvalidPayloadException.class)
                    .hasMessageContaining("payload");
        }
        assertThatThrownBy(() -> producer.enqueue("{\"a\":1}{\"b\":2}")).hasMessageContaining("more than one JSON value");
        assertThatThrownBy(() -> producer.enqueue("")).isInstanceOf(InvalidPayloadException.class)
                .hasMessageContaining("empty");
        assertThat(total(store)).isZero();
    }

    @ConformanceTest
    void oneBatchPayloadCanNeverBecomeTwoMessages(TestBackend backend) {
        Store store = backend.open();
        Producer producer = orders(store);

        assertThatThrownBy(() -> producer.enqueueBatch(List.of("{\"a\":1}",
                "{\"a\":2},{\"injected\":true,\"__proto__\":{\"admin\":true}}", "{\"a\":3}")))
                .isInstanceOf(InvalidPayloadException.class)
                .hasMessageStartingWith("payload at index 1: ");
        assertThat(total(store)).isZero();

        // Texts that look like the separators of a joined batch stay inside their own document.
        List<Object> payloads = List.of("{\"s\":\"},{\\\"x\\\":1}\"}", "[1,2]", "\"a,b\"", "{\"s\":\"]\"}", "null", "7");
        List<Long> ids = producer.enqueueBatch(payloads);

        assertThat(ids).hasSize(payloads.size());
        List<Message> messages = drain(store);
        assertThat(messages).extracting(Message::id).containsExactlyElementsOf(ids);
        for (int i = 0; i < payloads.size(); i++) {
            assertThat(messages.get(i).payload()).as("payload %d", i).isEqualTo(Json.parse((String) payloads.get(i)));
        }
    }

    @ConformanceTest
    void theStoredJsonIsTheCanonicalFormOfWhatWasValidated(TestBackend backend) {
        Store store = backend.open();
        Producer producer = orders(store);

        producer.enqueue("  {\n  \"a\" : 1 ,\t\"b\" : [ 1 , \"é\" ] }  ");
        producer.enqueueBatch(List.of(" [ true ,false ] "));

        List<Message> messages = drain(store);
        assertThat(messages.get(0).payload()).isEqualTo(Json.parse("{\"a\":1,\"b\":[1,\"é\"]}"));
        assertThat(messages.get(1).payload()).isEqualTo(Json.parse("[true,false]"));
        if (backend.kind() == BackendKind.SQLITE) {
            // SQLite keeps the text it is given (PostgreSQL's jsonb prints its own form): it is the compact one.
            assertThat(messages.get(0).payloadJson()).isEqualTo("{\"a\":1,\"b\":[1,\"é\"]}");
            assertThat(messages.get(1).payloadJson()).isEqualTo("[true,false]");
        }
    }

    @ConformanceTest
    void nulAndLoneSurrogatesAreRefusedNamingThePath(TestBackend backend) {
        Store store = backend.open();
        Producer producer = orders(store);

        assertThatThrownBy(() -> producer.enqueue("{\"a\":\"x\\u0000y\"}")).isInstanceOf(InvalidPayloadException.class)
                .hasMessageContaining("$.a").hasMessageContaining("NUL");
        assertThatThrownBy(() -> producer.enqueue(Map.of("a", List.of("ok", "x\u0000")))).isInstanceOf(InvalidPayloadException.class)
                .hasMessageContaining("$.a[1]").hasMessageContaining("NUL");
        assertThatThrownBy(() -> producer.enqueue(Map.of("k\u0000", 1))).isInstanceOf(InvalidPayloadException.class)
                .hasMessageContaining("key").hasMessageContaining("NUL");
        assertThatThrownBy(() -> producer.enqueue("{\"a\":\"\\ud800\"}")).isInstanceOf(InvalidPayloadException.class)
                .hasMessageContaining("$.a").hasMessageContaining("surrogate");
        assertThatThrownBy(() -> producer.enqueue(Map.of("b", "x\udc00"))).isInstanceOf(InvalidPayloadException.class)
                .hasMessageContaining("$.b").hasMessageContaining("surrogate");
        assertThatThrownBy(() -> producer.enqueue(Map.of("\ud83d", "v"))).isInstanceOf(InvalidPayloadException.class)
                .hasMessageContaining("key").hasMessageContaining("surrogate");
        assertThatThrownBy(() -> producer.enqueueBatch(List.of(Map.of("n", 1), "{\"n\":\"\\u0000\"}")))
                .isInstanceOf(InvalidPayloadException.class).hasMessageStartingWith("payload at index 1: ");

        // A pair of surrogates is one character, and fine.
        producer.enqueue(Map.of("emoji", "\ud83d\ude00"));
        assertThat(drain(store)).singleElement().satisfies(m -> assertThat(m.payload().get("emoji").asText()).isEqualTo("😀"));
    }

    @ConformanceTest
    void nonFiniteNumbersAndInvalidUtf8AreRefused(TestBackend backend) {
        Store store = backend.open();
        Producer producer = orders(store);

        assertThatThrownBy(() -> producer.enqueue(Map.of("x", Double.NaN))).isInstanceOf(InvalidPayloadException.class)
                .hasMessageContaining("$.x").hasMessageContaining("NaN");
        assertThatThrownBy(() -> producer.enqueue(Map.of("x", List.of(Double.POSITIVE_INFINITY))))
                .isInstanceOf(InvalidPayloadException.class).hasMessageContaining("$.x[0]").hasMessageContaining("Infinity");
        assertThatThrownBy(() -> producer.enqueue(Map.of("x", Float.NEGATIVE_INFINITY))).isInstanceOf(InvalidPayloadException.class);
        assertThatThrownBy(() -> producer.enqueue("{\"x\":1e400}")).isInstanceOf(InvalidPayloadException.class)
                .hasMessageContaining("$.x");
        byte[] latin1 = "{\"name\":\"Zoë\"}".getBytes(StandardCharsets.ISO_8859_1);
        assertThatThrownBy(() -> producer.enqueue(latin1)).isInstanceOf(InvalidPayloadException.class)
                .hasMessageContaining("not valid UTF-8").hasMessageContaining("at byte 11");
        assertThat(total(store)).isZero();

        producer.enqueue("{\"name\":\"Zoë\"}".getBytes(StandardCharsets.UTF_8));
        producer.enqueue(Map.of("x", 1.5));
        assertThat(drain(store)).extracting(m -> m.payload().fields().next().getValue().asText()).containsExactly("Zoë", "1.5");
    }

    @ConformanceTest
    void anyJsonValueIsAPayload(TestBackend backend) {
        Store store = backend.open();
        Producer producer = orders(store);
        List<Object> payloads = List.of("42", "\"just text\"", "[1,{\"a\":2}]", "true", "null", "-0.5",
                List.of(1, 2), JsonNodeFactory.instance.textNode("tree"));

        for (Object p : payloads) {
            producer.enqueue(p);
        }

        List<JsonNode> expected = new ArrayList<>();
        for (Object p : payloads) {
            expected.add(p instanceof String s ? Json.parse(s) : Json.MAPPER.valueToTree(p));
        }
        assertThat(drain(store)).extracting(Message::payload).containsExactlyElementsOf(expected);
    }

    @ConformanceTest
    void depthCountsFromZeroAtTheRootAndEveryValueCounts(TestBackend backend) {
        Store store = backend.open();
        Producer producer = orders(store);

        for (String ok : List.of("{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":1}}}}}", "{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":{}}}}}}",
                "{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":[]}}}}}", "[[[[[1]]]]]", "[[[[[[]]]]]]")) {
            producer.enqueue(ok);
        }
        assertThat(total(store)).isEqualTo(5);

        assertThatThrownBy(() -> producer.enqueue("{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":{\"f\":1}}}}}}"))
                .isInstanceOf(InvalidPayloadException.class)
                .hasMessageContaining("$.a.b.c.d.e.f").hasMessageContaining("depth 6").hasMessageContaining("limit of 5");
        assertThatThrownBy(() -> producer.enqueue("[[[[[[1]]]]]]")).hasMessageContaining("$[0][0][0][0][0][0]");
        assertThatThrownBy(() -> producer.enqueue("{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":[[]]}}}}}"))
                .hasMessageContaining("$.a.b.c.d.e[0]");
        assertThat(total(store)).isEqualTo(5);
    }

    @ConformanceTest
    void keysAndStringsAreEachLimitedInUtf8Bytes(TestBackend backend) {
        Store store = backend.open();
        Producer producer = orders(store);

        producer.enqueue(Map.of("k".repeat(1024), "v"));
        producer.enqueue(Map.of("é".repeat(512), "é".repeat(512)));
        assertThatThrownBy(() -> producer.enqueue(Map.of("k".repeat(1025), "v"))).isInstanceOf(InvalidPayloadException.class)
                .hasMessageContaining("key").hasMessageContaining("1025 bytes, more than the limit of 1024");
        assertThatThrownBy(() -> producer.enqueue(Map.of("é".repeat(513), 1))).hasMessageContaining("1026 bytes");
        assertThatThrownBy(() -> producer.enqueue(List.of("x".repeat(1025)))).hasMessageContaining("payload string at $[0] is 1025 bytes");
        // A byte[] inside a Map becomes a base64 string, limited as one.
        producer.enqueue(Map.of("blob", new byte[768]));
        assertThatThrownBy(() -> producer.enqueue(Map.of("blob", new byte[769]))).isInstanceOf(InvalidPayloadException.class)
                .hasMessageContaining("payload string at $.blob (bytes, as base64) is 1028 bytes");
        assertThat(total(store)).isEqualTo(3);
    }

    @ConformanceTest
    void sizeIsMeasuredOnTheCompactForm(TestBackend backend) {
        Store store = backend.open(c -> c.payloadLimits(PayloadLimits.DEFAULTS.withMaxBytes(30)));
        Producer producer = orders(store);

        producer.enqueue("{" + " ".repeat(500) + "\"a\":\"" + "x".repeat(20) + "\"}"); // 28 bytes once compact
        assertThatThrownBy(() -> producer.enqueue("{\"a\":\"" + "x".repeat(23) + "\"}"))
                .isInstanceOf(InvalidPayloadException.class).hasMessage("payload is 31 bytes, more than the limit of 30");
        assertThat(total(store)).isEqualTo(1);
    }

    @ConformanceTest
    void forbiddenKeysInEveryObjectAndRequiredKeysOnlyOnAnObjectRoot(TestBackend backend) {
        Store store = backend.open(c -> c.payloadLimits(PayloadLimits.DEFAULTS.withRequiredKeys(List.of("type"))));
        Producer producer = orders(store);

        assertThatThrownBy(() -> producer.enqueue("[{\"ok\":[{\"__proto__\":1}]}]")).isInstanceOf(InvalidPayloadException.class)
                .hasMessageContaining("forbidden key '__proto__' at $[0].ok[0]");
        assertThatThrownBy(() -> producer.enqueue(Map.of("n", 1))).hasMessageContaining("missing required key 'type'");
        producer.enqueue(Map.of("type", "t"));
        producer.enqueue("[1,2]");
        producer.enqueue("\"scalar\"");
        assertThat(total(store)).isEqualTo(3);
    }

    @ConformanceTest
    void aJavaNullIsRefusedButJsonNullIsAValue(TestBackend backend) {
        Store store = backend.open();
        Producer producer = orders(store);

        assertThatThrownBy(() -> producer.enqueue((Object) null)).isInstanceOf(InvalidPayloadException.class)
                .hasMessageContaining("payload is null");
        producer.enqueue(JsonNodeFactory.instance.nullNode());
        assertThat(drain(store)).singleElement().satisfies(m -> assertThat(m.payload().isNull()).isTrue());
    }
}
