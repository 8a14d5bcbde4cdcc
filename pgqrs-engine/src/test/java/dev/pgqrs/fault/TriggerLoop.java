package dev.pgqrs.fault;

import dev.pgqrs.Store;
import dev.pgqrs.workflow.Workflows;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Triggers runs of {@link FaultFlow} at a steady pace until stopped, the input a sequence number; a
 * trigger that fails is tried again with the same number. The ids of confirmed runs are kept.
 */
public final class TriggerLoop implements AutoCloseable {

    private final Workflows workflows;
    private final Duration every;
    private final LoopErrors errors;
    private final List<Long> runIds = new ArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;

    public TriggerLoop(Store store, Duration every, Consumer<Throwable> seen) {
        this.workflows = store.workflows();
        this.workflows.register(FaultFlow.NAME);
        this.every = every;
        this.errors = new LoopErrors(seen);
        this.thread = new Thread(this::run, "trigger-" + FaultFlow.NAME);
    }

    public TriggerLoop start() {
        thread.start();
        return this;
    }

    private void run() {
        long seq = 0;
        while (running) {
            try {
                long id = workflows.trigger(FaultFlow.NAME, seq).id();
                synchronized (runIds) {
                    runIds.add(id);
                }
                seq++;
                LoopErrors.pause(every.toMillis());
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

    public List<Long> runIds() {
        synchronized (runIds) {
            return List.copyOf(runIds);
        }
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
    }
}
