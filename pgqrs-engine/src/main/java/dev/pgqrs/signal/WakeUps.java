package dev.pgqrs.signal;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The one service writers call around a write that makes messages of a queue visible (an enqueue, a
 * workflow trigger, a run woken early, a retry given back): before the write, {@link #beforeWrite} says
 * whether the statement should carry a NOTIFY for other processes (debounced for writes that commit on
 * their own; always for writes in the caller's transaction, whose notification is delivered on commit and
 * dropped on rollback); after it, {@link #afterWrite} wakes this process's waiting consumers — at once, or
 * when a delayed message comes due — and schedules the trailing notification a debounced write left out.
 */
public final class WakeUps {

    /** What a write carries and what its end must do. {@code channel} is null when the write sends no NOTIFY. */
    public record Notice(long queueId, long delayMillis, boolean callerTransaction, String channel, String payload) {

        public boolean notifies() {
            return channel != null;
        }
    }

    private final QueueSignals signals;
    private final Notifications notifications;
    private final ScheduledExecutorService timer;

    public WakeUps(QueueSignals signals, Notifications notifications, ScheduledExecutorService timer) {
        this.signals = signals;
        this.notifications = notifications;
        this.timer = timer;
    }

    /** Before a write that commits on its own (auto-commit) and makes messages visible after {@code delayMillis}. */
    public Notice beforeWrite(long queueId, long delayMillis) {
        // Only a message visible now is worth a notification; delayed ones are found by polling.
        boolean notify = delayMillis == 0 && notifications.claim(queueId);
        return new Notice(queueId, delayMillis, false, notify ? notifications.channel() : null,
                notify ? notifications.payload(queueId, true) : null);
    }

    /**
     * Before a write in the caller's transaction: it always notifies when the message is visible now (the
     * notification is delivered on commit, dropped on rollback; PostgreSQL folds duplicates of one transaction).
     */
    public Notice beforeWriteInTransaction(long queueId, long delayMillis) {
        boolean notify = delayMillis == 0 && notifications.enabled();
        if (notify) {
            notifications.countInTransaction();
        }
        return new Notice(queueId, delayMillis, true, notify ? notifications.channel() : null,
                notify ? notifications.payload(queueId, false) : null);
    }

    /** After the write: wakes this process's consumers and schedules what the notification left to do. */
    public void afterWrite(Notice notice) {
        long queueId = notice.queueId();
        if (notice.delayMillis() > 0) {
            visibleLater(queueId, notice.delayMillis());
        } else if (!notice.callerTransaction()) {
            signals.signal(queueId);
            if (!notice.notifies()) {
                notifications.suppressedCommitted(queueId);
            }
        } else if (!notifications.enabled()) {
            // Visible only once the caller commits; without notifications, wake consumers here (early, harmlessly).
            signals.signal(queueId);
        }
        // In the caller's transaction with notifications on, the write's own NOTIFY wakes everyone on commit.
    }

    /**
     * Messages of the queue become visible in {@code delayMillis} by a write of this process that needs no
     * notification of its own (a retry back-off, a released lease): wakes this process's consumers then.
     * Other processes find them by polling.
     */
    public void visibleLater(long queueId, long delayMillis) {
        if (delayMillis <= 0) {
            signals.signal(queueId);
            return;
        }
        try {
            timer.schedule(() -> signals.signal(queueId), delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closing) {
            // The store is closing: nobody is left to wake.
        }
    }

    /** Messages of the queue may be visible now (a replay, a release): wakes this process's consumers. */
    public void visibleNow(long queueId) {
        signals.signal(queueId);
    }
}
