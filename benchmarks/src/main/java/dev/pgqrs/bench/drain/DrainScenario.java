package dev.pgqrs.bench.drain;

import dev.pgqrs.bench.db.BenchDatabases;
import dev.pgqrs.bench.db.DatabaseSlot;
import dev.pgqrs.bench.db.ServerCounters;
import dev.pgqrs.bench.report.ProgressBar;
import dev.pgqrs.config.Backend;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The original's {@code queue.drain_fixed_backlog}: prefill a backlog, then N consumers fetch a
 * batch and acknowledge it until the queue is empty — for every cell of consumers × batch, every
 * contender, every repeat, each run on a fresh schema or file.
 *
 * <p>Within a repeat the contenders of a cell run back to back, in an order that rotates from
 * repeat to repeat, so none is always first (cold) or last.
 */
public final class DrainScenario {

    public static final String FLOOR = "floor";

    private final BenchDatabases databases;
    private final List<DrainContender> contenders;
    private final DrainSettings settings;
    private final int repeats;
    private final ProgressBar progress;

    public DrainScenario(BenchDatabases databases, List<DrainContender> contenders, DrainSettings settings, int repeats,
                         ProgressBar progress) {
        this.databases = databases;
        this.contenders = contenders;
        this.settings = settings;
        this.repeats = repeats;
        this.progress = progress;
    }

    public static List<DrainContender> allContenders() {
        return List.of(new FloorDrain(), new PgqrsDrain(), new MinimalFloorDrain(), new PiggybackFloorDrain(),
                new PgqrsPiggybackDrain(), new PgqrsWorkerDrain(PgqrsWorkerDrain.Acks.DEFAULT),
                new CamelSqlDrain(), new CamelSqlDrain(true), new DbSchedulerDrain());
    }

    /** The queue worker with piggybacked acknowledgements forced on and off: run only when named, to choose its default per cell. */
    public static List<DrainContender> workerAckContenders() {
        return List.of(new PgqrsWorkerDrain(PgqrsWorkerDrain.Acks.PIGGYBACKED), new PgqrsWorkerDrain(PgqrsWorkerDrain.Acks.SEPARATE));
    }

    /** pgqrs with a flow-control feature on every message: run only when named, to state what a feature costs. */
    public static List<DrainContender> featureContenders() {
        return java.util.Arrays.stream(PgqrsDrain.Feature.values()).filter(f -> f != PgqrsDrain.Feature.NONE)
                .<DrainContender>map(PgqrsDrain::new).toList();
    }

    public int plannedRuns(List<Backend> backends, List<DrainCell> cells) {
        int runs = 0;
        for (Backend b : backends) {
            int here = (int) contenders.stream().filter(c -> c.supports(b)).count();
            runs += cells.size() * repeats * here + (settings.warmupMessages() > 0 ? here : 0);
        }
        return runs;
    }

    public List<DrainMeasurement> run(List<Backend> backends, List<DrainCell> cells) throws Exception {
        List<DrainMeasurement> all = new ArrayList<>();
        for (Backend backend : backends) {
            List<DrainContender> here = contenders.stream().filter(c -> c.supports(backend)).toList();
            if (settings.warmupMessages() > 0) {
                for (DrainContender contender : here) {
                    warmUp(backend, contender);
                }
            }
            for (DrainCell cell : cells) {
                for (int repeat = 1; repeat <= repeats; repeat++) {
                    List<DrainContender> order = new ArrayList<>(here);
                    Collections.rotate(order, -(repeat - 1));
                    for (DrainContender contender : order) {
                        all.add(runOnce(backend, contender, cell, repeat));
                    }
                }
            }
        }
        return all;
    }

    /** One small unrecorded run, so measured runs find the code loaded and compiled. */
    private void warmUp(Backend backend, DrainContender contender) throws Exception {
        DrainSettings warmup = new DrainSettings(settings.warmupMessages(), settings.maxRunTime(), 0);
        runOnce(backend, contender, new DrainCell(2, 10), 0, warmup, "warm-up");
    }

    DrainMeasurement runOnce(Backend backend, DrainContender contender, DrainCell cell, int repeat) throws Exception {
        return runOnce(backend, contender, cell, repeat, settings, "#" + repeat);
    }

    private DrainMeasurement runOnce(Backend backend, DrainContender contender, DrainCell cell, int repeat,
                                     DrainSettings settings, String tag) throws Exception {
        String label = "drain " + backend.name().toLowerCase() + " " + contender.name() + " " + cell.label() + " " + tag;
        progress.startRun(label, settings.messages());
        DrainProbe probe = new DrainProbe(settings, progress);
        try (DatabaseSlot slot = databases.newSlot(backend, contender.name())) {
            ServerCounters before;
            ServerCounters after;
            long remaining;
            try (DrainContender.PreparedDrain prepared = contender.prepare(slot, cell, settings)) {
                before = slot.counters();
                prepared.drain(probe);
                remaining = prepared.remaining();
            }
            after = slot.counters();
            ServerCounters used = after.minus(before);
            boolean capped = probe.acked() < settings.messages();
            long lost = capped ? 0 : remaining;
            double seconds = probe.elapsedSeconds();
            DrainMeasurement m = new DrainMeasurement(backend.name().toLowerCase(), contender.name(), cell.consumers(),
                    cell.batch(), repeat, settings.messages(), probe.acked(), seconds, probe.acked() / seconds, capped,
                    probe.dequeueLatency().percentiles(), probe.ackLatency().percentiles(), probe.errors(),
                    probe.duplicates(), lost, used.commits(), used.walSyncs(), probe.firstError());
            if (m.errors() > 0 || m.duplicates() > 0 || m.lost() > 0) {
                progress.println("  ! " + label + ": errors=" + m.errors() + " duplicates=" + m.duplicates() + " lost="
                        + m.lost() + (m.firstError() != null ? " first error: " + m.firstError() : ""));
            }
            return m;
        }
    }

    /** Medians per backend, cell and contender, in the order they ran; ratios against the floor. */
    public static List<DrainSummary> summarise(List<DrainMeasurement> measurements) {
        Map<String, List<DrainMeasurement>> groups = measurements.stream().collect(Collectors.groupingBy(
                m -> m.backend() + "|" + m.consumers() + "|" + m.batch() + "|" + m.contender(),
                LinkedHashMap::new, Collectors.toList()));
        List<DrainSummary> out = new ArrayList<>();
        for (List<DrainMeasurement> runs : groups.values()) {
            DrainMeasurement first = runs.get(0);
            Map<Integer, DrainMeasurement> floor = measurements.stream()
                    .filter(m -> m.backend().equals(first.backend()) && m.consumers() == first.consumers()
                            && m.batch() == first.batch() && m.contender().equals(FLOOR))
                    .collect(Collectors.toMap(DrainMeasurement::repeat, Function.identity(), (a, b) -> a));
            out.add(DrainSummary.of(runs, floor));
        }
        return out;
    }
}
