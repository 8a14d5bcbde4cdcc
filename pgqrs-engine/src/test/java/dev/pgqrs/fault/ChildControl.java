package dev.pgqrs.fault;

import dev.pgqrs.Pgqrs;
import dev.pgqrs.Store;
import dev.pgqrs.config.PgqrsConfig;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * The side of a fault-suite child JVM that talks to its test (see {@link dev.pgqrs.testing.ChildJvm}):
 * commands arrive on stdin, one per line, and the child reports on stdout.
 *
 * <ul>
 *   <li>{@code ARM <point> <n>}: the {@code n}-th time execution passes {@link #hangAt hangAt(point)}
 *       from now, the child prints {@code AT <point>} and that thread stops dead there, so the test can
 *       kill the process at exactly that point;</li>
 *   <li>{@code STOP}: {@link #awaitStop()} returns; the child shuts down cleanly and exits;</li>
 *   <li>any other word: the handler the child registered for it ({@link #on}).</li>
 * </ul>
 *
 * <p>Exceptions a child's work meets are printed as {@code SEEN <class>: <message>} lines ({@link #seen}),
 * so the test counts them and checks them for secrets.
 */
public final class ChildControl {

    private static final Object OUT = new Object();

    private final Map<String, AtomicInteger> armed = new ConcurrentHashMap<>();
    private final Map<String, Runnable> handlers = new ConcurrentHashMap<>();
    private final CountDownLatch stop = new CountDownLatch(1);
    private final String process = System.getProperty("pgqrs.child", "child");

    private ChildControl() {
    }

    public static ChildControl start() {
        ChildControl control = new ChildControl();
        Thread t = new Thread(control::readCommands, "child-control");
        t.setDaemon(true);
        t.start();
        return control;
    }

    /** The label the test gave this child (recorded with its side effects). */
    public String process() {
        return process;
    }

    /** A store on the database named by the environment ({@code PGQRS_DSN}, {@code PGQRS_SCHEMA}, …). */
    public static Store openStore(UnaryOperator<PgqrsConfig.Builder> customize) {
        return Pgqrs.connect(customize.apply(PgqrsConfig.load().toBuilder()).build());
    }

    private void readCommands() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                String[] words = line.trim().split("\\s+");
                if (words[0].equals("ARM") && words.length == 3) {
                    armed.put(words[1], new AtomicInteger(Integer.parseInt(words[2])));
                } else if (words[0].equals("STOP")) {
                    stop.countDown();
                } else if (handlers.containsKey(words[0])) {
                    handlers.get(words[0]).run();
                }
            }
        } catch (Exception e) {
            seen(e);
        }
        stop.countDown(); // the test went away: stop too
    }

    /** Runs {@code handler} (on the command thread) whenever the test sends {@code command}. */
    public void on(String command, Runnable handler) {
        handlers.put(command, handler);
    }

    /** A point where the test may have asked this child to stop dead (see the class comment). */
    public void hangAt(String point) {
        hangAt(point, null);
    }

    /**
     * As {@link #hangAt(String)}; when it stops there it first prints {@code HOLDING <point> <detail>} (e.g. the
     * ids of the messages it holds), so the test can check what became of them.
     */
    public void hangAt(String point, java.util.function.Supplier<String> detail) {
        AtomicInteger countdown = armed.get(point);
        if (countdown == null || countdown.decrementAndGet() != 0) {
            return;
        }
        if (detail != null) {
            say("HOLDING " + point + " " + detail.get());
        }
        say("AT " + point);
        try {
            Thread.sleep(Long.MAX_VALUE); // until SIGKILL
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while hanging at " + point);
        }
    }

    public void awaitStop() throws InterruptedException {
        stop.await();
    }

    public boolean stopping() {
        return stop.getCount() == 0;
    }

    public static void say(String line) {
        synchronized (OUT) {
            System.out.println(line);
            System.out.flush();
        }
    }

    /** Reports an exception the child's work met (its class, message and causes, on one line). */
    public static void seen(Throwable e) {
        StringBuilder b = new StringBuilder("SEEN ");
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t != e) {
                b.append(" <- ");
            }
            b.append(t.getClass().getName()).append(": ").append(t.getMessage());
        }
        say(b.toString().replaceAll("[\r\n]+", " "));
    }
}
