package dev.pgqrs.store;

import org.slf4j.Logger;

/**
 * Logs a task's failures that are not outages (a constraint, a bug, a missing table) without repeating
 * itself: a WARN with the stack trace when a failure is new, DEBUG while the same one keeps coming back,
 * and one INFO with the count once the task succeeds again.
 */
public final class RepeatedFailureLog {

    private final Logger log;
    private final String component;
    private volatile String lastMessage;
    private long repeats;

    public RepeatedFailureLog(Logger log, String component) {
        this.log = log;
        this.component = component;
    }

    public synchronized void failed(Throwable e, String retry) {
        String message = String.valueOf(e.getMessage());
        if (message.equals(lastMessage)) {
            repeats++;
            log.debug("{}: failed again ({} times): {}", component, repeats + 1, message);
            return;
        }
        lastMessage = message;
        repeats = 0;
        log.warn("{} failed ({}); {}", component, message, retry, e);
    }

    public void succeeded() {
        if (lastMessage != null) {
            recovered();
        }
    }

    private synchronized void recovered() {
        if (lastMessage != null) {
            log.info("{} works again after {} failed attempt(s)", component, repeats + 1);
            lastMessage = null;
            repeats = 0;
        }
    }
}
