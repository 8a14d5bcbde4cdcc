package dev.pgqrs.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A Java main class of the test class path running in a child JVM (the current {@code java} and
 * {@code java.class.path}), for tests that need a second process on the same database or one they can
 * kill with {@code kill -9} ({@link #kill()}: {@code destroyForcibly}, SIGKILL on Linux — no shutdown
 * hooks, no finally blocks, no clean-up).
 *
 * <p>Its stdout and stderr are read line by line into {@link #lines()}. It logs through
 * {@code fault-child-logback.xml}: every log event is one line {@code LOG|LEVEL|logger|thread|message}
 * (a stack trace follows on lines of its own), so a test can count a child's log lines by level and
 * logger; every line is also handed to {@link LogCapture#global()}, so secrets checks see children's
 * output too. Commands go to its stdin ({@link #send}).
 *
 * <p>Pass secrets (a DSN with its password) in the environment, not as arguments: a failure message
 * may quote the command line.
 */
public final class ChildJvm implements AutoCloseable {

    /** Lines of a child's log events start with this (see fault-child-logback.xml). */
    public static final String LOG_PREFIX = "LOG|";

    private final String label;
    private final Process process;
    private final Writer stdin;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Thread reader;

    private ChildJvm(String label, Process process) {
        this.label = label;
        this.process = process;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        this.reader = new Thread(this::readOutput, "child-jvm-output-" + label);
        this.reader.setDaemon(true);
        this.reader.start();
    }

    /**
     * Starts {@code main} with {@code args}, the given environment variables added to this JVM's, and a
     * small heap (children are many and short-lived on a 2-core machine).
     */
    public static ChildJvm start(String label, Class<?> main, Map<String, String> environment, String... args) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-Dlogback.configurationFile=fault-child-logback.xml", "-Dpgqrs.child=" + label,
                "-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putAll(environment);
        try {
            return new ChildJvm(label, pb.start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start child JVM " + label + " (" + main.getName() + ")", e);
        }
    }

    private void readOutput() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                lines.add(line);
                LogCapture.global().childLine(label, line);
            }
        } catch (IOException ignored) {
            // the process was killed
        }
    }

    public String label() {
        return label;
    }

    public long pid() {
        return process.pid();
    }

    /** Every line the child wrote so far (stdout and stderr). */
    public List<String> lines() {
        return List.copyOf(lines);
    }

    /** The child's log events so far, as {@code LOG|LEVEL|logger|thread|message} lines. */
    public List<String> logLines() {
        return lines.stream().filter(l -> l.startsWith(LOG_PREFIX)).toList();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Waits for the first line (from the start) that matches; fails if the child exits first or time runs out. */
    public String awaitLine(Predicate<String> matching, Duration timeout) {
        return awaitLine(0, matching, timeout);
    }

    /** Waits for a line from index {@code from} on that matches (use {@link #lineCount()} to skip older ones). */
    public String awaitLine(int from, Predicate<String> matching, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int next = from;
        while (true) {
            List<String> seen = lines;
            for (; next < seen.size(); next++) {
                if (matching.test(seen.get(next))) {
                    return seen.get(next);
                }
            }
            if (!process.isAlive()) {
                drainOutput();
                for (; next < lines.size(); next++) {
                    if (matching.test(lines.get(next))) {
                        return lines.get(next);
                    }
                }
                throw new AssertionError("child " + label + " exited (" + process.exitValue() + ") before the expected line; "
                        + "its output:\n" + tail());
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("child " + label + " did not print the expected line within " + timeout
                        + "; its output:\n" + tail());
            }
            pause();
        }
    }

    /** Waits for a line that starts with {@code prefix}; returns it. */
    public String awaitLineStartingWith(String prefix, Duration timeout) {
        return awaitLine(l -> l.startsWith(prefix), timeout);
    }

    public int lineCount() {
        return lines.size();
    }

    /** Writes a command line to the child's stdin. */
    public void send(String command) {
        try {
            stdin.write(command + "\n");
            stdin.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write to child " + label + " (did it exit?)", e);
        }
    }

    /** SIGKILL, then waits for the process to be gone; returns its exit code (137). */
    public int kill() {
        process.destroyForcibly();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new AssertionError("child " + label + " is still alive 30 s after SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while killing child " + label, e);
        }
        drainOutput();
        return process.exitValue();
    }

    /** Waits for the child to exit on its own; returns its exit code, failing if it is still alive after the timeout. */
    public int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("child " + label + " did not exit within " + timeout + "; its output:\n" + tail());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for child " + label, e);
        }
        drainOutput();
        return process.exitValue();
    }

    /** The child's last lines, for failure messages. */
    public String tail() {
        List<String> all = lines;
        return String.join("\n", all.subList(Math.max(0, all.size() - 60), all.size()));
    }

    private void drainOutput() {
        try {
            reader.join(5_000); // the reader ends at end of stream, once the process is gone
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void pause() {
        try {
            Thread.sleep(5);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Kills the child if it is still running. */
    @Override
    public void close() {
        if (process.isAlive()) {
            kill();
        }
    }

    @Override
    public String toString() {
        return "child JVM " + label + " (pid " + process.pid() + ")";
    }
}
