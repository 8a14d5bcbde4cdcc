package dev.pgqrs.bench.latency;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Sends at a fixed rate: message i is due at {@code start + i / rate}. A few threads share the
 * schedule, each taking the next due slot, so one slow commit delays only its own message.
 */
final class SteadyProducer {

    /** Enqueues one message stamped with its scheduled time. */
    interface Sender {
        void send(long scheduledNanos) throws Exception;
    }

    private SteadyProducer() {
    }

    /** Runs until {@code endNanos}; returns the number of messages sent. */
    static long run(int threads, double ratePerSecond, long startNanos, long endNanos, List<Sender> senders,
                    LatencyProbe probe) throws InterruptedException {
        long intervalNanos = (long) (TimeUnit.SECONDS.toNanos(1) / ratePerSecond);
        AtomicLong nextSlot = new AtomicLong();
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            Sender sender = senders.get(i);
            Thread t = new Thread(() -> {
                while (true) {
                    long due = startNanos + nextSlot.getAndIncrement() * intervalNanos;
                    if (due >= endNanos) {
                        return;
                    }
                    long wait;
                    while ((wait = due - System.nanoTime()) > 0) {
                        LockSupport.parkNanos(wait);
                    }
                    try {
                        sender.send(due);
                        probe.sent(due, System.nanoTime());
                    } catch (Exception e) {
                        probe.error(e);
                    }
                }
            }, "steady-producer-" + i);
            workers.add(t);
            t.start();
        }
        for (Thread t : workers) {
            t.join();
        }
        return nextSlot.get();
    }
}
