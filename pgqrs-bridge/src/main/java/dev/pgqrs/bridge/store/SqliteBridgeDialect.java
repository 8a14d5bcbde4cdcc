package dev.pgqrs.bridge.store;

import java.util.List;

/** SQLite: julianday('now') in milliseconds, INTEGER PRIMARY KEY; the file's writer lock keeps installs apart. */
final class SqliteBridgeDialect implements BridgeDialect {

    @Override
    public String nowMillis() {
        return "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)";
    }

    @Override
    public String identityColumn() {
        return "INTEGER PRIMARY KEY AUTOINCREMENT";
    }

    @Override
    public List<String> installLock() {
        return List.of();
    }
}
