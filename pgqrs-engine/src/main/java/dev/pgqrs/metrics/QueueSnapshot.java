package dev.pgqrs.metrics;

import dev.pgqrs.store.Database;
import dev.pgqrs.store.MessageRepository;
import dev.pgqrs.store.MessageRepository.QueueGaugeRow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;

/**
 * What the queue gauges show: one statement for every queue of the store, taken at most once per interval
 * however many gauges and scrapes read it. A scrape that finds the snapshot older than the interval takes a
 * new one; every other gauge of that scrape (and of any scrape within the interval) reads the cached rows.
 * While the database is away the last snapshot stays, and the next attempt waits for the interval too.
 */
final class QueueSnapshot {

    private static final Logger LOG = LoggerFactory.getLogger(QueueSnapshot.class);

    private final Database database;
    private final MessageRepository rows;
    private final int maxReadCount;
    private final long intervalNanos;
    private final LongSupplier clock;
    private final Consumer<Map<String, QueueGaugeRow>> onRefresh;
    private volatile Map<String, QueueGaugeRow> byQueue = Map.of();
    private volatile Long deadTuples;
    private volatile Instant takenAt;
    private long lastAttempt;
    private boolean attempted;
    private long statements;

    QueueSnapshot(Database database, int maxReadCount, Duration interval, LongSupplier clock,
                  Consumer<Map<String, QueueGaugeRow>> onRefresh) {
        this.database = database;
        this.rows = new MessageRepository(database.dialect());
        this.maxReadCount = maxReadCount;
        this.intervalNanos = interval.toNanos();
        this.clock = clock;
        this.onRefresh = onRefresh;
    }

    /** The rows, refreshed first when the last attempt is older than the interval. */
    synchronized Map<String, QueueGaugeRow> current() {
        long now = clock.getAsLong();
        if (!attempted || now - lastAttempt >= intervalNanos) {
            attempted = true;
            lastAttempt = now;
            refresh();
        }
        return byQueue;
    }

    private void refresh() {
        List<QueueGaugeRow> taken;
        try {
            statements++;
            taken = database.read("queue gauges", c -> rows.gauges(c, maxReadCount));
        } catch (RuntimeException e) {
            LOG.debug("queue gauges kept from {}: {}", takenAt, e.getMessage());
            return;
        }
        byQueue = taken.stream().collect(Collectors.toUnmodifiableMap(QueueGaugeRow::queue, r -> r));
        deadTuples = taken.isEmpty() ? null : taken.get(0).deadTuples();
        takenAt = Instant.now();
        onRefresh.accept(byQueue);
    }

    /** A queue's value, or NaN for a queue the last snapshot does not have. */
    double value(String queue, java.util.function.ToDoubleFunction<QueueGaugeRow> of) {
        QueueGaugeRow row = current().get(queue);
        return row == null ? Double.NaN : of.applyAsDouble(row);
    }

    double queueCount() {
        return current().size();
    }

    double deadTuples() {
        current();
        Long d = deadTuples;
        return d == null ? Double.NaN : d;
    }

    /** How many snapshot statements ran (tests: one per interval, not one per gauge). */
    synchronized long statements() {
        return statements;
    }
}
