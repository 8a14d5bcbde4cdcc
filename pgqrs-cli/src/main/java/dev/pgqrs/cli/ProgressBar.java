package dev.pgqrs.cli;

import java.io.PrintWriter;

/**
 * A one-line progress bar redrawn in place on a terminal ({@code \r}); draws nothing when the standard error
 * is not a terminal, so logs and pipes get no control characters.
 */
final class ProgressBar {

    private static final int WIDTH = 30;

    private final PrintWriter err;
    private final String label;
    private final long total;
    private final boolean enabled;
    private boolean drawn;

    ProgressBar(PrintWriter err, String label, long total, boolean enabled) {
        this.err = err;
        this.label = label;
        this.total = total;
        this.enabled = enabled && total > 0;
    }

    void update(long done) {
        if (!enabled) {
            return;
        }
        int filled = (int) (WIDTH * done / total);
        err.print("\r" + label + " [" + "#".repeat(filled) + " ".repeat(WIDTH - filled) + "] " + done + "/" + total);
        err.flush();
        drawn = true;
    }

    /** Ends the bar's line, so what follows starts on a line of its own. */
    void finish() {
        if (drawn) {
            err.println();
            err.flush();
        }
    }
}
