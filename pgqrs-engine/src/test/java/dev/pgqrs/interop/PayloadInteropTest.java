package dev.pgqrs.interop;

import dev.pgqrs.Consumer;
import dev.pgqrs.InvalidPayloadException;
import dev.pgqrs.Message;
import dev.pgqrs.Store;
import dev.pgqrs.payload.Json;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One payload, one verdict: what pgqrs (Rust) accepts with its default limits the Java producer
 * accepts, what it refuses the Java producer refuses (pgqrs-interop.md §3), so a message can move
 * from one edition's producer to the other's without a surprise.
 */
class PayloadInteropTest {

    private static final String KEY_1024 = "k".repeat(1024);

    /** Payloads and whether the original accepts them. */
    private static final List<Object[]> CASES = List.of(
            new Object[] {"{\"n\":1}", true},
            new Object[] {"42", true},
            new Object[] {"\"text\"", true},
            new Object[] {"[1,2,3]", true},
            new Object[] {"null", true},
            new Object[] {"{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":1}}}}}", true},
            new Object[] {"{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":{}}}}}}", true},
            new Object[] {"{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":{\"f\":1}}}}}}", false},
            new Object[] {"[[[[[[1]]]]]]", false},
            new Object[] {"{\"" + KEY_1024 + "\":1}", true},
            new Object[] {"{\"" + KEY_1024 + "k\":1}", false},
            new Object[] {"{\"s\":\"" + "é".repeat(512) + "\"}", true},
            new Object[] {"{\"s\":\"" + "é".repeat(513) + "\"}", false},
            new Object[] {"{\"a\":[{\"__proto__\":1}]}", false},
            new Object[] {"{\"constructor\":1}", false});

    @InteropTest(releases = OriginalRelease.V0_15_3)
    void bothEditionsAcceptAndRefuseTheSamePayloads(OriginalDatabase db) {
        Store store = db.javaStore();
        store.queues().create("payloads");
        for (Object[] c : CASES) {
            String json = (String) c[0];
            boolean originalAccepts = accepts(() -> OriginalPayloadRules.check(json));
            assertThat(originalAccepts).as("the original's rules, as the facts give them, for " + abbreviated(json)).isEqualTo(c[1]);
            boolean javaAccepts = accepts(() -> store.enqueue("payloads", Json.parse(json)));
            assertThat(javaAccepts).as("Java's verdict on " + abbreviated(json)).isEqualTo(originalAccepts);
        }
    }

    @InteropTest(releases = OriginalRelease.V0_15_3)
    void javaConsumesTheNonObjectPayloadsTheOriginalProduces(OriginalDatabase db) {
        Store store = db.javaStore();
        OriginalEdition original = db.edition();
        store.queues().create("payloads");
        long queue = original.queueId("payloads").orElseThrow();
        long producer = original.register("rust-producer", queue);
        for (String json : List.of("42", "\"text\"", "[1,2,3]", "true")) {
            original.enqueue(queue, producer, json);
        }
        try (Consumer consumer = store.consumer("payloads")) {
            List<Message> got = consumer.dequeue(10);
            assertThat(got).extracting(m -> m.payload().toString()).containsExactlyInAnyOrder("42", "\"text\"", "[1,2,3]", "true");
            consumer.archive(got);
        }
    }

    private static boolean accepts(Runnable enqueue) {
        try {
            enqueue.run();
            return true;
        } catch (InvalidPayloadException | OriginalPayloadRules.Rejected e) {
            return false;
        }
    }

    private static String abbreviated(String json) {
        return json.length() > 60 ? json.substring(0, 60) + "…" : json;
    }
}
