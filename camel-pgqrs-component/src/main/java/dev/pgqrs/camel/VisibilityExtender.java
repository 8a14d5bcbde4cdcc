package dev.pgqrs.camel;

import dev.pgqrs.Consumer;
import dev.pgqrs.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Keeps the leases of in-flight exchanges alive: every half visibility timeout it extends, in
 * one statement, the lease of every message whose exchange has not completed yet. A message whose
 * lease was lost meanwhile (it expired and another consumer took it) is reported and dropped.
 */
final class VisibilityExtender {

    private static final Logger LOG = LoggerFactory.getLogger(VisibilityExtender.class);

    private final Supplier<Consumer> leases;
    private final Duration visibilityTimeout;
    /** Deliveries, not ids: a message leased again by a sibling thread is a second entry with its own read_ct. */
    private final Set<Message> inFlight = ConcurrentHashMap.newKeySet();
    private ScheduledFuture<?> task;

    VisibilityExtender(Supplier<Consumer> leases, Duration visibilityTimeout) {
        this.leases = leases;
        this.visibilityTimeout = visibilityTimeout;
    }

    void start(ScheduledExecutorService scheduler) {
        long period = Math.max(50, visibilityTimeout.toMillis() / 2);
        task = scheduler.scheduleWithFixedDelay(this::extendAll, period, period, TimeUnit.MILLISECONDS);
    }

    void stop() {
        if (task != null) {
            task.cancel(false);
        }
        inFlight.clear();
    }

    void track(Message delivery) {
        inFlight.add(delivery);
    }

    void untrack(Message delivery) {
        inFlight.remove(delivery);
    }

    void extendAll() {
        if (inFlight.isEmpty()) {
            return;
        }
        List<Message> ids = new ArrayList<>(inFlight);
        try {
            Set<Message> extended = new HashSet<>(leases.get().extend(ids, visibilityTimeout));
            for (Message delivery : ids) {
                // A delivery that completed while we extended is simply gone from inFlight.
                if (!extended.contains(delivery) && inFlight.remove(delivery)) {
                    LOG.warn("lease of message {} (delivery {}) was lost before its exchange completed (it expired and "
                            + "may be delivered again); raise visibilityTimeout if exchanges often run this long",
                            delivery.id(), delivery.readCount());
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("extending the leases of {} in-flight message(s) failed, retrying: {}", ids.size(), e.getMessage());
        }
    }
}
