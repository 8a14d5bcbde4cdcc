package dev.pgqrs.bench;

import dev.pgqrs.config.Backend;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;

/** Options every scenario takes. */
public final class CommonOptions {

    @Option(names = "--backend", split = ",", defaultValue = "postgres,sqlite",
            description = "postgres, sqlite or both (comma-separated). Default: ${DEFAULT-VALUE}")
    List<String> backends;

    @Option(names = "--dsn", description = "PostgreSQL to use instead of starting an embedded server, "
            + "e.g. postgres://user:pass@localhost:5432/bench (the user must be able to create schemas)")
    String dsn;

    @Option(names = "--out", defaultValue = "benchmark-results",
            description = "Directory for the JSON, Markdown and SVG results. Default: ${DEFAULT-VALUE}")
    Path out;

    @Option(names = "--repeats", defaultValue = "3", description = "Runs per cell; tables show the median. Default: ${DEFAULT-VALUE}")
    int repeats;

    @Option(names = "--no-progress", description = "Do not draw the progress bar.")
    boolean noProgress;

    List<Backend> backendList() {
        return backends.stream().map(b -> switch (b.trim().toLowerCase()) {
            case "postgres", "postgresql", "pg" -> Backend.POSTGRES;
            case "sqlite" -> Backend.SQLITE;
            case "all", "both" -> null;
            default -> throw new IllegalArgumentException("unknown backend '" + b + "': use postgres, sqlite or both");
        }).flatMap(b -> b == null ? java.util.stream.Stream.of(Backend.POSTGRES, Backend.SQLITE) : java.util.stream.Stream.of(b))
                .distinct().toList();
    }
}
