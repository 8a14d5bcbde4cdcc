package dev.pgqrs.bench.steady;

import dev.pgqrs.Consumer;
import dev.pgqrs.Message;
import dev.pgqrs.Pgqrs;
import dev.pgqrs.Producer;
import dev.pgqrs.Store;
import dev.pgqrs.bench.db.DatabaseSlot;
import dev.pgqrs.bench.db.ServerCounters;
import dev.pgqrs.bench.measure.LatencyRecorder;
import dev.pgqrs.config.PgqrsConfig;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One steady-state run of pgqrs on a fresh slot: producer threads enqueue batches as fast as they can while consumer
 * threads dequeue and archive, all through the public API with default settings, for a fixed time. An idle consumer
 * waits for the store's wake-up ({@code awaitMessages}), as an application's loop would.
 */
final class SteadyRun {

    static final String QUEUE = "steady";
    private static final Duration VISIBILITY = Duration.ofSeconds(30);
    private static final Duration IDLE_WAIT = Duration.ofMillis(100);
    private static final int PAYLOAD_BYTES = 256;

    private final DatabaseSlot slot;
    private final SteadyCell cell;
    private final SteadySettings settings;
    private final LatencyRecorder enqueueLatency = new LatencyRecorder();
    private final LatencyRecorder dequeueLatency = new LatencyRecorder();
    private final LatencyRecorder archiveLatency = new LatencyRecorder();
    private final LatencyRecorder endToEnd = new LatencyRecorder();
    private final Set<Long> seen = ConcurrentHashMap.newKeySet();
    private final AtomicLong produced = new AtomicLong();
    private final AtomicLong consumed = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong sequence = new AtomicLong();
    private final AtomicReference<String> firstError = new AtomicReference<>();
    private volatile long deadline;

    SteadyRun(DatabaseSlot slot, SteadyCell cell, SteadySettings settings) {
        this.slot = slot;
        this.cell = cell;
        this.settings = settings;
    }

    SteadyMeasurement run(Duration duration, int repeat) throws Exception {
        PgqrsConfig.Builder config = PgqrsConfig.builder().dsn(slot.pgqrsDsn())
                .maxConnections(cell.consumers() + settings.producers() + 4);
        if (slot.schema() != null) {
            config.schema(slot.schema());
        }
        try (Store store = Pgqrs.connect(config.build())) {
            store.admin().install();
            store.queues().create(QUEUE);
            List<Producer> producers = new ArrayList<>();
            List<Consumer> consumers = new ArrayList<>();
            try {
                for (int i = 0; i < settings.producers(); i++) {
                    producers.add(store.producer(QUEUE));
                }
                for (int i = 0; i < cell.consumers(); i++) {
                    consumers.add(store.consumer(QUEUE));
                }
                ServerCounters before = slot.counters();
                long start = System.nanoTime();
                deadline = start + duration.toNanos();
                CountDownLatch done = new CountDownLatch(producers.size() + consumers.size());
                List<Thread> threads = new ArrayList<>();
                for (Producer p : producers) {
                    threads.add(start("steady-producer", () -> produce(p, done)));
                }
                for (Consumer c : consumers) {
                    threads.add(start("steady-consumer", () -> consume(c, done)));
                }
                done.await();
                double seconds = (System.nanoTime() - start) / 1e9;
                ServerCounters used = slot.counters().minus(before);
                var metrics = store.queues().metrics(QUEUE);
                long depth = metrics.pending() + metrics.leased();
                for (Thread t : threads) {
                    t.join();
                }
                return new SteadyMeasurement(slot.backend().name().toLowerCase(), cell.consumers(), cell.enqueueBatch(),
                        cell.dequeueBatch(), repeat, seconds, produced.get(), consumed.get(), produced.get() / seconds,
                        consumed.get() / seconds, depth, enqueueLatency.percentiles(), dequeueLatency.percentiles(),
                        archiveLatency.percentiles(), endToEnd.percentiles(), errors.get(), duplicates.get(),
                        used.commits(), firstError.get());
            } finally {
                consumers.forEach(Consumer::close);
                producers.forEach(Producer::close);
            }
        }
    }

    private static Thread start(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.start();
        return t;
    }

    private boolean open() {
        return System.nanoTime() - deadline < 0;
    }

    private void produce(Producer producer, CountDownLatch done) {
        try {
            while (open()) {
                List<String> batch = new ArrayList<>(cell.enqueueBatch());
                long t0 = System.nanoTime();
                for (int i = 0; i < cell.enqueueBatch(); i++) {
                    batch.add(payload(sequence.getAndIncrement(), t0));
                }
                try {
                    producer.enqueueBatch(batch);
                    enqueueLatency.recordSince(t0);
                    produced.addAndGet(batch.size());
                } catch (RuntimeException e) {
                    error(e);
                }
            }
        } finally {
            done.countDown();
        }
    }

    private void consume(Consumer consumer, CountDownLatch done) {
        try {
            while (open()) {
                try {
                    long t0 = System.nanoTime();
                    List<Message> leased = consumer.dequeue(cell.dequeueBatch(), VISIBILITY);
                    dequeueLatency.recordSince(t0);
                    if (leased.isEmpty()) {
                        consumer.awaitMessages(IDLE_WAIT);
                        continue;
                    }
                    long now = System.nanoTime();
                    for (Message m : leased) {
                        endToEnd.recordNanos(now - m.payload().get("t").asLong());
                        if (!seen.add(m.id())) {
                            duplicates.incrementAndGet();
                        }
                    }
                    long t1 = System.nanoTime();
                    List<Message> archived = consumer.archive(leased);
                    archiveLatency.recordSince(t1);
                    consumed.addAndGet(archived.size());
                    if (archived.size() != leased.size()) {
                        error(new IllegalStateException("archived " + archived.size() + " of " + leased.size()));
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } catch (RuntimeException e) {
                    error(e);
                }
            }
        } finally {
            done.countDown();
        }
    }

    private void error(Throwable e) {
        errors.incrementAndGet();
        firstError.compareAndSet(null, e.getClass().getSimpleName() + ": " + e.getMessage());
    }

    static String payload(long seq, long stampNanos) {
        String head = "{\"seq\":" + seq + ",\"t\":" + stampNanos + ",\"kind\":\"bench.steady\",\"pad\":\"";
        String tail = "\"}";
        return head + "x".repeat(Math.max(0, PAYLOAD_BYTES - head.length() - tail.length())) + tail;
    }
}
