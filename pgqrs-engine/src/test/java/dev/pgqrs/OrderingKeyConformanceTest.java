package dev.pgqrs;

import dev.pgqrs.testing.ConformanceTest;
import dev.pgqrs.testing.TestBackend;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Ordering keys on a FIFO queue: per key in enqueue order, one in flight at a time; different keys in parallel. */
class OrderingKeyConformanceTest {

    private static List<String> names(List<Message> messages) {
        return messages.stream().map(m -> m.payload().get("n").asText()).toList();
    }

    private static Store fifoQueue(TestBackend backend) {
        Store store = backend.open();
        store.queues().create("orders", QueueOptions.fifoQueue());
        return store;
    }

    @ConformanceTest
    void aKeyIsDeliveredInEnqueueOrderOneAtATimeAndOtherKeysInParallel(TestBackend backend) {
        Store store = fifoQueue(backend);
        Producer producer = store.producer("orders");
        producer.enqueue(Map.of("n", "a1"), EnqueueOptions.withOrderingKey("a"));
        producer.enqueue(Map.of("n", "a2"), EnqueueOptions.withOrderingKey("a"));
        producer.enqueue(Map.of("n", "b1"), EnqueueOptions.withOrderingKey("b"));
        producer.enqueueBatch(List.of(Map.of("n", "a3"), Map.of("n", "b2"), Map.of("n", "free")),
                List.of(EnqueueOptions.withOrderingKey("a"), EnqueueOptions.withOrderingKey("b"), EnqueueOptions.defaults()),
                Duration.ZERO);

        try (Consumer consumer = store.consumer("orders")) {
            // A batch holds each key's head only, and the messages without a key.
            List<Message> first = consumer.dequeue(10);
            assertThat(names(first)).containsExactly("a1", "b1", "free");
            assertThat(first).extracting(Message::orderingKey).containsExactly("a", "b", null);
            assertThat(consumer.dequeue(10)).as("both keys are in flight").isEmpty();

            consumer.archive(first.get(0));
            List<Message> second = consumer.dequeue(10);
            assertThat(names(second)).containsExactly("a2");
            consumer.archive(second);
            consumer.archive(first.subList(1, 3));
            List<Message> third = consumer.dequeue(10);
            assertThat(names(third)).containsExactly("a3", "b2");
            consumer.archive(third);
        }
    }

    @ConformanceTest
    void aRetriedMessageKeepsItsKeysHeadAndADeadLetterFreesIt(TestBackend backend) {
        Store store = fifoQueue(backend);
        Producer producer = store.producer("orders");
        for (String n : List.of("a1", "a2", "a3")) {
            producer.enqueue(Map.of("n", n), EnqueueOptions.withOrderingKey("a"));
        }
        try (Consumer consumer = store.consumer("orders")) {
            Message a1 = consumer.dequeue(5).get(0);
            consumer.release(List.of(a1), Duration.ofHours(1), "try again later");
            assertThat(consumer.dequeue(5)).as("a2 waits for a1's retry").isEmpty();

            backend.makeAllDue();
            List<Message> retried = consumer.dequeue(5);
            assertThat(names(retried)).containsExactly("a1");
            assertThat(retried.get(0).readCount()).isEqualTo(2);

            // A lease that ran out gives the key's head again, never its successor.
            backend.expireLeases();
            List<Message> again = consumer.dequeue(5);
            assertThat(names(again)).containsExactly("a1");

            assertThat(consumer.deadLetter(again.get(0), "poison")).isTrue();
            List<Message> next = consumer.dequeue(5);
            assertThat(names(next)).as("a dead letter frees its key").containsExactly("a2");
            consumer.archive(next);
        }
    }

    @ConformanceTest
    void aMessageDeadLetteredByTheDequeueFreesItsKeyForTheNextDequeue(TestBackend backend) {
        Store store = backend.open(b -> b.maxReadCount(1));
        store.queues().create("orders", QueueOptions.fifoQueue());
        Producer producer = store.producer("orders");
        producer.enqueue(Map.of("n", "a1"), EnqueueOptions.withOrderingKey("a"));
        producer.enqueue(Map.of("n", "a2"), EnqueueOptions.withOrderingKey("a"));
        try (Consumer consumer = store.consumer("orders")) {
            assertThat(names(consumer.dequeue(5))).containsExactly("a1");
            backend.expireLeases();
            assertThat(consumer.dequeue(5)).as("a1 is dead-lettered by this dequeue, a2 was not yet the head").isEmpty();
            List<Message> next = consumer.dequeue(5);
            assertThat(names(next)).containsExactly("a2");
            consumer.archive(next);
        }
    }

    @ConformanceTest
    void anOrderingKeyOnAQueueThatIsNotFifoIsRefusedAndNothingIsInserted(TestBackend backend) {
        Store store = backend.open();
        store.queues().create("plain");
        Producer producer = store.producer("plain");
        assertThatThrownBy(() -> producer.enqueue(Map.of("n", 1), EnqueueOptions.withOrderingKey("a")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("ordering key 'a' given for a queue that is not FIFO: ordering keys need a queue created"
                        + " with QueueOptions.fifoQueue()");
        assertThatThrownBy(() -> producer.enqueueBatch(List.of(Map.of("n", 1), Map.of("n", 2)),
                List.of(EnqueueOptions.defaults(), EnqueueOptions.withOrderingKey("b")), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ordering key 'b'");
        assertThat(store.queues().metrics("plain").total()).isZero();
        assertThatThrownBy(() -> EnqueueOptions.withOrderingKey(""))
                .isInstanceOf(InvalidNameException.class).hasMessageContaining("ordering key");
    }

    /** 8 consumers on 4 stores, 50 keys: each key's messages handled in order, never two of a key at once. */
    @ConformanceTest
    void racingConsumersOfSeveralStoresKeepEachKeysOrderAndOneInFlight(TestBackend backend) throws Exception {
        int keys = 50;
        int perKey = 20;
        Store producing = fifoQueue(backend);
        Producer producer = producing.producer("orders");
        for (int seq = 0; seq < perKey; seq++) {
            List<Map<String, Object>> payloads = new ArrayList<>();
            List<EnqueueOptions> options = new ArrayList<>();
            for (int k = 0; k < keys; k++) {
                payloads.add(Map.of("key", "k" + k, "seq", seq));
                options.add(EnqueueOptions.withOrderingKey("k" + k));
            }
            producer.enqueueBatch(payloads, options, Duration.ZERO);
        }
        List<Store> stores = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            stores.add(backend.open(b -> b.maintenance(false)));
        }

        Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
        Map<String, AtomicInteger> lastSeq = new ConcurrentHashMap<>();
        AtomicInteger maxInFlight = new AtomicInteger();
        AtomicInteger handled = new AtomicInteger();
        List<String> outOfOrder = new CopyOnWriteArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<?>> consumers = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            Store store = stores.get(t % stores.size());
            consumers.add(pool.submit(() -> {
                try (Consumer consumer = store.consumer("orders")) {
                    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
                    while (handled.get() < keys * perKey && System.nanoTime() < deadline) {
                        List<Message> batch = consumer.dequeue(5, Duration.ofMinutes(5));
                        for (Message m : batch) {
                            String key = m.orderingKey();
                            int now = inFlight.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
                            maxInFlight.accumulateAndGet(now, Math::max);
                            int seq = m.payload().get("seq").asInt();
                            int previous = lastSeq.computeIfAbsent(key, k -> new AtomicInteger(-1)).getAndSet(seq);
                            if (previous != seq - 1) {
                                outOfOrder.add(key + ": " + previous + " then " + seq);
                            }
                            Thread.yield();
                            // Out of flight before the archive: the next of the key can only be taken after it.
                            inFlight.get(key).decrementAndGet();
                            assertThat(consumer.archive(m)).isTrue();
                            handled.incrementAndGet();
                        }
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : consumers) {
            f.get(4, TimeUnit.MINUTES);
        }
        pool.shutdown();

        assertThat(handled.get()).isEqualTo(keys * perKey);
        assertThat(outOfOrder).isEmpty();
        assertThat(maxInFlight.get()).isEqualTo(1);
        assertThat(lastSeq).hasSize(keys).allSatisfy((key, seq) -> assertThat(seq.get()).isEqualTo(perKey - 1));
        assertThat(producing.queues().metrics("orders").archived()).isEqualTo(keys * perKey);
    }
}
