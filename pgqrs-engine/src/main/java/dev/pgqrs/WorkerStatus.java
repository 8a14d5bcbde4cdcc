package dev.pgqrs;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * Lifecycle of a worker row ({@code pgqrs_workers.status}, enum {@code worker_status}).
 *
 * <pre>
 *   ready ⇄ polling ⇄ suspended      (any of the three) → interrupted → stopped
 *   (any of the three) → stopped
 * </pre>
 *
 * {@code interrupted} means "asked to stop, finishing in-flight work"; {@code stopped} is final.
 */
public enum WorkerStatus {
    READY, POLLING, SUSPENDED, INTERRUPTED, STOPPED;

    /** The value stored in the database. */
    public String sqlName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static WorkerStatus fromSql(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }

    /** The statuses from which a worker may move to this one. */
    public Set<WorkerStatus> allowedFrom() {
        switch (this) {
            case READY:
                return EnumSet.of(POLLING, SUSPENDED);
            case POLLING:
                return EnumSet.of(READY, SUSPENDED);
            case SUSPENDED:
                return EnumSet.of(READY, POLLING);
            case INTERRUPTED:
                return EnumSet.of(READY, POLLING, SUSPENDED);
            case STOPPED:
                return EnumSet.of(READY, POLLING, SUSPENDED, INTERRUPTED);
            default:
                throw new AssertionError(this);
        }
    }

    public boolean canMoveTo(WorkerStatus target) {
        return target.allowedFrom().contains(this);
    }
}
