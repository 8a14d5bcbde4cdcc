package dev.pgqrs;

import dev.pgqrs.maintenance.ArchiveCleaner;
import dev.pgqrs.maintenance.RetentionBatches;
import dev.pgqrs.maintenance.RunCleaner;
import dev.pgqrs.maintenance.WorkerReaper;
import dev.pgqrs.store.MessageRepository;
import dev.pgqrs.store.Migration;
import dev.pgqrs.store.SchemaMigrator;
import dev.pgqrs.store.SchemaVerifier;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Schema installation and checks, store-wide statistics, on-demand maintenance. */
public final class Admin {

    private final Store store;

    Admin(Store store) {
        this.store = store;
    }

    /**
     * Creates the schema, or upgrades an older one, to the latest version. Idempotent and safe to
     * call from several processes at once. Returns the versions it applied.
     */
    public List<Integer> install() {
        return installTo(Migration.latestVersion());
    }

    /** Installs up to a given version only: for testing upgrades, not for applications. */
    public List<Integer> installTo(int version) {
        return new SchemaMigrator(store.database()).migrateTo(version).stream().map(Migration::version).toList();
    }

    /** The installed schema version (0 when this edition never installed it). */
    public int schemaVersion() {
        return new SchemaMigrator(store.database()).currentVersion();
    }

    /**
     * Checks that the schema is complete and current: every table, column, index and enum value this
     * library and pgqrs (Rust/Python) rely on, the original's migration records (which release of it
     * they match: {@link VerifyReport#originalRelease()}), and that no message points to a missing
     * queue or worker. Reports what {@link #install()} could not fix, or what it has not been run for.
     */
    public VerifyReport verify() {
        int version = schemaVersion();
        int expected = Migration.latestVersion();
        List<String> problems = new ArrayList<>();
        String originalRelease = store.database().read("verify schema", c -> {
            if (version > 0 && version < expected) {
                // An older install lacks what later migrations add; the version says it all.
                problems.add("schema is at version " + version + " but this library needs " + expected + "; run admin().install()");
                return null;
            }
            if (version > expected) {
                problems.add("schema is at version " + version + ", newer than this library knows (" + expected
                        + "); upgrade pgqrs");
            }
            SchemaVerifier.Findings findings = new SchemaVerifier(c, store.database().dialect().schema()).check();
            problems.addAll(findings.problems());
            if (findings.coreTablesExist()) {
                checkOrphans(c, problems);
            }
            return findings.originalRelease();
        });
        return new VerifyReport(version, expected, List.copyOf(problems), originalRelease);
    }

    private void checkOrphans(Connection c, List<String> problems) throws SQLException {
        MessageRepository.Orphans orphans = store.messageRows().orphans(c);
        if (orphans.withoutQueue() > 0) {
            problems.add(orphans.withoutQueue() + " message(s) reference a queue that does not exist");
        }
        if (orphans.withoutProducer() > 0) {
            problems.add(orphans.withoutProducer() + " message(s) reference a producer worker that does not exist");
        }
        if (orphans.withoutConsumer() > 0) {
            problems.add(orphans.withoutConsumer() + " message(s) reference a consumer worker that does not exist");
        }
    }

    /** Runs one reaper pass now (it also runs in the background when maintenance is on). */
    public ReapResult reapStaleWorkers() {
        return new WorkerReaper(store.database(), store.config().staleWorkerTimeout()).reapOnce();
    }

    /**
     * Reclaims the messages of one queue's dead workers: every worker of {@code queue} that is not stopped
     * and has not beaten for {@code olderThan} (by the database's clock) is stopped, and the messages it held
     * become visible again (delivery count kept). One transaction. For workers whose liveness this process
     * cannot judge on its own (other editions' workers, whose heartbeats follow other rules), this is the
     * operator's explicit call, as pgqrs's own {@code reclaim_messages}.
     */
    public ReapResult reclaim(String queue, java.time.Duration olderThan) {
        QueueInfo q = store.queues().get(queue);
        long millis = olderThan.toMillis();
        return store.database().transaction("reclaim messages of queue '" + queue + "'",
                c -> store.workerRows().reap(c, millis, q.id()));
    }

    /**
     * Deletes archived messages older than {@code retention} now, in every queue whatever its own retention (the
     * maintenance leader applies each queue's retention every {@code retention_interval}). Dead letters and
     * messages of workflow runs are kept. Returns how many were deleted.
     */
    public int deleteArchivedOlderThan(java.time.Duration retention) {
        return (int) Math.min(Integer.MAX_VALUE, archiveCleaner(store.config().archiveRetentionDefaults())
                .cleanAll(Retention.deleteOlderThan(retention)));
    }

    /**
     * Applies retention now, as the maintenance leader does every {@code retention_interval}: each queue's archived
     * messages and each workflow's finished runs under their override or the store's defaults. Returns what went.
     */
    public RetentionResult applyRetention() {
        long messages = archiveCleaner(store.config().archiveRetentionDefaults()).cleanOnce();
        long runs = new RunCleaner(store.database(), store.config().runRetentionDefaults(), batches()).cleanOnce();
        return new RetentionResult(messages, runs);
    }

    private ArchiveCleaner archiveCleaner(Retention defaults) {
        return new ArchiveCleaner(store.database(), defaults, store.config().maxReadCount(), batches());
    }

    /** An operator's explicit pass: batches as the leader's, whichever process runs it. */
    private RetentionBatches batches() {
        return new RetentionBatches(store.config().retentionBatchSize(), store.config().retentionBatchPause(),
                store.config().retentionShare(), () -> !store.isClosed());
    }

    public SystemStats systemStats() {
        long staleMillis = store.config().staleWorkerTimeout().toMillis();
        return store.database().read("system stats", c -> {
            long queues = store.queueRows().count(c);
            Map<WorkerStatus, Long> byStatus = store.workerRows().countByStatus(c);
            long all = byStatus.values().stream().mapToLong(Long::longValue).sum();
            long active = all - byStatus.get(WorkerStatus.STOPPED);
            long stale = store.workerRows().countStale(c, staleMillis);
            return new SystemStats(queues, all, active, byStatus, stale);
        });
    }
}
