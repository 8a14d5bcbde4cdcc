package dev.pgqrs.bench.drain;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Runs N consumer loops on their own threads, released together: the probe's clock starts when
 * all threads are up and stops when the last loop returned. Loops report errors to the probe and
 * keep going; an unexpected throwable ends that loop and is reported too.
 */
final class ConsumerThreads {

    /** The body of consumer {@code index}; returns when the queue is empty or time is up. */
    interface Loop {
        void run(int index) throws Exception;
    }

    private ConsumerThreads() {
    }

    static void run(String name, int consumers, DrainProbe probe, Loop loop) throws InterruptedException {
        CountDownLatch ready = new CountDownLatch(consumers);
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < consumers; i++) {
            int index = i;
            Thread t = new Thread(() -> {
                ready.countDown();
                try {
                    go.await();
                    loop.run(index);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (Throwable e) {
                    probe.error(e);
                }
            }, name + "-consumer-" + i);
            threads.add(t);
            t.start();
        }
        ready.await();
        probe.startClock();
        go.countDown();
        for (Thread t : threads) {
            t.join();
        }
        probe.stopClock();
    }

    /** Pauses after an error so a failing database is not hammered; gives up after too many. */
    static void backOff(DrainProbe probe) throws InterruptedException {
        if (probe.errors() > 1_000) {
            throw new IllegalStateException("more than 1,000 errors; first: " + probe.firstError());
        }
        Thread.sleep(10);
    }
}
