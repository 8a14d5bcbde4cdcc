package dev.pgqrs.config;

import dev.pgqrs.ConfigException;
import dev.pgqrs.Names;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pgqrs.PayloadCodec;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Everything a store needs to know, validated when built: a bad value fails here, naming the
 * setting, instead of surfacing later as a strange runtime error.
 *
 * <p>Build it in code ({@link #builder()}), or {@link #load()} it from {@code PGQRS_*} environment
 * variables and a {@code pgqrs.yaml} file (see {@link ConfigLoader} for the keys).
 */
public final class PgqrsConfig {

    private final String dsn;
    private final String schema;
    private final int maxConnections;
    private final int maxReadCount;
    private final Duration heartbeatInterval;
    private final Duration pollInterval;
    private final Duration visibilityTimeout;
    private final Duration staleWorkerTimeout;
    private final Duration reaperInterval;
    private final Duration sqliteBusyTimeout;
    private final Duration connectionTimeout;
    private final Duration archiveRetention;
    private final Duration dedupWindow;
    private final Duration idempotencyRetention;
    private final boolean notifications;
    private final Duration notifyDebounce;
    private final boolean maintenance;
    private final boolean installOnConnect;
    private final PayloadLimits payloadLimits;
    private final PayloadCodec payloadCodec;

    private PgqrsConfig(Builder b) {
        this.dsn = b.dsn;
        this.schema = Names.requireSchemaName(b.schema);
        this.maxConnections = atLeast("max_connections", b.maxConnections, 1);
        this.maxReadCount = atLeast("max_read_ct", b.maxReadCount, 1);
        this.heartbeatInterval = positive("heartbeat_interval", b.heartbeatInterval);
        this.pollInterval = positive("poll_interval_ms", b.pollInterval);
        this.visibilityTimeout = positive("visibility_timeout", b.visibilityTimeout);
        this.staleWorkerTimeout = positive("stale_worker_timeout", b.staleWorkerTimeout);
        this.reaperInterval = positive("reaper_interval", b.reaperInterval);
        this.sqliteBusyTimeout = positive("sqlite_busy_timeout", b.sqliteBusyTimeout);
        this.connectionTimeout = positive("connection_timeout", b.connectionTimeout);
        if (connectionTimeout.toMillis() < 250) {
            throw new ConfigException("connection_timeout must be at least 250ms, was " + connectionTimeout);
        }
        this.archiveRetention = b.archiveRetention == null || b.archiveRetention.isZero() ? null
                : positive("archive_retention", b.archiveRetention);
        this.dedupWindow = b.dedupWindow == null ? null : positive("dedup_window", b.dedupWindow);
        this.idempotencyRetention = b.idempotencyRetention == null || b.idempotencyRetention.isZero() ? null
                : positive("idempotency_retention", b.idempotencyRetention);
        this.notifications = b.notifications;
        this.notifyDebounce = positive("notify_debounce", b.notifyDebounce);
        this.maintenance = b.maintenance;
        this.installOnConnect = b.installOnConnect;
        this.payloadLimits = b.payloadLimits;
        this.payloadCodec = b.payloadCodec;
        if (staleWorkerTimeout.compareTo(heartbeatInterval.multipliedBy(2)) < 0) {
            throw new ConfigException("stale_worker_timeout (" + staleWorkerTimeout + ") must be at least twice heartbeat_interval ("
                    + heartbeatInterval + "), or live workers would be reaped between two heartbeats");
        }
        if (dsn != null) {
            Dsn.parse(dsn);
        }
    }

    private static int atLeast(String key, int value, int min) {
        if (value < min) {
            throw new ConfigException(key + " must be at least " + min + ", was " + value);
        }
        return value;
    }

    private static Duration positive(String key, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new ConfigException(key + " must be a positive duration, was " + value);
        }
        return value;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Defaults for everything, with the given DSN. */
    public static PgqrsConfig of(String dsn) {
        return builder().dsn(dsn).build();
    }

    /**
     * Configuration from the process environment: the file named by {@code PGQRS_CONFIG_FILE} (or
     * {@code ./pgqrs.yaml} if it exists), overridden by {@code PGQRS_*} variables.
     */
    public static PgqrsConfig load() {
        return ConfigLoader.load(System.getenv(), Path.of("pgqrs.yaml")).build();
    }

    /** As {@link #load()}, from the given variables (for tests and embedding). */
    public static PgqrsConfig load(Map<String, String> environment) {
        return ConfigLoader.load(environment, Path.of("pgqrs.yaml")).build();
    }

    public Builder toBuilder() {
        return new Builder().dsn(dsn).schema(schema).maxConnections(maxConnections).maxReadCount(maxReadCount)
                .heartbeatInterval(heartbeatInterval).pollInterval(pollInterval).visibilityTimeout(visibilityTimeout)
                .staleWorkerTimeout(staleWorkerTimeout).reaperInterval(reaperInterval).sqliteBusyTimeout(sqliteBusyTimeout).connectionTimeout(connectionTimeout).archiveRetention(archiveRetention)
                .dedupWindow(dedupWindow).idempotencyRetention(idempotencyRetention)
                .notifications(notifications).notifyDebounce(notifyDebounce).maintenance(maintenance).installOnConnect(installOnConnect)
                .payloadLimits(payloadLimits).payloadCodec(payloadCodec);
    }

    /** The DSN, or null when the store is given a DataSource. */
    public String dsn() {
        return dsn;
    }

    /** PostgreSQL schema holding the pgqrs tables (must exist); ignored on SQLite. */
    public String schema() {
        return schema;
    }

    public int maxConnections() {
        return maxConnections;
    }

    /** Deliveries after which a message is dead-lettered instead of delivered again. */
    public int maxReadCount() {
        return maxReadCount;
    }

    public Duration heartbeatInterval() {
        return heartbeatInterval;
    }

    public Duration pollInterval() {
        return pollInterval;
    }

    /** Lease length used when a dequeue names none. */
    public Duration visibilityTimeout() {
        return visibilityTimeout;
    }

    /** A worker whose heartbeat is older than this is declared dead and its leases released. */
    public Duration staleWorkerTimeout() {
        return staleWorkerTimeout;
    }

    public Duration reaperInterval() {
        return reaperInterval;
    }

    public Duration sqliteBusyTimeout() {
        return sqliteBusyTimeout;
    }

    /** How long an operation waits for a pooled connection before failing with StoreUnavailableException. */
    public Duration connectionTimeout() {
        return connectionTimeout;
    }

    /**
     * How long archived messages are kept before the maintenance service deletes them; null keeps
     * them forever. Dead letters and messages that carry a workflow run are never deleted by it.
     */
    public Duration archiveRetention() {
        return archiveRetention;
    }

    /**
     * How long an archived message keeps its deduplication key (a new enqueue with the key is a duplicate of it
     * meanwhile); null: as long as the row exists. The maintenance service clears keys whose window has passed
     * (checked every minute), so a key counts for at least this long and at most a minute more.
     */
    public Duration dedupWindow() {
        return dedupWindow;
    }

    /**
     * How long idempotency keys ({@code store.idempotencyKeys()}) are kept before the maintenance service deletes
     * them (7 days by default); null keeps them forever. A key presented again after that is new.
     */
    public Duration idempotencyRetention() {
        return idempotencyRetention;
    }

    /** Whether consumers on PostgreSQL are woken by LISTEN/NOTIFY (off for PgBouncer transaction pooling). */
    public boolean notifications() {
        return notifications;
    }

    /**
     * Debounce window of enqueue notifications: per queue, at most one notification per window
     * rides on an enqueue, plus one trailing notification when enqueues in the window sent none.
     * It bounds the wake-up delay of a suppressed enqueue.
     */
    public Duration notifyDebounce() {
        return notifyDebounce;
    }

    /** Whether this store runs the maintenance services (reaper) in the background. */
    public boolean maintenance() {
        return maintenance;
    }

    /** Whether {@code connect} installs or upgrades the schema before returning. */
    public boolean installOnConnect() {
        return installOnConnect;
    }

    public PayloadLimits payloadLimits() {
        return payloadLimits;
    }

    /** How payloads, workflow inputs and results are mapped to JSON and back. */
    public PayloadCodec payloadCodec() {
        return payloadCodec;
    }

    @Override
    public String toString() {
        return "PgqrsConfig{dsn=" + (dsn == null ? null : Dsn.parse(dsn)) + ", schema=" + schema
                + ", maxConnections=" + maxConnections + ", maxReadCount=" + maxReadCount
                + ", heartbeatInterval=" + heartbeatInterval + ", pollInterval=" + pollInterval
                + ", visibilityTimeout=" + visibilityTimeout + ", staleWorkerTimeout=" + staleWorkerTimeout
                + ", notifications=" + notifications + ", notifyDebounce=" + notifyDebounce + ", maintenance=" + maintenance
                + ", payloadCodec=" + payloadCodec + "}";
    }

    /** Mutable builder; {@link #build()} validates. */
    public static final class Builder {
        private String dsn;
        private String schema = "public";
        private int maxConnections = 16;
        private int maxReadCount = 5;
        private Duration heartbeatInterval = Duration.ofSeconds(5);
        private Duration pollInterval = Duration.ofMillis(250);
        private Duration visibilityTimeout = Duration.ofSeconds(30);
        private Duration staleWorkerTimeout = Duration.ofSeconds(30);
        private Duration reaperInterval = Duration.ofSeconds(10);
        private Duration sqliteBusyTimeout = Duration.ofSeconds(5);
        private Duration connectionTimeout = Duration.ofSeconds(10);
        private Duration archiveRetention;
        private Duration dedupWindow = Duration.ofHours(24);
        private Duration idempotencyRetention = Duration.ofDays(7);
        private boolean notifications = true;
        private Duration notifyDebounce = Duration.ofMillis(10);
        private boolean maintenance = true;
        private boolean installOnConnect;
        private PayloadLimits payloadLimits = PayloadLimits.DEFAULTS;
        private PayloadCodec payloadCodec = PayloadCodec.defaults();

        private Builder() {
        }

        public Builder dsn(String dsn) {
            this.dsn = dsn;
            return this;
        }

        public Builder schema(String schema) {
            this.schema = schema;
            return this;
        }

        public Builder maxConnections(int maxConnections) {
            this.maxConnections = maxConnections;
            return this;
        }

        public Builder maxReadCount(int maxReadCount) {
            this.maxReadCount = maxReadCount;
            return this;
        }

        public Builder heartbeatInterval(Duration heartbeatInterval) {
            this.heartbeatInterval = heartbeatInterval;
            return this;
        }

        public Builder pollInterval(Duration pollInterval) {
            this.pollInterval = pollInterval;
            return this;
        }

        public Builder visibilityTimeout(Duration visibilityTimeout) {
            this.visibilityTimeout = visibilityTimeout;
            return this;
        }

        public Builder staleWorkerTimeout(Duration staleWorkerTimeout) {
            this.staleWorkerTimeout = staleWorkerTimeout;
            return this;
        }

        public Builder reaperInterval(Duration reaperInterval) {
            this.reaperInterval = reaperInterval;
            return this;
        }

        public Builder sqliteBusyTimeout(Duration sqliteBusyTimeout) {
            this.sqliteBusyTimeout = sqliteBusyTimeout;
            return this;
        }

        public Builder connectionTimeout(Duration connectionTimeout) {
            this.connectionTimeout = connectionTimeout;
            return this;
        }

        /** Null or zero keeps archived messages forever (the default). */
        public Builder archiveRetention(Duration archiveRetention) {
            this.archiveRetention = archiveRetention;
            return this;
        }

        /** Null keeps the keys of archived messages as long as the rows exist; the default is 24 hours. */
        public Builder dedupWindow(Duration dedupWindow) {
            this.dedupWindow = dedupWindow;
            return this;
        }

        /** Null or zero keeps idempotency keys forever; 7 days by default. */
        public Builder idempotencyRetention(Duration idempotencyRetention) {
            this.idempotencyRetention = idempotencyRetention;
            return this;
        }

        public Builder notifications(boolean notifications) {
            this.notifications = notifications;
            return this;
        }

        public Builder notifyDebounce(Duration notifyDebounce) {
            this.notifyDebounce = notifyDebounce;
            return this;
        }

        public Builder maintenance(boolean maintenance) {
            this.maintenance = maintenance;
            return this;
        }

        public Builder installOnConnect(boolean installOnConnect) {
            this.installOnConnect = installOnConnect;
            return this;
        }

        public Builder payloadLimits(PayloadLimits payloadLimits) {
            this.payloadLimits = payloadLimits == null ? PayloadLimits.DEFAULTS : payloadLimits;
            return this;
        }

        /** Maps payloads, workflow inputs and results with your mapper (a copy of it): see {@link PayloadCodec}. */
        public Builder objectMapper(ObjectMapper mapper) {
            this.payloadCodec = PayloadCodec.of(mapper);
            return this;
        }

        public Builder payloadCodec(PayloadCodec payloadCodec) {
            this.payloadCodec = payloadCodec == null ? PayloadCodec.defaults() : payloadCodec;
            return this;
        }

        public PgqrsConfig build() {
            return new PgqrsConfig(this);
        }
    }
}
