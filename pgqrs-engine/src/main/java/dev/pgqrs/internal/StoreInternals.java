package dev.pgqrs.internal;

import dev.pgqrs.Store;
import dev.pgqrs.payload.PayloadValidator;
import dev.pgqrs.signal.Notifications;
import dev.pgqrs.signal.QueueSignals;
import dev.pgqrs.signal.WakeUps;
import dev.pgqrs.store.Database;
import dev.pgqrs.worker.WorkerRegistry;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The parts of a {@link Store} the engine's own packages work with (the workflow runtime, workers, tests of
 * the engine): its database layer, wake-ups, worker rows and payload rules. Not part of the API: the module
 * does not export this package, so {@code Store} offers none of it publicly.
 *
 * <p>{@code Store} hands its parts out through {@link #grantAccess}, once, when its class is initialised
 * (the pattern the JDK uses between its own packages); {@link #of} then reaches them from any store. The
 * same way, {@code Workflows} and {@code StepCheckpoints} are made for a store by {@link #create} without
 * a public constructor.
 */
public record StoreInternals(Database database, QueueSignals signals, WorkerRegistry workerRegistry,
                             PayloadValidator validator, WakeUps wakeUps, Notifications notifications,
                             EngineEvents events) {

    private static volatile Function<Store, StoreInternals> access;
    private static final Map<Class<?>, Function<Store, ?>> FACTORIES = new ConcurrentHashMap<>();

    public StoreInternals {
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(signals, "signals");
        Objects.requireNonNull(workerRegistry, "workerRegistry");
        Objects.requireNonNull(validator, "validator");
        Objects.requireNonNull(wakeUps, "wakeUps");
        Objects.requireNonNull(notifications, "notifications");
        Objects.requireNonNull(events, "events");
    }

    /** The parts of {@code store}. */
    public static StoreInternals of(Store store) {
        // Having a Store means its class was initialised, and so granted access.
        return access.apply(Objects.requireNonNull(store, "store"));
    }

    /** Called by {@code Store}'s static initialiser; refused a second time. */
    public static synchronized void grantAccess(Function<Store, StoreInternals> storeAccess) {
        if (access != null) {
            throw new IllegalStateException("access to store internals was granted already");
        }
        access = storeAccess;
    }

    /**
     * Registers how an API object of another engine package is made for a store, so that it needs no public
     * constructor (called by that class's static initialiser; refused a second time).
     */
    public static <T> void registerFactory(Class<T> type, Function<Store, T> factory) {
        if (FACTORIES.putIfAbsent(type, factory) != null) {
            throw new IllegalStateException("a factory of " + type.getName() + " was registered already");
        }
    }

    /** Makes the {@code type} object of {@code store} (for {@code Store}'s constructor). */
    public static <T> T create(Class<T> type, Store store) {
        try {
            Class.forName(type.getName(), true, type.getClassLoader()); // runs its registration
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
        return type.cast(FACTORIES.get(type).apply(store));
    }

    @Override
    public String toString() {
        return "StoreInternals{" + database + "}";
    }
}
