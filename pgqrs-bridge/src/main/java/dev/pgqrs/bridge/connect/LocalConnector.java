package dev.pgqrs.bridge.connect;

import dev.pgqrs.bridge.store.TaskRecord;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What this instance runs of one connector, and what it last reported of it. Touched by the control thread only. */
final class LocalConnector {

    final String name;
    final long version;
    final ConnectorConfig config;
    long restartEpoch;
    /** Null when the design could not be loaded ({@link #loadError} says why). */
    ConnectorRoutes routes;
    String loadError;
    /** Tasks stopped by a failure under errors.tolerance=none, with their traces. */
    final Map<String, String> failed = new LinkedHashMap<>();
    /** Tasks that run on the lease holder only. */
    final java.util.Set<String> singleInstance = new java.util.HashSet<>();
    boolean leaseHeld;
    List<TaskRecord> published;

    LocalConnector(String name, long version, ConnectorConfig config, long restartEpoch) {
        this.name = name;
        this.version = version;
        this.config = config;
        this.restartEpoch = restartEpoch;
    }
}
