package dev.pgqrs.bench.latency;

import dev.pgqrs.bench.db.DatabaseSlot;
import dev.pgqrs.config.Backend;

import java.util.List;
import java.util.function.BooleanSupplier;

/** One way of moving messages from a steady producer to a consumer: pgqrs, or the floor. */
public interface LatencyContender {

    String name();

    String description();

    boolean supports(Backend backend, WakeUp wakeUp);

    /** Installs what it needs in the slot and opens its producer and consumer sides. */
    Session open(DatabaseSlot slot, WakeUp wakeUp, LatencySettings settings) throws Exception;

    interface Session extends AutoCloseable {

        /** One sender per producer thread. */
        List<SteadyProducer.Sender> senders(int count) throws Exception;

        /**
         * The consumer loop: fetch, report each message to the probe, acknowledge; when idle,
         * wait the way this wake-up mode waits. Returns once {@code stop} is true and a fetch
         * comes back empty (every message sent before {@code stop} was then consumed).
         */
        void consume(LatencyProbe probe, BooleanSupplier stop) throws Exception;
    }
}
