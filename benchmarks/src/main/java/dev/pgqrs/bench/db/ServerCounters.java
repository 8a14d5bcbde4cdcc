package dev.pgqrs.bench.db;

/**
 * What the database server itself counted: committed transactions and WAL flushes to disk. Taken
 * before and after a run, the difference is the run's cost as the server saw it, whatever library
 * issued the statements. On SQLite there is no server: both are unknown (-1).
 */
public record ServerCounters(long commits, long walSyncs) {

    public static final ServerCounters UNKNOWN = new ServerCounters(-1, -1);

    public boolean known() {
        return commits >= 0;
    }

    public ServerCounters minus(ServerCounters before) {
        if (!known() || !before.known()) {
            return UNKNOWN;
        }
        return new ServerCounters(commits - before.commits, walSyncs - before.walSyncs);
    }
}
