package dev.pgqrs.config;

import java.time.Duration;
import java.util.function.UnaryOperator;

/** The builder {@link ConfigKey}s write into while a configuration is loaded from text. */
final class LoadingBuilder {

    private final PgqrsConfig.Builder builder;
    private PayloadLimits limits = PayloadLimits.DEFAULTS;

    LoadingBuilder(PgqrsConfig.Builder builder) {
        this.builder = builder;
    }

    PgqrsConfig.Builder result() {
        return builder.payloadLimits(limits);
    }

    void dsn(String v) { builder.dsn(v); }
    void schema(String v) { builder.schema(v); }
    void maxConnections(int v) { builder.maxConnections(v); }
    void maxReadCount(int v) { builder.maxReadCount(v); }
    void heartbeatInterval(Duration v) { builder.heartbeatInterval(v); }
    void pollInterval(Duration v) { builder.pollInterval(v); }
    void visibilityTimeout(Duration v) { builder.visibilityTimeout(v); }
    void staleWorkerTimeout(Duration v) { builder.staleWorkerTimeout(v); }
    void reaperInterval(Duration v) { builder.reaperInterval(v); }
    void sqliteBusyTimeout(Duration v) { builder.sqliteBusyTimeout(v); }
    void connectionTimeout(Duration v) { builder.connectionTimeout(v); }
    void archiveRetention(Duration v) { builder.archiveRetention(v); }
    void archiveMaxCount(Long v) { builder.archiveMaxCount(v); }
    void runRetention(Duration v) { builder.runRetention(v); }
    void runMaxCount(Long v) { builder.runMaxCount(v); }
    void retentionInterval(Duration v) { builder.retentionInterval(v); }
    void retentionBatchSize(int v) { builder.retentionBatchSize(v); }
    void retentionBatchPause(Duration v) { builder.retentionBatchPause(v); }
    void retentionShare(double v) { builder.retentionShare(v); }
    void dedupWindow(Duration v) { builder.dedupWindow(v); }
    void idempotencyRetention(Duration v) { builder.idempotencyRetention(v); }
    void notifications(boolean v) { builder.notifications(v); }
    void notifyDebounce(Duration v) { builder.notifyDebounce(v); }
    void maintenance(boolean v) { builder.maintenance(v); }
    void installOnConnect(boolean v) { builder.installOnConnect(v); }

    void payloadLimitsEdit(UnaryOperator<PayloadLimits> edit) {
        limits = edit.apply(limits);
    }
}
