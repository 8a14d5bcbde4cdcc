package dev.pgqrs.bench.scale;

import dev.pgqrs.bench.db.BenchDatabases;
import dev.pgqrs.bench.db.DatabaseSlot;
import dev.pgqrs.bench.report.ProgressBar;
import dev.pgqrs.config.Backend;

import java.util.ArrayList;
import java.util.List;

/**
 * The queue at scale: the same drain and {@code metrics()} calls on a fresh queue and on queues with a large archived
 * history, a large backlog or both — every cell on a fresh schema or file, the fresh queue first in every repeat so
 * each cell has its baseline from the same repeat.
 */
public final class ScaleScenario {

    private final BenchDatabases databases;
    private final ScaleSettings settings;
    private final int repeats;
    private final ProgressBar progress;

    public ScaleScenario(BenchDatabases databases, ScaleSettings settings, int repeats, ProgressBar progress) {
        this.databases = databases;
        this.settings = settings;
        this.repeats = repeats;
        this.progress = progress;
    }

    public int plannedRuns(List<Backend> backends, List<ScaleCell> cells) {
        return backends.size() * cells.size() * repeats;
    }

    public List<ScaleMeasurement> run(List<Backend> backends, List<ScaleCell> cells) throws Exception {
        List<ScaleMeasurement> all = new ArrayList<>();
        for (Backend backend : backends) {
            for (int repeat = 1; repeat <= repeats; repeat++) {
                for (ScaleCell cell : cells) {
                    String label = "scale " + backend.name().toLowerCase() + " " + cell.label() + " #" + repeat;
                    progress.startRun(label, 1);
                    try (DatabaseSlot slot = databases.newSlot(backend, "scale")) {
                        ScaleMeasurement m = new ScaleRun(slot, cell, settings).run(repeat);
                        progress.advance(1);
                        if (m.errors() > 0) {
                            progress.println("  ! " + label + ": errors=" + m.errors() + " first error: " + m.firstError());
                        }
                        all.add(m);
                    }
                }
            }
        }
        return all;
    }
}
