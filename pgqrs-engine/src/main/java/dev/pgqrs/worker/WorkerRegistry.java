package dev.pgqrs.worker;

import dev.pgqrs.IllegalWorkerTransitionException;
import dev.pgqrs.WorkerInfo;
import dev.pgqrs.WorkerStatus;
import dev.pgqrs.WorkerStoppedException;
import dev.pgqrs.store.Database;
import dev.pgqrs.store.WorkerRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The workers this process owns: registers their rows, moves them through their lifecycle, and
 * beats all of them with one statement per heartbeat interval.
 */
public final class WorkerRegistry {

    private static final Logger LOG = LoggerFactory.getLogger(WorkerRegistry.class);
    private static final String HOST = hostName();

    private final Database database;
    private final WorkerRepository workers;
    private final ConcurrentHashMap<Long, LiveWorker> live = new ConcurrentHashMap<>();

    public WorkerRegistry(Database database, WorkerRepository workers) {
        this.database = database;
        this.workers = workers;
    }

    /**
     * Inserts a worker row and starts beating it. A row with the same explicit name that is stopped is
     * taken over (as pgqrs does): the name stays one row however often its worker restarts.
     *
     * @param role    what the worker does ("consumer", "producer", "workflow"), part of the generated name
     * @param label   the queue or workflow it serves, part of the generated name
     * @param name    an explicit unique name, or null to generate {@code role-label-host-pid-random}
     */
    public LiveWorker register(String role, String label, Long queueId, String name) {
        String workerName = name != null ? name : generateName(role, label);
        WorkerRepository.Registered row = database.execute("register worker '" + workerName + "'",
                c -> workers.register(c, workerName, queueId, name != null));
        LiveWorker worker = new LiveWorker(row.info().id(), workerName, queueId, role, label, name);
        if (row.revived()) {
            worker.touchedMessages(); // the row may be referenced by what it did before it stopped
        }
        live.put(worker.id(), worker);
        return worker;
    }

    /**
     * A fenced worker that is still wanted takes a new row (or, with an explicit name, takes its own
     * stopped row over), in the status it had: its deliveries were released when it was declared dead,
     * so it starts with none.
     */
    public LiveWorker renew(LiveWorker fenced) {
        if (fenced.closed()) {
            throw new WorkerStoppedException(fenced.role(), fenced.name());
        }
        LiveWorker next = register(fenced.role(), fenced.label(), fenced.queueId(), fenced.explicitName());
        WorkerStatus wanted = fenced.statusWhenFenced();
        if (wanted == WorkerStatus.SUSPENDED || wanted == WorkerStatus.INTERRUPTED) {
            transition(next, wanted);
        }
        LOG.warn("{} {} was declared dead by the store (its heartbeat went stale); continuing as {}",
                fenced.role(), fenced, next);
        return next;
    }

    /**
     * Marks a ready worker as polling at its first dequeue. Only from ready: a suspend or stop that raced
     * the dequeue keeps its word, and the worker learns the status its row has.
     */
    public void markPolling(LiveWorker worker) {
        synchronized (worker) {
            if (worker.status() == WorkerStatus.READY) {
                move(worker, WorkerStatus.POLLING, EnumSet.of(WorkerStatus.READY));
            }
        }
    }

    /**
     * Moves a worker to {@code target}. Moving to the status it already has is a no-op; a move
     * the lifecycle does not allow fails naming both statuses.
     */
    public void transition(LiveWorker worker, WorkerStatus target) {
        synchronized (worker) {
            if (worker.status() == target) {
                return;
            }
            WorkerStatus actual = move(worker, target, target.allowedFrom());
            if (actual != target) {
                throw new IllegalWorkerTransitionException(worker.name(), actual, target);
            }
        }
    }

    /** Moves the row from one of {@code allowed}; answers the status it has now, which the worker knows too. */
    private WorkerStatus move(LiveWorker worker, WorkerStatus target, Set<WorkerStatus> allowed) {
        Optional<WorkerStatus> moved = database.execute("move worker '" + worker.name() + "' to " + target.sqlName(),
                c -> workers.transition(c, worker.id(), target, allowed));
        if (moved.isPresent()) {
            worker.status(target);
            return target;
        }
        WorkerStatus actual = database.read("read worker '" + worker.name() + "'", c -> workers.find(c, worker.id()))
                .map(WorkerInfo::status).orElse(WorkerStatus.STOPPED);
        if (actual == WorkerStatus.STOPPED && target != WorkerStatus.STOPPED) {
            worker.fence();
        } else {
            worker.status(actual);
        }
        return actual;
    }

    /** Fails if the worker was stopped by its owner (a fenced one is renewed instead, see {@link #renew}). */
    public void requireNotStopped(LiveWorker worker) {
        if (worker.closed() || (!worker.fenced() && worker.status() == WorkerStatus.STOPPED)) {
            throw new WorkerStoppedException(worker.role(), worker.name());
        }
    }

    /**
     * Stops the worker and stops beating it. A worker that never produced or leased a message
     * leaves no row behind; one that did keeps its row, stopped, for traceability.
     */
    public void stop(LiveWorker worker) {
        worker.close();
        try {
            if (!worker.fenced()) {
                transition(worker, WorkerStatus.STOPPED);
            }
            if (!worker.hasTouchedMessages()) {
                database.execute("remove unused worker '" + worker.name() + "'", c -> workers.delete(c, worker.id()));
            }
        } finally {
            live.remove(worker.id());
        }
    }

    /**
     * One heartbeat for every live worker; workers the store reports as stopped are fenced (their owners
     * renew them before their next piece of work), and the others take the status their rows have: an
     * operator's {@code workers().suspend/resume/shutdown} from another process reaches them this way.
     */
    public void heartbeat() {
        if (live.isEmpty()) {
            return;
        }
        Map<Long, Long> movesBefore = new HashMap<>();
        live.forEach((id, w) -> movesBefore.put(id, w.moves()));
        List<Long> ids = new ArrayList<>(movesBefore.keySet());
        Map<Long, WorkerStatus> alive = database.execute("heartbeat", c -> workers.heartbeat(c, ids));
        for (Long id : ids) {
            WorkerStatus row = alive.get(id);
            if (row == null) {
                LiveWorker w = live.remove(id);
                if (w != null && !w.fenced() && w.status() != WorkerStatus.STOPPED) {
                    w.fence();
                }
            } else {
                LiveWorker w = live.get(id);
                if (w != null) {
                    w.observe(row, movesBefore.get(id));
                }
            }
        }
    }

    /** Stops beating a worker this process no longer uses (already stopped or fenced). */
    public void forget(LiveWorker worker) {
        worker.close();
        live.remove(worker.id());
    }

    public int liveCount() {
        return live.size();
    }

    /** Stops beating every worker (store shutdown); rows are left for their owners or the reaper. */
    public List<LiveWorker> drain() {
        List<LiveWorker> all = new ArrayList<>(live.values());
        live.clear();
        return all;
    }

    private static String generateName(String role, String label) {
        return role + "-" + label + "-" + HOST + "-" + ProcessHandle.current().pid() + "-"
                + UUID.randomUUID().toString().substring(0, 8);
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return ManagementFactory.getRuntimeMXBean().getName();
        }
    }
}
