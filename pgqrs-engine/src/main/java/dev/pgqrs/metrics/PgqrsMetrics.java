package dev.pgqrs.metrics;

import com.zaxxer.hikari.HikariDataSource;
import dev.pgqrs.Store;
import dev.pgqrs.internal.EngineEvents;
import dev.pgqrs.internal.StoreInternals;
import dev.pgqrs.store.Database;
import dev.pgqrs.store.MessageRepository.QueueGaugeRow;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.ToDoubleFunction;

import static dev.pgqrs.metrics.MeterNames.*;

/**
 * The meters of a {@link Store}, for Micrometer: counters and latency timers of enqueues, dequeues,
 * acknowledgements, retries and dead letters per queue; workflow runs by status, their duration and step
 * retries; gauges per queue (depth, leased, delayed, dead-lettered, oldest pending age), the dead tuples of the
 * messages table on PostgreSQL, and the store's HikariCP pool.
 *
 * <pre>{@code
 * new PgqrsMetrics(store).bindTo(registry);          // e.g. a PrometheusMeterRegistry
 * }</pre>
 *
 * <p>The counters and timers are counted in memory around the statements the engine runs anyway: binding adds
 * no statement and no round trip to an enqueue, a dequeue or an acknowledgement. The gauges of every queue come
 * from one statement per {@code snapshotInterval} (10 s by default, a common scrape interval), over the partial
 * indexes of live messages and of dead letters, so its cost follows the backlog, never the archived history.
 * Tags are {@code queue} (or {@code workflow}, {@code status}, {@code step}) and {@code backend}, plus any given
 * here; never a DSN or anything else of the connection.
 *
 * <p>Micrometer is an optional dependency of the engine: this package needs it, the rest of the engine does not.
 */
public final class PgqrsMetrics implements MeterBinder, AutoCloseable {

    /** The default time a gauge snapshot is reused for. */
    public static final Duration DEFAULT_SNAPSHOT_INTERVAL = Duration.ofSeconds(10);

    private final Store store;
    private final Duration snapshotInterval;
    private final Tags tags;
    private final List<Bound> bound = new ArrayList<>();

    /** One registry this binder was bound to, and what it put there. */
    private static final class Bound {
        final MeterRegistry registry;
        final MeterListener listener;
        final Map<String, List<Meter>> queueGauges = new HashMap<>();
        final List<Meter> storeGauges = new ArrayList<>();
        QueueSnapshot snapshot;

        Bound(MeterRegistry registry, MeterListener listener) {
            this.registry = registry;
            this.listener = listener;
        }
    }

    public PgqrsMetrics(Store store) {
        this(store, DEFAULT_SNAPSHOT_INTERVAL, Tags.empty());
    }

    /**
     * @param snapshotInterval how long one gauge snapshot is reused (set it to the scrape interval)
     * @param tags             added to every meter (e.g. {@code app}); never put a DSN or password in one
     */
    public PgqrsMetrics(Store store, Duration snapshotInterval, Iterable<Tag> tags) {
        this.store = Objects.requireNonNull(store, "store");
        if (snapshotInterval == null || snapshotInterval.isNegative()) {
            throw new IllegalArgumentException("snapshotInterval must be zero or positive, was " + snapshotInterval);
        }
        this.snapshotInterval = snapshotInterval;
        this.tags = Tags.of(tags).and(TAG_BACKEND, store.backend().name().toLowerCase(Locale.ROOT));
    }

    @Override
    public synchronized void bindTo(MeterRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        StoreInternals engine = StoreInternals.of(store);
        Database database = engine.database();
        Bound b = new Bound(registry, new MeterListener(registry, tags));
        b.snapshot = new QueueSnapshot(database, store.config().maxReadCount(), snapshotInterval, System::nanoTime,
                rows -> syncQueueGauges(b, rows.keySet()));
        QueueSnapshot snapshot = b.snapshot;
        b.storeGauges.add(Gauge.builder(QUEUES, snapshot, QueueSnapshot::queueCount)
                .description("queues of the store").tags(tags).strongReference(true).register(registry));
        if (store.backend().name().equals("POSTGRES")) {
            b.storeGauges.add(Gauge.builder(DEAD_TUPLES, snapshot, QueueSnapshot::deadTuples)
                    .description("dead tuples of pgqrs_messages (pg_stat_user_tables.n_dead_tup): what vacuum has to reclaim")
                    .tags(tags).strongReference(true).register(registry));
        }
        engine.events().add(b.listener);
        bound.add(b);
        bindPool(database, registry);
        snapshot.current(); // the queues there are now get their gauges at once
    }

    /** The store's own HikariCP pool reports to the registry too (a pool the application owns is its own to bind). */
    private static void bindPool(Database database, MeterRegistry registry) {
        if (database.ownedResource() instanceof HikariDataSource pool && pool.getMetricRegistry() == null
                && pool.getMetricsTrackerFactory() == null) {
            pool.setMetricRegistry(registry);
        }
    }

    /** Gauges for queues that appeared since the last snapshot; gone for queues that were deleted. */
    private void syncQueueGauges(Bound b, Set<String> queues) {
        synchronized (b.queueGauges) {
            for (String queue : queues) {
                b.queueGauges.computeIfAbsent(queue, q -> registerQueueGauges(b, q));
            }
            b.queueGauges.keySet().removeIf(queue -> {
                if (queues.contains(queue)) {
                    return false;
                }
                b.queueGauges.get(queue).forEach(b.registry::remove);
                return true;
            });
        }
    }

    private List<Meter> registerQueueGauges(Bound b, String queue) {
        Tags t = tags.and(TAG_QUEUE, queue);
        QueueSnapshot s = b.snapshot;
        List<Meter> meters = new ArrayList<>(5);
        meters.add(gauge(b, QUEUE_DEPTH, "messages visible now, waiting for a consumer", null, t, s, queue,
                QueueGaugeRow::pending));
        meters.add(gauge(b, QUEUE_LEASED, "messages leased by a consumer", null, t, s, queue, QueueGaugeRow::leased));
        meters.add(gauge(b, QUEUE_DELAYED, "messages not visible yet (a delay or a retry back-off)", null, t, s,
                queue, QueueGaugeRow::delayed));
        meters.add(gauge(b, QUEUE_DEAD_LETTERED, "dead letters of the queue", null, t, s, queue,
                QueueGaugeRow::deadLettered));
        meters.add(gauge(b, QUEUE_OLDEST_PENDING_AGE, "age of the oldest message visible now (0 when none)", "seconds", t, s,
                queue, PgqrsMetrics::oldestPendingSeconds));
        return meters;
    }

    private static Meter gauge(Bound b, String name, String description, String unit, Tags t, QueueSnapshot s,
                               String queue, ToDoubleFunction<QueueGaugeRow> of) {
        return Gauge.builder(name, s, snapshot -> snapshot.value(queue, of)).description(description).baseUnit(unit)
                .tags(t).strongReference(true).register(b.registry);
    }

    private static double oldestPendingSeconds(QueueGaugeRow row) {
        if (row.oldestPending() == null) {
            return 0;
        }
        double seconds = Duration.between(row.oldestPending(), Instant.now()).toMillis() / 1000.0;
        return Math.max(0, seconds);
    }

    /** How many gauge snapshot statements ran for {@code registry} (one per interval at most). */
    synchronized long snapshotStatements(MeterRegistry registry) {
        return bound.stream().filter(b -> b.registry == registry).mapToLong(b -> b.snapshot.statements()).sum();
    }

    /** Stops counting and removes this binder's meters from every registry it was bound to (the pool's stay). */
    @Override
    public synchronized void close() {
        EngineEvents events = StoreInternals.of(store).events();
        for (Bound b : bound) {
            events.remove(b.listener);
            b.storeGauges.forEach(b.registry::remove);
            synchronized (b.queueGauges) {
                b.queueGauges.values().forEach(ms -> ms.forEach(b.registry::remove));
                b.queueGauges.clear();
            }
        }
        bound.clear();
    }
}
