package dev.pgqrs.workflow;

import dev.pgqrs.RetryPolicy;

import dev.pgqrs.testing.TestBackend;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;

/** Helpers shared by the workflow conformance tests. */
final class WorkflowTesting {

    static final Duration AWAIT = Duration.ofSeconds(20);
    /** How often the awaits below look: runs move on within milliseconds. */
    private static final Duration POLL = Duration.ofMillis(10);

    private WorkflowTesting() {
    }

    /** A worker that notices crashes and due runs quickly: short lease, short poll. */
    static WorkflowWorkerOptions fastWorker() {
        return WorkflowWorkerOptions.defaults()
                .concurrency(4)
                .leaseDuration(Duration.ofMillis(800))
                .pollInterval(Duration.ofMillis(50))
                .shutdownTimeout(Duration.ofSeconds(5));
    }

    /** Retries quickly, without jitter, so attempt counts and timings are exact. */
    static RetryPolicy quickRetries(int attempts) {
        return RetryPolicy.fixed(attempts, Duration.ofMillis(20));
    }

    /** A point inside a step or workflow that the test opens when it wants execution to go on. */
    static final class Gate {
        private final java.util.concurrent.CountDownLatch entered = new java.util.concurrent.CountDownLatch(1);
        private final java.util.concurrent.CountDownLatch opened = new java.util.concurrent.CountDownLatch(1);

        /** Called by the code under test: announces it arrived, then waits (until opened or interrupted). */
        void pass() throws InterruptedException {
            entered.countDown();
            opened.await();
        }

        void awaitEntered() throws InterruptedException {
            if (!entered.await(AWAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS)) {
                throw new AssertionError("execution never reached the gate");
            }
        }

        void open() {
            opened.countDown();
        }
    }

    /** Polls until the run is in {@code status}, failing after {@link #AWAIT}. */
    static RunInfo awaitStatus(Workflows workflows, long runId, RunStatus status) {
        return await("run " + runId + " in status " + status).atMost(AWAIT).pollInterval(POLL)
                .until(() -> workflows.get(runId), run -> run.status() == status);
    }

    /** Polls until the run's step is in {@code status}. */
    static StepInfo awaitStep(Workflows workflows, long runId, String step, RunStatus status) {
        return await("step '" + step + "' of run " + runId + " in status " + status).atMost(AWAIT).pollInterval(POLL)
                .until(() -> workflows.details(runId).step(step), found -> found.isPresent() && found.get().status() == status)
                .orElseThrow();
    }

    /** Counts how many times each step body ran (in this JVM). */
    static final class BodyCounter {
        private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();

        int hit(String step) {
            return counts.computeIfAbsent(step, k -> new AtomicInteger()).incrementAndGet();
        }

        int get(String step) {
            AtomicInteger n = counts.get(step);
            return n == null ? 0 : n.get();
        }

        Map<String, Integer> all() {
            Map<String, Integer> out = new TreeMap<>();
            counts.forEach((k, v) -> out.put(k, v.get()));
            return out;
        }
    }

    /** Runs a statement on the test's database directly, e.g. to tamper with stored rows. */
    static int sql(TestBackend backend, String sql) throws SQLException {
        try (Connection c = backend.jdbc(); Statement s = c.createStatement()) {
            return s.executeUpdate(sql);
        }
    }

    static long queryLong(TestBackend backend, String sql) throws SQLException {
        try (Connection c = backend.jdbc(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static String queryString(TestBackend backend, String sql) throws SQLException {
        try (Connection c = backend.jdbc(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }
}
