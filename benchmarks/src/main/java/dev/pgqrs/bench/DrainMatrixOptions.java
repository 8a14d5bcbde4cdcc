package dev.pgqrs.bench;

import dev.pgqrs.bench.drain.DrainCell;
import dev.pgqrs.bench.drain.DrainSettings;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The drain matrix and run settings, shared by the drain and camel scenarios. */
public final class DrainMatrixOptions {

    @Option(names = "--messages", defaultValue = "50000", description = "Backlog size. Default: ${DEFAULT-VALUE}")
    int messages;

    @Option(names = "--consumers", split = ",", defaultValue = "1,2,4", description = "Default: ${DEFAULT-VALUE}")
    List<Integer> consumers;

    @Option(names = "--batch", split = ",", defaultValue = "1,10,50", description = "Default: ${DEFAULT-VALUE}")
    List<Integer> batches;

    @Option(names = "--max-run-seconds", defaultValue = "15",
            description = "Time cap of one drain run; a capped run reports msg/s over what it drained. Default: ${DEFAULT-VALUE}")
    int maxRunSeconds;

    @Option(names = "--warmup-messages", defaultValue = "5000",
            description = "Backlog of one unrecorded warm-up run per contender and backend (0: none). Default: ${DEFAULT-VALUE}")
    int warmupMessages;

    DrainSettings settings() {
        return new DrainSettings(messages, Duration.ofSeconds(maxRunSeconds), warmupMessages);
    }

    List<DrainCell> cells() {
        List<DrainCell> cells = new ArrayList<>();
        for (int c : consumers) {
            for (int b : batches) {
                cells.add(new DrainCell(c, b));
            }
        }
        return cells;
    }
}
