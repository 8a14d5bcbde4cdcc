package dev.pgqrs.workflow;

/**
 * Status of a run ({@code pgqrs_workflow_runs.status}) or of a step ({@code pgqrs_workflow_steps.status}),
 * stored as the enum {@code pgqrs_workflow_status} that every pgqrs edition shares.
 *
 * <p>For a run:
 * <ul>
 *   <li>{@code QUEUED} — triggered; no worker has started it yet.</li>
 *   <li>{@code RUNNING} — in progress: a worker executes it, or it waits inside a step boundary for
 *       a retry, a durable sleep or an event (no thread is held while it waits).</li>
 *   <li>{@code PAUSED} — paused until a time or until {@link Workflows#resume resumed}.</li>
 *   <li>{@code CANCELLING} — cancellation requested while a worker held it; becomes {@code CANCELLED}
 *       at its next step boundary.</li>
 *   <li>{@code SUCCESS}, {@code ERROR}, {@code CANCELLED} — finished; its message is archived.</li>
 * </ul>
 * For a step: {@code SUCCESS} (its output is stored and replayed), {@code ERROR} (an attempt failed;
 * with {@code retry_at} set a retry is scheduled, without it the failure was final), {@code PAUSED}
 * (a pause, sleep or event wait, due at {@code retry_at} or, without it, when resumed).
 */
public enum RunStatus {
    QUEUED, RUNNING, SUCCESS, ERROR, PAUSED, CANCELLING, CANCELLED;

    /** True for the states a run never leaves. */
    public boolean isFinished() {
        return this == SUCCESS || this == ERROR || this == CANCELLED;
    }

    /** Parses the stored value. */
    public static RunStatus fromSql(String value) {
        return valueOf(value);
    }
}
