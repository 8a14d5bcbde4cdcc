package dev.pgqrs.fault;

import dev.pgqrs.testing.ChildJvm;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.IntFunction;

/**
 * Kills child JVMs with {@code kill -9} at chosen points, again and again: each iteration picks one of
 * the running children and a point at random — one of the children's hang points (armed with
 * {@code ARM point n}: the child stops dead the n-th time it passes there and says so, then is killed),
 * or {@code anytime} (killed after a random delay, wherever it is) — kills it, and starts its
 * replacement. The seed is printed, so a failing sequence can be replayed.
 */
final class CrashIterations implements AutoCloseable {

    static final Duration AWAIT = Duration.ofSeconds(60);

    private final IntFunction<ChildJvm> starter;
    private final List<String> points;
    private final List<ChildJvm> children = new ArrayList<>();
    private final List<ChildJvm> all = new ArrayList<>();
    private final Map<String, Integer> kills = new TreeMap<>();
    private final Random random;
    private final long seed;
    private int started;

    /**
     * @param starter starts child number n (its label should name n); must return once it printed READY
     * @param points  the children's hang points; {@code anytime} is added
     */
    CrashIterations(int children, List<String> points, IntFunction<ChildJvm> starter) {
        this.starter = starter;
        this.points = new ArrayList<>(points);
        this.points.add("anytime");
        this.seed = Long.getLong("pgqrs.fault.seed", System.nanoTime());
        this.random = new Random(seed);
        for (int i = 0; i < children; i++) {
            this.children.add(startNext());
        }
    }

    private ChildJvm startNext() {
        ChildJvm child = starter.apply(++started);
        all.add(child);
        return child;
    }

    long seed() {
        return seed;
    }

    /** One kill and one restart, at a point chosen at random. */
    void iterate() throws InterruptedException {
        iterate(points.get(random.nextInt(points.size())));
    }

    /** One kill at {@code point} (one of the children's, or {@code anytime}) and one restart. */
    void iterate(String point) throws InterruptedException {
        if (!points.contains(point)) {
            throw new IllegalArgumentException("no hang point '" + point + "'; the children have " + points);
        }
        int which = random.nextInt(children.size());
        ChildJvm victim = children.get(which);
        if (point.equals("anytime")) {
            Thread.sleep(100 + random.nextInt(900)); // the kill comes at a random moment, not after a condition
        } else {
            int from = victim.lineCount();
            victim.send("ARM " + point + " " + (1 + random.nextInt(3)));
            victim.awaitLine(from, l -> l.equals("AT " + point), AWAIT);
        }
        int exit = victim.kill();
        if (exit != 137) {
            throw new AssertionError(victim + " exited with " + exit + " instead of dying of SIGKILL; its output:\n" + victim.tail());
        }
        kills.merge(point, 1, Integer::sum);
        children.set(which, startNext());
    }

    /** Where the kills happened, e.g. {@code {anytime=2, leased=1}}. */
    Map<String, Integer> kills() {
        return kills;
    }

    List<ChildJvm> running() {
        return children;
    }

    /** Every child started, killed ones included (their output, their errors). */
    List<ChildJvm> all() {
        return all;
    }

    /** Lines {@code SEEN …} of every child: exceptions their work met. */
    List<String> errorsSeen() {
        List<String> seen = new ArrayList<>();
        for (ChildJvm c : all) {
            for (String l : c.lines()) {
                if (l.startsWith("SEEN ")) {
                    seen.add(c.label() + ": " + l);
                }
            }
        }
        return seen;
    }

    /** Asks the running children to stop cleanly and waits for them to exit. */
    void stopAll() {
        for (ChildJvm c : children) {
            c.send("STOP");
        }
        for (ChildJvm c : children) {
            int exit = c.awaitExit(AWAIT);
            if (exit != 0) {
                throw new AssertionError(c + " exited with " + exit + "; its output:\n" + c.tail());
            }
        }
    }

    @Override
    public void close() {
        for (ChildJvm c : all) {
            c.close();
        }
    }
}
