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
    private final Long archiveMaxCount;
    private final Duration runRetention;
    private final Long runMaxCount;
    private final Duration retentionInterval;
    private final int retentionBatchSize;
    private final Duration retentionBatchPause;
    private final double retentionShare;
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
        this.archiveMaxCount = b.archiveMaxCount == null ? null : (long) atLeast("archive_max_count", b.archiveMaxCount, 1);
        this.runRetention = b.runRetention == null || b.runRetention.isZero() ? null : positive("run_retention", b.runRetention);
        this.runMaxCount = b.runMaxCount == null ? null : (long) atLeast("run_max_count", b.runMaxCount, 1);
        this.retentionInterval = positive("retention_interval", b.retentionInterval);
        this.retentionBatchSize = atLeast("retention_batch_size", b.retentionBatchSize, 1);
        if (retentionBatchSize > 100_000) {
            throw new ConfigException("retention_batch_size must be at most 100000 (a batch is one statement), was "
                    + retentionBatchSize);
        }
        if (b.retentionBatchPause == null || b.retentionBatchPause.isNegative()) {
            throw new ConfigException("retention_batch_pause must be zero or a positive duration, was " + b.retentionBatchPause);
        }
        this.retentionBatchPause = b.retentionBatchPause;
        if (!(b.retentionShare > 0 && b.retentionShare <= 1)) {
            throw new ConfigException("retention_share must be more than 0 and at most 1 (the share of time retention may "
                    + "work), was " + b.retentionShare);
        }
        this.retentionShare = b.retentionShare;
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

    private static long atLeast(String key, long value, long min) {
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
                .archiveMaxCount(archiveMaxCount).runRetention(runRetention).runMaxCount(runMaxCount)
                .retentionInterval(retentionInterval).retentionBatchSize(retentionBatchSize).retentionBatchPause(retentionBatchPause)
                .retentionShare(retentionShare)
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

    /** What a queue without an override of its own keeps of its archived messages. */
    public dev.pgqrs.Retention archiveRetentionDefaults() {
        return new dev.pgqrs.Retention(archiveRetention, archiveMaxCount);
    }

    /** What a workflow without an override of its own keeps of its finished runs. */
    public dev.pgqrs.Retention runRetentionDefaults() {
        return new dev.pgqrs.Retention(runRetention, runMaxCount);
    }

    /** How many archived messages each queue keeps at most (the newest); null: no count limit (the default). */
    public Long archiveMaxCount() {
        return archiveMaxCount;
    }

    /**
     * How long finished workflow runs (SUCCESS, ERROR, CANCELLED), with their steps, events and messages, are kept
     * after they finished; null keeps them forever (the default).
     */
    public Duration runRetention() {
        return runRetention;
    }

    /** How many finished runs each workflow keeps at most (the newest); null: no count limit (the default). */
    public Long runMaxCount() {
        return runMaxCount;
    }

    /** How often the maintenance leader applies retention (1 minute by default). */
    public Duration retentionInterval() {
        return retentionInterval;
    }

    /** Rows retention deletes per statement (1,000 by default); each batch is its own short transaction. */
    public int retentionBatchSize() {
        return retentionBatchSize;
    }

    /** The shortest pause between two retention batches, which leaves the database to the hot path in between. */
    public Duration retentionBatchPause() {
        return retentionBatchPause;
    }

    /**
     * The share of time retention may work (0.05 by default): after each batch it pauses at least long enough for
     * that, so a slow batch is followed by a longer pause and the hot path keeps the rest.
     */
    public double retentionShare() {
        return retentionShare;
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
        private Long archiveMaxCount;
        private Duration runRetention;
        private Long runMaxCount;
        private Duration retentionInterval = Duration.ofMinutes(1);
        private int retentionBatchSize = 1_000;
        private Duration retentionBatchPause = Duration.ofMillis(10);
        private double retentionShare = 0.05;
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

        /** Null keeps any number of archived messages per queue (the default). */
        public Builder archiveMaxCount(Long archiveMaxCount) {
            this.archiveMaxCount = archiveMaxCount;
            return this;
        }

        /** Null or zero keeps finished workflow runs forever (the default). */
        public Builder runRetention(Duration runRetention) {
            this.runRetention = runRetention;
            return this;
        }

        /** Null keeps any number of finished runs per workflow (the default). */
        public Builder runMaxCount(Long runMaxCount) {
            this.runMaxCount = runMaxCount;
            return this;
        }

        public Builder retentionInterval(Duration retentionInterval) {
            this.retentionInterval = retentionInterval;
            return this;
        }

        public Builder retentionBatchSize(int retentionBatchSize) {
            this.retentionBatchSize = retentionBatchSize;
            return this;
        }

        public Builder retentionBatchPause(Duration retentionBatchPause) {
            this.retentionBatchPause = retentionBatchPause;
            return this;
        }

        /** The share of time retention may work, more than 0 and at most 1 (1: only the batch pause holds it back). */
        public Builder retentionShare(double retentionShare) {
            this.retentionShare = retentionShare;
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
