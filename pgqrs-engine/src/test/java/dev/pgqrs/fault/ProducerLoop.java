package dev.pgqrs.fault;

import dev.pgqrs.Producer;
import dev.pgqrs.Store;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Enqueues {@code {"origin": …, "seq": n}} batches to a queue at a steady pace through a producer of its
 * own (a worker row that must survive being declared dead), until stopped. A batch that fails is tried
 * again with the same sequence numbers, so every number up to {@link #confirmed()} was enqueued at least
 * once; the ids of confirmed enqueues are kept, to find what was lost.
 */
public final class ProducerLoop implements AutoCloseable {

    private final Producer producer;
    private final String origin;
    private final int batch;
    private final Duration every;
    private final LoopErrors errors;
    private final List<Long> confirmedIds = new ArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long confirmed;

    public ProducerLoop(Store store, String queue, String origin, int batch, Duration every, Consumer<Throwable> seen) {
        this.producer = store.producer(queue);
        this.origin = origin;
        this.batch = batch;
        this.every = every;
        this.errors = new LoopErrors(seen);
        this.thread = new Thread(this::run, "produce-" + queue + "-" + origin);
    }

    public ProducerLoop start() {
        thread.start();
        return this;
    }

    private void run() {
        long seq = 0;
        while (running) {
            List<Map<String, Object>> payloads = new ArrayList<>(batch);
            for (int i = 0; i < batch; i++) {
                payloads.add(Map.of("origin", origin, "seq", seq + i));
            }
            try {
                List<Long> ids = producer.enqueueBatch(payloads);
                synchronized (confirmedIds) {
                    confirmedIds.addAll(ids);
                }
                seq += batch;
                confirmed = seq;
                LoopErrors.pause(every.toMillis());
            } catch (RuntimeException e) {
                errors.add(e);
                LoopErrors.pause(100);
            }
        }
    }

    /** Stops producing and waits for the loop to end. */
    public void stop() {
        running = false;
        try {
            thread.join(60_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** How many sequence numbers were enqueued for sure (0 … confirmed-1). */
    public long confirmed() {
        return confirmed;
    }

    public List<Long> confirmedIds() {
        synchronized (confirmedIds) {
            return List.copyOf(confirmedIds);
        }
    }

    public Producer producer() {
        return producer;
    }

    public long errors() {
        return errors.total();
    }

    public Map<String, Long> errorsByType() {
        return errors.byType();
    }

    @Override
    public void close() {
        stop();
        producer.close();
    }
}
