package dev.pgqrs.bench.db;

import dev.pgqrs.config.Backend;

import java.nio.file.Path;

/**
 * The databases of one benchmark invocation: the PostgreSQL server (started on first use, once)
 * and the directory holding SQLite files. Hands out a fresh slot per run.
 */
public final class BenchDatabases implements AutoCloseable {

    private final String postgresDsn;
    private final Path sqliteDirectory;
    private PostgresHost postgres;

    public BenchDatabases(String postgresDsn, Path sqliteDirectory) {
        this.postgresDsn = postgresDsn;
        this.sqliteDirectory = sqliteDirectory;
    }

    public synchronized PostgresHost postgres() {
        if (postgres == null) {
            postgres = postgresDsn != null ? PostgresHost.external(postgresDsn) : PostgresHost.startEmbedded();
        }
        return postgres;
    }

    public DatabaseSlot newSlot(Backend backend, String label) {
        return backend == Backend.POSTGRES ? postgres().newSlot(label) : SqliteSlot.create(sqliteDirectory, label);
    }

    public Path sqliteDirectory() {
        return sqliteDirectory;
    }

    @Override
    public synchronized void close() {
        if (postgres != null) {
            postgres.close();
        }
    }
}
