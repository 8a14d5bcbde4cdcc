package dev.pgqrs.bench.steady;

import dev.pgqrs.bench.db.BenchDatabases;
import dev.pgqrs.bench.db.DatabaseSlot;
import dev.pgqrs.bench.report.ProgressBar;
import dev.pgqrs.config.Backend;

import java.util.ArrayList;
import java.util.List;

/**
 * The original's steady-state and capacity-knee scenarios: producers and consumers run at once for a fixed time, for
 * every cell of consumers × enqueue batch × dequeue batch, every repeat, each run on a fresh schema or file.
 */
public final class SteadyScenario {

    private final BenchDatabases databases;
    private final SteadySettings settings;
    private final int repeats;
    private final ProgressBar progress;

    public SteadyScenario(BenchDatabases databases, SteadySettings settings, int repeats, ProgressBar progress) {
        this.databases = databases;
        this.settings = settings;
        this.repeats = repeats;
        this.progress = progress;
    }

    public int plannedRuns(List<Backend> backends, List<SteadyCell> cells) {
        return backends.size() * (cells.size() * repeats + (settings.warmUp().isZero() ? 0 : 1));
    }

    public List<SteadyMeasurement> run(List<Backend> backends, List<SteadyCell> cells) throws Exception {
        List<SteadyMeasurement> all = new ArrayList<>();
        for (Backend backend : backends) {
            if (!settings.warmUp().isZero()) {
                runOnce(backend, cells.get(0), 0, "warm-up");
            }
            for (SteadyCell cell : cells) {
                for (int repeat = 1; repeat <= repeats; repeat++) {
                    all.add(runOnce(backend, cell, repeat, "#" + repeat));
                }
            }
        }
        return all;
    }

    private SteadyMeasurement runOnce(Backend backend, SteadyCell cell, int repeat, String tag) throws Exception {
        String label = "steady " + backend.name().toLowerCase() + " " + cell.label() + " " + tag;
        progress.startRun(label, 1);
        try (DatabaseSlot slot = databases.newSlot(backend, "steady")) {
            SteadyMeasurement m = new SteadyRun(slot, cell, settings)
                    .run(repeat == 0 ? settings.warmUp() : settings.duration(), repeat);
            progress.advance(1);
            if (m.errors() > 0 || m.duplicates() > 0) {
                progress.println("  ! " + label + ": errors=" + m.errors() + " duplicates=" + m.duplicates()
                        + (m.firstError() != null ? " first error: " + m.firstError() : ""));
            }
            return m;
        }
    }
}
