package dev.pgqrs.bench;

import dev.pgqrs.bench.db.BenchDatabases;
import dev.pgqrs.bench.db.SqliteSlot;
import dev.pgqrs.bench.report.MachineInfo;
import dev.pgqrs.bench.report.ProgressBar;
import dev.pgqrs.bench.report.ResultsWriter;
import dev.pgqrs.config.Backend;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** What one invocation of the benchmark holds: its databases, progress bar and results directory. */
final class BenchmarkSession implements AutoCloseable {

    private final CommonOptions options;
    private final Path sqliteDirectory;
    private final BenchDatabases databases;
    private final ProgressBar progress;
    private final ResultsWriter writer;
    private final String command;

    BenchmarkSession(CommonOptions options, String command) {
        this.options = options;
        this.command = command;
        try {
            this.sqliteDirectory = Files.createTempDirectory("pgqrs-bench-sqlite");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.databases = new BenchDatabases(options.dsn, sqliteDirectory);
        this.progress = new ProgressBar(System.err, !options.noProgress);
        this.writer = new ResultsWriter(options.out, System.out);
    }

    List<Backend> backends() {
        return options.backendList();
    }

    int repeats() {
        return options.repeats;
    }

    BenchDatabases databases() {
        return databases;
    }

    ProgressBar progress() {
        return progress;
    }

    ResultsWriter writer() {
        return writer;
    }

    String command() {
        return command;
    }

    /** Describes the machine; starts PostgreSQL first if the run uses it, to report its version. */
    MachineInfo machine() {
        boolean postgres = backends().contains(Backend.POSTGRES);
        return MachineInfo.describe(
                postgres ? databases.postgres().serverVersion() : "not used",
                postgres ? databases.postgres().durabilitySettings() : "",
                SqliteSlot.sqliteVersion());
    }

    @Override
    public void close() {
        progress.close();
        databases.close();
        try (Stream<Path> files = Files.walk(sqliteDirectory)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory
        }
    }
}
