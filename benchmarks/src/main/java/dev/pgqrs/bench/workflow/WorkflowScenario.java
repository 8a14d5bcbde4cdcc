package dev.pgqrs.bench.workflow;

import dev.pgqrs.bench.db.BenchDatabases;
import dev.pgqrs.bench.db.DatabaseSlot;
import dev.pgqrs.bench.db.ServerCounters;
import dev.pgqrs.bench.report.ProgressBar;
import dev.pgqrs.config.Backend;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs of N steps, end to end: with the engine's workers started and idle, the clock starts,
 * trigger threads start {@code runs} runs, and the clock stops when the database records the last
 * one as successful. runs/s, steps/s, and commits per step as PostgreSQL counted them.
 */
public final class WorkflowScenario {

    private final BenchDatabases databases;
    private final List<WorkflowContender> contenders;
    private final WorkflowSettings settings;
    private final int repeats;
    private final ProgressBar progress;

    public WorkflowScenario(BenchDatabases databases, List<WorkflowContender> contenders, WorkflowSettings settings,
                            int repeats, ProgressBar progress) {
        this.databases = databases;
        this.contenders = contenders;
        this.settings = settings;
        this.repeats = repeats;
        this.progress = progress;
    }

    public static List<WorkflowContender> allContenders() {
        return List.of(new PgqrsWorkflowRun(), DbosWorkflowRun.onQueue(), DbosWorkflowRun.direct(),
                DbosWorkflowRun.directBounded(), new PgqrsWorkflowRun(true, false), new PgqrsWorkflowRun(false, true),
                WorkflowFloor.direct(), WorkflowFloor.queued(), WorkflowFloor.sharedSchema());
    }

    public int plannedRuns(List<Backend> backends, List<Integer> steps) {
        int runs = 0;
        for (Backend b : backends) {
            int here = (int) contenders.stream().filter(c -> c.supports(b)).count();
            runs += steps.size() * repeats * here + (settings.warmupRuns() > 0 ? here : 0);
        }
        return runs;
    }

    public List<WorkflowMeasurement> run(List<Backend> backends, List<Integer> stepCounts) throws Exception {
        List<WorkflowMeasurement> all = new ArrayList<>();
        for (Backend backend : backends) {
            List<WorkflowContender> here = contenders.stream().filter(c -> c.supports(backend)).toList();
            if (settings.warmupRuns() > 0) {
                for (WorkflowContender c : here) {
                    runOnce(backend, c, 5, 0, settings.warmupRuns(), "warm-up");
                }
            }
            for (int steps : stepCounts) {
                for (int repeat = 1; repeat <= repeats; repeat++) {
                    List<WorkflowContender> order = new ArrayList<>(here);
                    Collections.rotate(order, -(repeat - 1));
                    for (WorkflowContender c : order) {
                        all.add(runOnce(backend, c, steps, repeat, settings.runs(), "#" + repeat));
                    }
                }
            }
        }
        return all;
    }

    /**
     * Completes up to {@code historyRuns} runs in the slot with an engine of their own, closed once the database
     * records them all successful, and settles the slot's tables: the measured run's engine starts on tables holding
     * what a deployment's hold after a while, with the statistics it has by then. Closing that engine ends its
     * connections, which report their commits to the server's counters before the measured run reads them. Runs are
     * triggered a round of {@code concurrency} at a time, each round completed before the next, and no round starts
     * after the measured run's time cap, so a slow engine gets a shorter history, never one still running. Returns
     * how many runs it completed.
     */
    private long completeHistory(DatabaseSlot slot, WorkflowContender contender, int steps) throws Exception {
        WorkflowProbe unmeasured = new WorkflowProbe(settings, steps, progress);
        long triggered = 0;
        try (WorkflowContender.Prepared prepared = contender.prepare(slot, steps, settings, unmeasured);
             Connection monitor = slot.connect();
             PreparedStatement succeeded = monitor.prepareStatement(prepared.succeededQuery())) {
            long rounds = System.nanoTime() + settings.maxRunTime().toNanos();
            while (triggered < settings.historyRuns() && System.nanoTime() < rounds) {
                long round = Math.min(settings.concurrency(), settings.historyRuns() - triggered);
                for (long i = 0; i < round; i++) {
                    prepared.trigger((int) (-1 - triggered++));
                }
                awaitSucceeded(succeeded, triggered, rounds + settings.maxRunTime().toNanos());
            }
        }
        slot.settleAllTables();
        return triggered;
    }

    private void awaitSucceeded(PreparedStatement succeeded, long runs, long deadlineNanos) throws Exception {
        long done = 0;
        while (done < runs) {
            if (System.nanoTime() > deadlineNanos) {
                throw new IllegalStateException("only " + done + " of " + runs + " history runs completed");
            }
            Thread.sleep(10);
            try (ResultSet rs = succeeded.executeQuery()) {
                rs.next();
                done = rs.getLong(1);
            }
        }
    }

    private WorkflowMeasurement runOnce(Backend backend, WorkflowContender contender, int steps, int repeat, int runs,
                                        String tag) throws Exception {
        String label = "workflow " + backend.name().toLowerCase() + " " + contender.name() + " " + steps + " steps " + tag;
        progress.startRun(label, runs);
        WorkflowProbe probe = new WorkflowProbe(settings, steps, progress);
        try (DatabaseSlot slot = databases.newSlot(backend, "wf_" + contender.name())) {
            long completed;
            long polls = 0;
            ServerCounters before;
            long history = settings.historyRuns() > 0 ? completeHistory(slot, contender, steps) : 0;
            try (WorkflowContender.Prepared prepared = contender.prepare(slot, steps, settings, probe);
                 Connection monitor = slot.connect();
                 PreparedStatement succeeded = monitor.prepareStatement(prepared.succeededQuery())) {
                before = slot.counters();
                AtomicInteger next = new AtomicInteger();
                List<Thread> triggers = new ArrayList<>();
                probe.startClock();
                for (int t = 0; t < settings.triggerThreads(); t++) {
                    Thread thread = new Thread(() -> {
                        int i;
                        while ((i = next.getAndIncrement()) < runs && !probe.timeUp()) {
                            try {
                                prepared.trigger(i);
                                probe.triggered();
                            } catch (Throwable e) { // a peer's linkage error must show in the results, not end the thread
                                probe.error(e);
                            }
                        }
                    }, "workflow-trigger-" + t);
                    triggers.add(thread);
                    thread.start();
                }
                completed = 0;
                while (completed < runs && !probe.timeUp()) {
                    Thread.sleep(10);
                    try (ResultSet rs = succeeded.executeQuery()) {
                        rs.next();
                        long now = rs.getLong(1) - history;
                        probe.completed(now, completed);
                        completed = now;
                    }
                    polls++;
                }
                probe.stopClock();
                for (Thread t : triggers) {
                    t.join();
                }
            }
            ServerCounters used = slot.counters().minus(before);
            // The progress queries above are the harness's, one read-only transaction each.
            long commits = used.known() ? used.commits() - polls : -1;
            double seconds = probe.elapsedSeconds();
            WorkflowMeasurement m = new WorkflowMeasurement(backend.name().toLowerCase(), contender.name(), steps, repeat,
                    runs, completed, completed < runs, seconds, probe.triggersDoneSeconds(), completed / seconds,
                    completed * steps / seconds, probe.stepBodies(), commits, used.walSyncs(), probe.errors(), probe.firstError());
            if (m.errors() > 0 || m.stepBodies() < m.completed() * steps) {
                progress.println("  ! " + label + ": errors=" + m.errors() + " step bodies=" + m.stepBodies()
                        + (m.firstError() != null ? " first error: " + m.firstError() : ""));
            }
            return m;
        }
    }
}
