package dev.pgqrs.bench.db;

import dev.pgqrs.config.Backend;

import java.util.concurrent.locks.ReentrantLock;

/**
 * The turns the hand-written floors take around each write: SQLite admits one writer at a time, so their
 * connections take turns through one Java lock, as the engine's writers do (contending connections would otherwise
 * sleep in SQLite's busy handler, which would measure that handler rather than the SQL). PostgreSQL needs none.
 */
public final class WriterTurns {

    private final ReentrantLock lock;

    private WriterTurns(ReentrantLock lock) {
        this.lock = lock;
    }

    public static WriterTurns forBackend(Backend backend) {
        return new WriterTurns(backend == Backend.SQLITE ? new ReentrantLock() : null);
    }

    public void take() {
        if (lock != null) {
            lock.lock();
        }
    }

    public void giveBack() {
        if (lock != null) {
            lock.unlock();
        }
    }
}
