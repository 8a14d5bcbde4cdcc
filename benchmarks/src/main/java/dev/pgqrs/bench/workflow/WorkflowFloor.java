package dev.pgqrs.bench.workflow;

import dev.pgqrs.bench.db.DatabaseSlot;
import dev.pgqrs.bench.db.WriterTurns;
import dev.pgqrs.bench.workflow.FloorTables.FloorRun;
import dev.pgqrs.config.Backend;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The floor of a durable workflow run, written by hand: the fewest durable writes a run of N steps can make, each
 * over plain JDBC on a connection a thread keeps, nothing else — no serialised inputs or outputs, no heartbeats,
 * cancellation, retries or worker bookkeeping. A run's creation commits before it executes, each step's output
 * commits before the next step starts, and the last step's output commits with the run's completion: N + 1 commits
 * for a run started directly, one more for the claim of a queued run. It shares no statement text with either
 * engine, so an engine ÷ this floor states what its SQL and library cost together, and where a goal asks more than
 * this floor reaches, the machine, not an engine, is the limit.
 *
 * <p>Three floors, the counterparts of the two engines and of the tables pgqrs must share:
 * <ul>
 *   <li>{@code floor-direct} — as DBOS started directly, on two narrow tables of its own: the trigger inserts the
 *       run and hands it to one of the scenario's executor threads in the same process, waiting while that many
 *       run;</li>
 *   <li>{@code floor-queued} — as pgqrs, on the same tables: the trigger inserts a pending run and wakes a worker
 *       thread (an in-process signal, the best a database notification can do); each of the scenario's worker
 *       threads claims the oldest pending run ({@code FOR UPDATE SKIP LOCKED} on PostgreSQL) in a commit of its
 *       own, then executes it;</li>
 *   <li>{@code floor-schema} — as {@code floor-queued}, on the tables pgqrs shares with pgqrs for Rust and Python
 *       ({@link SharedSchemaFloorTables}, PostgreSQL only): what the shared row model leaves reachable.</li>
 * </ul>
 */
public final class WorkflowFloor implements WorkflowContender {

    /** How long an idle worker waits for a wake-up before it looks again anyway. */
    private static final long IDLE_WAIT_MILLIS = 50;

    private final String name;
    private final boolean queued;
    private final Supplier<FloorTables> tables;

    private WorkflowFloor(String name, boolean queued, Supplier<FloorTables> tables) {
        this.name = name;
        this.queued = queued;
        this.tables = tables;
    }

    /** Runs started directly on the floor's own tables, at most the scenario's concurrency executing at once. */
    public static WorkflowFloor direct() {
        return new WorkflowFloor("floor-direct", false, OwnFloorTables::new);
    }

    /** Runs inserted pending in the floor's own tables and claimed by the scenario's worker threads. */
    public static WorkflowFloor queued() {
        return new WorkflowFloor("floor-queued", true, OwnFloorTables::new);
    }

    /** Runs queued as {@link #queued()} does, on the tables pgqrs shares with pgqrs for Rust and Python. */
    public static WorkflowFloor sharedSchema() {
        return new WorkflowFloor("floor-schema", true, SharedSchemaFloorTables::new);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String description() {
        String common = "hand-written, plain JDBC, no statement shared with either engine: ";
        String queuedRun = "the trigger commits a pending run and wakes a worker in-process; each of the scenario's "
                + "worker threads claims the oldest pending run (SKIP LOCKED on PostgreSQL) in a commit, commits each "
                + "step's output, the last with the run's completion (N + 2 commits)";
        return switch (name) {
            case "floor-schema" -> "the floor of a queued run on the tables pgqrs shares with pgqrs for Rust and "
                    + "Python (a message and a run row; the claim leases the message, the finish archives it), "
                    + common + queuedRun;
            case "floor-queued" -> "the floor of a queued run on two narrow tables of its own, " + common + queuedRun;
            default -> "the floor of a run started directly on two narrow tables of its own, " + common
                    + "the trigger commits the run and hands it to one of the scenario's executor threads (waiting "
                    + "while that many run), which commits each step's output, the last with the run's completion "
                    + "(N + 1 commits)";
        };
    }

    @Override
    public boolean supports(Backend backend) {
        return tables.get().supports(backend);
    }

    @Override
    public Prepared prepare(DatabaseSlot slot, int steps, WorkflowSettings settings, WorkflowProbe probe) throws Exception {
        FloorTables floorTables = tables.get();
        // the history runs' tables stay for the measured run, as an engine's schema does
        floorTables.create(slot, steps);
        FloorPrepared prepared = new FloorPrepared(slot, floorTables, steps, settings, probe);
        if (queued) {
            prepared.startWorkers();
        }
        return prepared;
    }

    private final class FloorPrepared implements Prepared {

        private final FloorTables tables;
        private final int steps;
        private final int concurrency;
        private final WorkflowProbe probe;
        private final WriterTurns writerTurns;
        private final List<FloorSession> sessions = new ArrayList<>();
        private final BlockingQueue<FloorSession> idleSessions;
        private final Semaphore running;
        private final Semaphore wakeUps = new Semaphore(0);
        private final ExecutorService executors;
        private volatile boolean closed;

        FloorPrepared(DatabaseSlot slot, FloorTables tables, int steps, WorkflowSettings settings, WorkflowProbe probe)
                throws SQLException {
            this.tables = tables;
            this.steps = steps;
            this.concurrency = settings.concurrency();
            this.probe = probe;
            this.writerTurns = WriterTurns.forBackend(slot.backend());
            this.running = queued ? null : new Semaphore(concurrency);
            // every connection opened before the clock starts, as an engine's pool has them: one per executing run
            // and one per trigger thread
            int connections = concurrency + settings.triggerThreads();
            this.idleSessions = new ArrayBlockingQueue<>(connections);
            try {
                for (int i = 0; i < connections; i++) {
                    FloorSession s = new FloorSession(slot);
                    sessions.add(s);
                    idleSessions.add(s);
                }
            } catch (SQLException e) {
                try {
                    closeSessions();
                } catch (SQLException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            }
            this.executors = Executors.newFixedThreadPool(concurrency, r -> {
                Thread t = new Thread(r, "floor-wf-" + (queued ? "worker" : "executor"));
                t.setDaemon(true);
                return t;
            });
        }

        @Override
        public void trigger(int input) throws SQLException {
            if (!queued) {
                running.acquireUninterruptibly();
            }
            FloorRun run;
            FloorSession s = borrow();
            writerTurns.take();
            try {
                run = tables.insertRun(s, input, queued);
            } finally {
                writerTurns.giveBack();
                idleSessions.add(s);
            }
            if (queued) {
                wakeUps.release();
            } else {
                executors.execute(() -> {
                    FloorSession executing = borrow();
                    try {
                        execute(executing, run);
                    } catch (Throwable e) {
                        probe.error(e);
                    } finally {
                        idleSessions.add(executing);
                        running.release();
                    }
                });
            }
        }

        void startWorkers() {
            for (int i = 0; i < concurrency; i++) {
                executors.execute(this::work);
            }
        }

        private void work() {
            FloorSession s = borrow();
            while (!closed) {
                try {
                    FloorRun run;
                    writerTurns.take();
                    try {
                        run = tables.claim(s);
                    } finally {
                        writerTurns.giveBack();
                    }
                    if (run != null) {
                        execute(s, run);
                    } else if (wakeUps.drainPermits() == 0) {
                        // nothing pending and nobody triggered since the claim looked: wait for a trigger
                        wakeUps.tryAcquire(IDLE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
                    }
                } catch (InterruptedException e) {
                    return;
                } catch (Throwable e) {
                    if (!closed) {
                        probe.error(e);
                    }
                }
            }
        }

        private void execute(FloorSession s, FloorRun run) throws SQLException {
            int sum = run.input();
            for (int step = 0; step < steps; step++) {
                probe.stepRan();
                int output = step;
                sum += output;
                writerTurns.take();
                try {
                    if (step < steps - 1) {
                        tables.checkpoint(s, run, step, output);
                    } else {
                        tables.finish(s, run, step, output, sum);
                    }
                } finally {
                    writerTurns.giveBack();
                }
            }
        }

        /** A connection of the pool; there is one for every thread that can ask, so none waits long. */
        private FloorSession borrow() {
            try {
                return idleSessions.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for a connection", e);
            }
        }

        @Override
        public String succeededQuery() {
            return tables.succeededQuery();
        }

        @Override
        public void close() throws Exception {
            closed = true;
            executors.shutdownNow();
            if (!executors.awaitTermination(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the floor's threads did not stop within 30 s");
            }
            closeSessions();
        }

        private void closeSessions() throws SQLException {
            for (FloorSession s : sessions) {
                s.close();
            }
        }
    }
}
