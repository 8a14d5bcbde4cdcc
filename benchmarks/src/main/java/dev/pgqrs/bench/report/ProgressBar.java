package dev.pgqrs.bench.report;

import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One line on stderr that shows the current run and how far it got: redrawn in place on a
 * terminal, printed every few seconds otherwise (CI logs, redirected output). Workers call
 * {@link #advance} from any thread; drawing happens on a timer, never on their path.
 */
public final class ProgressBar implements AutoCloseable {

    private static final int WIDTH = 24;

    private final PrintStream out;
    private final boolean interactive;
    private final boolean enabled;
    private final ScheduledExecutorService timer;
    private final AtomicLong done = new AtomicLong();
    private final long started = System.nanoTime();
    private volatile int totalRuns;
    private volatile int runNumber;
    private volatile String label = "";
    private volatile long units;
    private volatile long runStarted = System.nanoTime();
    private volatile int lastWidth;
    private long lastPlainPrint;

    public ProgressBar(PrintStream out, boolean enabled) {
        this.out = out;
        this.enabled = enabled;
        this.interactive = System.console() != null;
        if (enabled) {
            timer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "progress-bar");
                t.setDaemon(true);
                return t;
            });
            timer.scheduleAtFixedRate(this::draw, 200, 200, TimeUnit.MILLISECONDS);
        } else {
            timer = null;
        }
    }

    /** How many runs the whole invocation will make, for the "run i/n" counter. */
    public void plan(int runs) {
        this.totalRuns = runs;
    }

    public void addPlanned(int runs) {
        this.totalRuns += runs;
    }

    /** A new run starts; {@code units} is its expected amount of work (messages, runs, seconds). */
    public synchronized void startRun(String label, long units) {
        this.runNumber++;
        this.label = label;
        this.units = Math.max(1, units);
        this.done.set(0);
        this.runStarted = System.nanoTime();
    }

    public void advance(long n) {
        done.addAndGet(n);
    }

    /** Replaces the progress line with a permanent message. */
    public synchronized void println(String message) {
        clearLine();
        out.println(message);
    }

    private synchronized void draw() {
        if (label.isEmpty()) {
            return;
        }
        long d = Math.min(done.get(), units);
        double fraction = (double) d / units;
        int filled = (int) Math.round(fraction * WIDTH);
        double secs = (System.nanoTime() - runStarted) / 1e9;
        String line = String.format("[run %d/%d] %-44s [%s%s] %3.0f%% %,d/%,d  %,.0f/s  total %s",
                runNumber, Math.max(runNumber, totalRuns), label, "#".repeat(filled), "-".repeat(WIDTH - filled),
                fraction * 100, d, units, secs > 0 ? d / secs : 0.0, format(Duration.ofNanos(System.nanoTime() - started)));
        if (interactive) {
            out.print("\r" + line + " ".repeat(Math.max(0, lastWidth - line.length())));
            out.flush();
            lastWidth = line.length();
        } else if (System.currentTimeMillis() - lastPlainPrint >= 10_000) {
            out.println(line);
            lastPlainPrint = System.currentTimeMillis();
        }
    }

    private void clearLine() {
        if (interactive && lastWidth > 0) {
            out.print("\r" + " ".repeat(lastWidth) + "\r");
            lastWidth = 0;
        }
    }

    private static String format(Duration d) {
        long s = d.toSeconds();
        return s >= 3600 ? String.format("%dh%02dm", s / 3600, (s % 3600) / 60)
                : s >= 60 ? String.format("%dm%02ds", s / 60, s % 60) : s + "s";
    }

    @Override
    public synchronized void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
        label = "";
        clearLine();
        out.flush();
    }
}
