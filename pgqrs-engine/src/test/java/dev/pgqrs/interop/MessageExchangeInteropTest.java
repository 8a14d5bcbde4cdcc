package dev.pgqrs.interop;

import dev.pgqrs.Consumer;
import dev.pgqrs.Message;
import dev.pgqrs.Producer;
import dev.pgqrs.QueueMetrics;
import dev.pgqrs.Store;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Messages cross between the editions in both directions on one upgraded database: each is
 * delivered, processed once, and both editions count the queue alike.
 */
class MessageExchangeInteropTest {

    @InteropTest
    void messagesTheOriginalProducesAreConsumedByJavaEachOnce(OriginalDatabase db) {
        Store store = db.javaStore();
        OriginalEdition original = db.edition();
        long queue = original.createQueue("to-java");
        long producer = original.register("rust-producer", queue);
        Set<Long> sent = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            sent.add(original.enqueue(queue, producer, "{\"n\":" + i + "}"));
        }
        sent.addAll(original.enqueueBatch(queue, producer, List.of("{\"n\":20}", "{\"n\":21}", "[1,2]", "\"scalar\"")));

        List<Long> received = new ArrayList<>();
        try (Consumer consumer = store.consumer("to-java")) {
            for (List<Message> batch = consumer.dequeue(7); !batch.isEmpty(); batch = consumer.dequeue(7)) {
                batch.forEach(m -> received.add(m.id()));
                assertThat(consumer.archive(batch)).hasSize(batch.size());
            }
        }
        assertThat(received).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(sent);
        assertThat(original.counts(queue)).isEqualTo(new OriginalEdition.Counts(24, 0, 0, 24));
    }

    @InteropTest
    void messagesJavaProducesAreConsumedByTheOriginalEachOnce(OriginalDatabase db) {
        Store store = db.javaStore();
        store.queues().create("to-rust");
        Set<Long> sent = new HashSet<>();
        try (Producer producer = store.producer("to-rust")) {
            for (int i = 0; i < 20; i++) {
                sent.add(producer.enqueue(Map.of("n", i)));
            }
            sent.addAll(producer.enqueueBatch(List.of(Map.of("n", 20), Map.of("n", 21))));
        }
        OriginalEdition original = db.edition();
        long queue = original.queueId("to-rust").orElseThrow();
        long consumer = original.register("rust-consumer", queue);

        List<Long> received = new ArrayList<>();
        for (var batch = original.dequeue(queue, consumer, 5); !batch.isEmpty(); batch = original.dequeue(queue, consumer, 5)) {
            for (var m : batch) {
                received.add(m.id());
                assertThat(m.payload().get("n").isInt()).isTrue();
                assertThat(original.archive(m.id(), consumer)).isTrue();
            }
        }
        assertThat(received).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(sent);
        QueueMetrics metrics = store.queues().metrics("to-rust");
        assertThat(metrics.archived()).isEqualTo(22);
        assertThat(metrics.pending() + metrics.leased() + metrics.deadLettered()).isZero();
    }

    @InteropTest
    void consumersOfBothEditionsOnOneQueueProcessEveryMessageOnceAndCountItAlike(OriginalDatabase db) {
        Store store = db.javaStore();
        OriginalEdition original = db.edition();
        store.queues().create("shared");
        long queue = original.queueId("shared").orElseThrow();
        long rustProducer = original.register("rust-producer", queue);
        long rustConsumer = original.register("rust-consumer", queue);
        Set<Long> sent = new HashSet<>();
        try (Producer producer = store.producer("shared")) {
            for (int i = 0; i < 30; i++) {
                sent.add(i % 2 == 0 ? producer.enqueue(Map.of("n", i)) : original.enqueue(queue, rustProducer, "{\"n\":" + i + "}"));
            }
        }

        List<Long> byJava = new ArrayList<>();
        List<Long> byRust = new ArrayList<>();
        try (Consumer consumer = store.consumer("shared")) {
            // Interleaved: a batch each, and the leases of one side are open while the other dequeues.
            while (true) {
                List<Message> javaBatch = consumer.dequeue(3);
                var rustBatch = original.dequeue(queue, rustConsumer, 3);
                if (javaBatch.isEmpty() && rustBatch.isEmpty()) {
                    break;
                }
                QueueMetrics metrics = store.queues().metrics("shared");
                OriginalEdition.Counts counts = original.counts(queue);
                assertThat(metrics.leased()).as("leases counted alike").isEqualTo(counts.locked());
                assertThat(metrics.pending()).as("pending counted alike").isEqualTo(counts.pending());
                assertThat(metrics.archived()).as("archived counted alike").isEqualTo(counts.archived());
                javaBatch.forEach(m -> byJava.add(m.id()));
                rustBatch.forEach(m -> byRust.add(m.id()));
                consumer.archive(javaBatch);
                rustBatch.forEach(m -> assertThat(original.archive(m.id(), rustConsumer)).isTrue());
            }
        }
        assertThat(byJava).doesNotContainAnyElementsOf(byRust);
        List<Long> all = new ArrayList<>(byJava);
        all.addAll(byRust);
        assertThat(all).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(sent);
        assertThat(byJava).isNotEmpty();
        assertThat(byRust).isNotEmpty();
    }

    /**
     * Without delays both editions hand out messages in enqueue order. They differ on purpose once a
     * message was delayed (or retried): pgqrs orders visible messages by enqueue time alone, which sorts
     * every visible row on each dequeue; this edition orders them by when they became visible (vt, then
     * enqueue time), which its dequeue index yields without a sort. A delayed message therefore queues
     * behind the ones that were visible before it, here.
     */
    @InteropTest(releases = OriginalRelease.V0_15_3)
    void bothEditionsDeliverUndelayedMessagesInEnqueueOrderAndJavaDelayedOnesWhenTheyBecameVisible(OriginalDatabase db)
            throws Exception {
        Store store = db.javaStore();
        OriginalEdition original = db.edition();
        store.queues().create("ordered");
        long queue = original.queueId("ordered").orElseThrow();
        long producer = original.register("rust-producer", queue);
        List<Long> plain = List.of(original.enqueue(queue, producer, "{\"n\":1}"), original.enqueue(queue, producer,
                "{\"n\":2}"), store.enqueue("ordered", Map.of("n", 3)));
        long rustConsumer = original.register("rust-consumer", queue);
        assertThat(original.dequeue(queue, rustConsumer, 1)).extracting(OriginalEdition.Msg::id).containsExactly(plain.get(0));
        original.archive(plain.get(0), rustConsumer);
        try (Consumer consumer = store.consumer("ordered")) {
            List<Message> second = consumer.dequeue(1);
            assertThat(second).extracting(Message::id).containsExactly(plain.get(1));
            List<Message> third = consumer.dequeue(1);
            assertThat(third).extracting(Message::id).containsExactly(plain.get(2));
            consumer.archive(second);
            consumer.archive(third);
        }

        long delayed = original.enqueue(queue, producer, "{\"n\":\"older, was delayed\"}");
        long younger = original.enqueue(queue, producer, "{\"n\":\"younger\"}");
        Interop.sql(db, "UPDATE pgqrs_messages SET enqueued_at = " + db.backend().ago(Duration.ofSeconds(10)) + ", vt = "
                + db.backend().ago(Duration.ofSeconds(1)) + " WHERE id = " + delayed);
        Interop.sql(db, "UPDATE pgqrs_messages SET enqueued_at = " + db.backend().ago(Duration.ofSeconds(5)) + ", vt = "
                + db.backend().ago(Duration.ofSeconds(5)) + " WHERE id = " + younger);
        assertThat(original.dequeue(queue, rustConsumer, 1)).as("the original: enqueue order")
                .extracting(OriginalEdition.Msg::id).containsExactly(delayed);
        original.release(delayed, rustConsumer);
        try (Consumer consumer = store.consumer("ordered")) {
            List<Message> first = consumer.dequeue(1);
            assertThat(first).as("this edition: the order they became visible in").extracting(Message::id)
                    .containsExactly(younger);
            List<Message> second = consumer.dequeue(1);
            assertThat(second).extracting(Message::id).containsExactly(delayed);
            consumer.archive(first);
            consumer.archive(second);
        }
    }
}
