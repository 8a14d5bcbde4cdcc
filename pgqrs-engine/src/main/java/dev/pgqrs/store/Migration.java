package dev.pgqrs.store;

import java.util.List;

/**
 * One versioned schema change: {@code V<version>__<name>.sql} in each backend's migrations folder.
 * Released migrations are never edited; a change to the schema is a new version.
 */
public record Migration(int version, String name) {

    /** Every migration, oldest first. Add new ones at the end, for both backends. */
    public static final List<Migration> ALL = List.of(
            new Migration(1, "base_schema"),
            new Migration(2, "dead_letters"),
            new Migration(3, "workflow_runtime"),
            new Migration(4, "step_checkpoints"));

    public static int latestVersion() {
        return ALL.get(ALL.size() - 1).version();
    }

    public String resource(Dialect dialect) {
        return dialect.migrationsFolder() + "/V" + version + "__" + name + ".sql";
    }
}
