package dev.pgqrs.fault;

import dev.pgqrs.Consumer;
import dev.pgqrs.ConsumerOptions;
import dev.pgqrs.Message;
import dev.pgqrs.ShutdownMode;
import dev.pgqrs.Store;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The process {@link QueueCrashTest} kills with {@code kill -9}: it consumes two queues, one thread each,
 * in batches of {@link #BATCH}, with a little work per message.
 *
 * <ul>
 *   <li>{@value #TX_QUEUE}, exactly-once: the side effect and the archive in one transaction
 *       ({@code store.inTransaction}, archive on the same connection);</li>
 *   <li>{@value #ALO_QUEUE}, at-least-once: each message's side effect in a transaction of its own, then
 *       the batch's archive.</li>
 * </ul>
 *
 * <p>Hang points ({@link ChildControl}): {@code leased} (right after a dequeue), {@code mid-batch}
 * (after two messages of a batch), {@code after-effects} (at-least-once: every effect committed, the
 * archive not made), {@code in-transaction} (exactly-once: effects written and batch archived, not
 * committed).
 */
public final class QueueCrashChild {

    public static final String TX_QUEUE = "fault-tx";
    public static final String ALO_QUEUE = "fault-alo";
    public static final int BATCH = 5;
    public static final Duration VISIBILITY = Duration.ofSeconds(2);
    static final List<String> POINTS = List.of("leased", "mid-batch", "after-effects", "in-transaction");

    private QueueCrashChild() {
    }

    public static void main(String[] args) throws Exception {
        ChildControl control = ChildControl.start();
        Store store = ChildControl.openStore(b -> b
                .heartbeatInterval(Duration.ofSeconds(1))
                .staleWorkerTimeout(Duration.ofSeconds(4))
                .reaperInterval(Duration.ofSeconds(1))
                .pollInterval(Duration.ofMillis(100))
                .maxReadCount(1_000)); // kills must never turn a message into a dead letter
        List<Thread> threads = new ArrayList<>();
        List<Consumer> consumers = new ArrayList<>();
        for (String queue : List.of(TX_QUEUE, ALO_QUEUE)) {
            Consumer consumer = store.consumer(queue, ConsumerOptions.defaults().visibilityTimeout(VISIBILITY));
            consumers.add(consumer);
            Thread t = new Thread(() -> consume(store, consumer, queue.equals(TX_QUEUE), control), "consume-" + queue);
            t.start();
            threads.add(t);
        }
        ChildControl.say("READY");
        control.awaitStop();
        for (Thread t : threads) {
            t.join(30_000);
        }
        for (Consumer c : consumers) {
            c.close(ShutdownMode.RELEASE_HELD);
        }
        store.close();
        ChildControl.say("STOPPED");
        System.exit(0);
    }

    private static void consume(Store store, Consumer consumer, boolean exactlyOnce, ChildControl control) {
        String queue = consumer.queue();
        while (!control.stopping()) {
            try {
                List<Message> batch = consumer.dequeue(BATCH);
                if (batch.isEmpty()) {
                    consumer.awaitMessages(Duration.ofMillis(200));
                    continue;
                }
                control.hangAt("leased");
                for (int i = 0; i < batch.size(); i++) {
                    Message m = batch.get(i);
                    Thread.sleep(5); // the work a message asks for
                    if (!exactlyOnce) {
                        store.inTransaction(c -> {
                            Effects.message(c, queue, m.id(), control.process());
                            return null;
                        });
                    }
                    if (i == 1) {
                        control.hangAt("mid-batch");
                    }
                }
                if (exactlyOnce) {
                    store.inTransaction(c -> {
                        // Only deliveries still held are archived; their effects commit with the archive, or neither does.
                        List<Message> archived = consumer.archive(c, batch);
                        Effects.messages(c, queue, archived, control.process());
                        control.hangAt("in-transaction");
                        return null;
                    });
                } else {
                    control.hangAt("after-effects");
                    consumer.archive(batch);
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                ChildControl.seen(e);
                sleepQuietly(100);
            }
        }
    }

    static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
