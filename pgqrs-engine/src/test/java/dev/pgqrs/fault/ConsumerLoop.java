package dev.pgqrs.fault;

import dev.pgqrs.Consumer;
import dev.pgqrs.ConsumerOptions;
import dev.pgqrs.Message;
import dev.pgqrs.ShutdownMode;
import dev.pgqrs.Store;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Consumes a queue exactly-once until stopped: each batch's archive and its side effects
 * ({@code fault_effects}) in one transaction ({@code store.inTransaction}, archive on its connection), so
 * a delivery that is no longer held leaves no effect. Failed attempts are counted and retried after a
 * short back-off; the consumer is never replaced.
 */
public final class ConsumerLoop implements AutoCloseable {

    private final Store store;
    private final Consumer consumer;
    private final String process;
    private final int batch;
    private final LoopErrors errors;
    private final AtomicLong archived = new AtomicLong();
    private final Thread thread;
    private volatile boolean running = true;

    public ConsumerLoop(Store store, String queue, String process, int batch, Duration visibility,
                        java.util.function.Consumer<Throwable> seen) {
        this.store = store;
        this.consumer = store.consumer(queue, ConsumerOptions.defaults().visibilityTimeout(visibility));
        this.process = process;
        this.batch = batch;
        this.errors = new LoopErrors(seen);
        this.thread = new Thread(this::run, "consume-" + queue + "-" + process);
    }

    public ConsumerLoop start() {
        thread.start();
        return this;
    }

    private void run() {
        String queue = consumer.queue();
        while (running) {
            try {
                List<Message> leased = consumer.dequeue(batch);
                if (leased.isEmpty()) {
                    consumer.awaitMessages(Duration.ofMillis(250));
                    continue;
                }
                int n = store.inTransaction(c -> {
                    List<Message> done = consumer.archive(c, leased);
                    Effects.messages(c, queue, done, process);
                    return done.size();
                });
                archived.addAndGet(n);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                errors.add(e);
                LoopErrors.pause(100);
            }
        }
    }

    public void stop() {
        running = false;
        try {
            thread.join(60_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public Consumer consumer() {
        return consumer;
    }

    public long archived() {
        return archived.get();
    }

    public long errors() {
        return errors.total();
    }

    public java.util.Map<String, Long> errorsByType() {
        return errors.byType();
    }

    @Override
    public void close() {
        stop();
        consumer.close(ShutdownMode.RELEASE_HELD);
    }
}
