package dev.pgqrs.bridge.store;

import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Creates the bridge's tables when they are absent (additive: a table of an older bridge is kept as it is, and
 * a later version adds what it needs the same way). Safe when several instances start at once.
 */
public final class BridgeSchema {

    private BridgeSchema() {
    }

    static List<String> tables(BridgeDialect dialect) {
        return List.of(
                // one row per connector: what every instance converges to
                """
                CREATE TABLE IF NOT EXISTS pgqrs_bridge_connectors (
                    name               TEXT PRIMARY KEY,
                    config             TEXT NOT NULL,
                    target_state       TEXT NOT NULL,
                    version            BIGINT NOT NULL,
                    restart_epoch      BIGINT NOT NULL DEFAULT 0,
                    restart_only_failed INTEGER NOT NULL DEFAULT 0,
                    origin             TEXT,
                    origin_hash        TEXT,
                    created_at         BIGINT NOT NULL,
                    updated_at         BIGINT NOT NULL
                )""",
                // what each instance runs of each connector: one row per route (task) and instance
                """
                CREATE TABLE IF NOT EXISTS pgqrs_bridge_tasks (
                    connector   TEXT NOT NULL,
                    task        TEXT NOT NULL,
                    worker_id   TEXT NOT NULL,
                    state       TEXT NOT NULL,
                    trace       TEXT,
                    updated_at  BIGINT NOT NULL,
                    PRIMARY KEY (connector, task, worker_id)
                )""",
                // the instances, by heartbeat: tasks of an instance that stopped beating are no longer shown
                """
                CREATE TABLE IF NOT EXISTS pgqrs_bridge_workers (
                    worker_id     TEXT PRIMARY KEY,
                    url           TEXT,
                    started_at    BIGINT NOT NULL,
                    heartbeat_at  BIGINT NOT NULL
                )""",
                // leases of sources that must run on one instance at a time
                """
                CREATE TABLE IF NOT EXISTS pgqrs_bridge_leases (
                    name        TEXT PRIMARY KEY,
                    holder      TEXT NOT NULL,
                    expires_at  BIGINT NOT NULL
                )""",
                // the index of the records written to connectors' dead-letter queues, with their whole context
                """
                CREATE TABLE IF NOT EXISTS pgqrs_bridge_dead_letters (
                    id                   %s,
                    connector            TEXT NOT NULL,
                    dlq                  TEXT NOT NULL,
                    dlq_message_id       BIGINT,
                    source_queue         TEXT,
                    source_message_id    BIGINT,
                    payload              TEXT NOT NULL,
                    context              TEXT NOT NULL,
                    failed_at            BIGINT NOT NULL,
                    replayed_at          BIGINT,
                    replayed_to          TEXT,
                    replayed_message_id  BIGINT
                )""".formatted(dialect.identityColumn()),
                "CREATE INDEX IF NOT EXISTS pgqrs_bridge_dead_letters_connector ON pgqrs_bridge_dead_letters (connector, id)");
    }

    /** Creates every table that is absent. */
    public static void install(BridgeDatabase db) {
        List<String> statements = new ArrayList<>(db.dialect().installLock());
        statements.addAll(tables(db.dialect()));
        db.write(c -> {
            try (Statement s = c.createStatement()) {
                for (String sql : statements) {
                    s.execute(sql);
                }
            }
            return null;
        });
    }
}
