package dev.pgqrs.fault;

import dev.pgqrs.Consumer;
import dev.pgqrs.Message;
import dev.pgqrs.Store;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Consumers draining one queue as fast as they can, each on a thread and a consumer (a worker row) of its
 * own: dequeue a batch, archive it. Every id an archive reported as archived is kept, so the test can
 * tell whether any message was archived twice; every exception is counted as an error that reached a
 * caller, and so is a delivery its holder could not archive (its lease lost).
 */
final class CompetingConsumers {

    private final List<Thread> threads = new ArrayList<>();
    private final List<Consumer> consumers = new ArrayList<>();
    private final ConcurrentLinkedQueue<Long> archived = new ConcurrentLinkedQueue<>();
    private final AtomicLong notArchived = new AtomicLong();
    private final LoopErrors errors;
    private volatile boolean running = true;

    CompetingConsumers(Store store, String queue, int count, int batch, java.util.function.Consumer<Throwable> seen) {
        this.errors = new LoopErrors(seen);
        for (int i = 0; i < count; i++) {
            Consumer consumer = store.consumer(queue);
            consumers.add(consumer);
            threads.add(new Thread(() -> drain(consumer, batch), "compete-" + queue + "-" + i));
        }
    }

    void start() {
        threads.forEach(Thread::start);
    }

    private void drain(Consumer consumer, int batch) {
        while (running) {
            try {
                List<Message> leased = consumer.dequeue(batch);
                if (leased.isEmpty()) {
                    consumer.awaitMessages(Duration.ofMillis(100));
                    continue;
                }
                List<Message> done = consumer.archive(leased);
                notArchived.addAndGet(leased.size() - done.size());
                done.forEach(m -> archived.add(m.id()));
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                errors.add(e);
            }
        }
    }

    void stop() throws InterruptedException {
        running = false;
        for (Thread t : threads) {
            t.join(60_000);
        }
        for (Consumer c : consumers) {
            c.close();
        }
    }

    List<Long> archivedIds() {
        return List.copyOf(archived);
    }

    /** Exceptions, plus deliveries that were leased and then could not be archived by their holder. */
    long errors() {
        return errors.total() + notArchived.get();
    }

    java.util.Map<String, Long> errorsByType() {
        return errors.byType();
    }

    long notArchived() {
        return notArchived.get();
    }
}
