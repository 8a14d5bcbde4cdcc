package dev.pgqrs.fault;

import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Exceptions a fault-suite loop met, counted by type, each also handed to a sink (the test's
 * {@link dev.pgqrs.testing.LogCapture}, or a child's {@link ChildControl#seen}) so its text is checked
 * for secrets.
 */
final class LoopErrors {

    private final Consumer<Throwable> sink;
    private final Map<String, Long> byType = new TreeMap<>();

    LoopErrors(Consumer<Throwable> sink) {
        this.sink = sink;
    }

    void add(Throwable e) {
        synchronized (byType) {
            byType.merge(e.getClass().getSimpleName(), 1L, Long::sum);
        }
        sink.accept(e);
    }

    long total() {
        synchronized (byType) {
            return byType.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    Map<String, Long> byType() {
        synchronized (byType) {
            return new TreeMap<>(byType);
        }
    }

    static void pause(long millis) {
        try {
            Thread.sleep(millis); // back-off after a failed attempt
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
