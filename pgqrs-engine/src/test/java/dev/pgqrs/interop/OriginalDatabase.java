package dev.pgqrs.interop;

import dev.pgqrs.Store;
import dev.pgqrs.testing.BackendKind;
import dev.pgqrs.testing.TestBackend;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.function.UnaryOperator;

/**
 * A test database that pgqrs (Rust) of one release created (its bootstrap run by
 * {@link OriginalMigrator}), with the original's operations ({@link #edition()}) and the Java
 * engine's ({@link #javaStore()}) side by side.
 */
final class OriginalDatabase {

    private final TestBackend backend;
    private final OriginalRelease release;
    private OriginalEdition edition;

    private OriginalDatabase(TestBackend backend, OriginalRelease release) {
        this.backend = backend;
        this.release = release;
    }

    /** The database the release's bootstrap builds on an empty schema or file. */
    static OriginalDatabase build(TestBackend backend, OriginalRelease release) {
        OriginalDatabase db = new OriginalDatabase(backend, release);
        try (Connection c = db.connect()) {
            OriginalMigrator.run(c, backend.kind(), release);
        } catch (SQLException | OriginalMigrator.MigrateException e) {
            throw new IllegalStateException("building the " + release + " fixture failed: " + e.getMessage(), e);
        }
        return db;
    }

    /** A database the original will bootstrap itself later (for the reverse direction). */
    static OriginalDatabase empty(TestBackend backend, OriginalRelease release) {
        return new OriginalDatabase(backend, release);
    }

    TestBackend backend() {
        return backend;
    }

    BackendKind kind() {
        return backend.kind();
    }

    boolean postgres() {
        return backend.kind() == BackendKind.POSTGRES;
    }

    OriginalRelease release() {
        return release;
    }

    /** A connection set up as the original's pool sets its own (SQLite: foreign keys on, 5 s busy timeout). */
    Connection connect() throws SQLException {
        Connection c = backend.jdbc();
        if (!postgres()) {
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA foreign_keys = ON");
                s.execute("PRAGMA busy_timeout = 5000");
            }
        }
        return c;
    }

    OriginalEdition edition() {
        if (edition == null) {
            edition = new OriginalEdition(this);
        }
        return edition;
    }

    /** The Java engine on this database, installed (so upgraded) by {@code admin().install()}. */
    Store javaStore() {
        return javaStore(b -> b);
    }

    Store javaStore(UnaryOperator<dev.pgqrs.config.PgqrsConfig.Builder> customize) {
        // Maintenance off: tests run the reaper themselves, at the moment they mean to.
        return backend.open(b -> customize.apply(b.maintenance(false)));
    }

    @Override
    public String toString() {
        return backend.kind().label() + ", pgqrs " + release;
    }
}
