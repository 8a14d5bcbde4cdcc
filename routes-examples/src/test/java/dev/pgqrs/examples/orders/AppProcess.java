package dev.pgqrs.examples.orders;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The app started as {@code java} starts it: {@link OrdersApp#main} in a JVM of its own, with the app's
 * own logback.xml (not the tests'), the environment given, and everything it prints (stdout and stderr)
 * collected.
 */
final class AppProcess implements AutoCloseable {

    private final Process process;
    private final StringBuffer output = new StringBuffer();
    private final Thread reader;

    private AppProcess(Process process) {
        this.process = process;
        this.reader = new Thread(() -> copy(process.getInputStream()), "app-process-output");
        reader.setDaemon(true);
        reader.start();
    }

    static AppProcess start(Map<String, String> environment) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Dlogback.configurationFile=" + Path.of("target", "classes", "logback.xml").toAbsolutePath());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(OrdersApp.class.getName());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().keySet().removeIf(k -> k.startsWith("PGQRS_") || k.startsWith("APP_") || k.startsWith("KAFKA_"));
        builder.environment().putAll(environment);
        return new AppProcess(builder.start());
    }

    private void copy(InputStream in) {
        byte[] buffer = new byte[8192];
        try {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                output.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            // the process ended
        }
    }

    /** Everything printed so far. */
    String output() {
        return output.toString();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Stops it as Ctrl-C would (SIGTERM) and returns its exit code, once all it printed has been read. */
    int stop() throws Exception {
        process.destroy();
        return waitForExit(Duration.ofSeconds(60));
    }

    int waitForExit(Duration timeout) throws Exception {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("the app did not exit within " + timeout + "; it printed:\n" + output());
        }
        reader.join(TimeUnit.SECONDS.toMillis(10));
        return process.exitValue();
    }

    @Override
    public void close() throws Exception {
        if (process.isAlive()) {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }
}
