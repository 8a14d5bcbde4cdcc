package dev.pgqrs.bridge.connect;

import java.util.Set;

/**
 * Where a connector's sources run when several instances share the store. A pgqrs queue shares its work
 * between the consumers of every instance, an HTTP port is per instance, a Kafka consumer group shares its
 * partitions: those run everywhere. A source that would read the same thing twice — a file folder, a timer,
 * a polling SQL query — runs on one instance at a time, the holder of the connector's lease (a row of
 * {@code pgqrs_bridge_leases}, renewed every poll, taken over by another instance once it expires).
 */
public enum SourcePlacement {
    /** By the source's scheme: {@link #SHARED_SCHEMES} run everywhere, every other one on the lease holder. */
    AUTO,
    /** Every source route of the connector on the lease holder only (e.g. to keep a queue's order). */
    ONE,
    /** Every route on every instance (the design is safe to run twice). */
    ALL;

    /**
     * Schemes whose consumers can run on every instance: they share work (pgqrs, kafka), are per instance
     * (platform-http, rest) or only receive what a route of the same instance sends (kamelet, direct, seda).
     */
    public static final Set<String> SHARED_SCHEMES = Set.of("pgqrs", "platform-http", "rest", "kafka", "kamelet",
            "direct", "seda");

    /** Whether a route consuming from {@code scheme} runs on the lease holder only. */
    public boolean singleInstance(String scheme) {
        return switch (this) {
            case ALL -> false;
            case ONE -> !Set.of("kamelet", "direct", "seda").contains(scheme);
            case AUTO -> !SHARED_SCHEMES.contains(scheme);
        };
    }
}
