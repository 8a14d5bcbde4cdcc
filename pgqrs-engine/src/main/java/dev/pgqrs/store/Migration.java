package dev.pgqrs.store;

import java.sql.SQLException;
import java.util.List;

/**
 * One versioned schema change: {@code V<version>__<name>.sql} in each backend's migrations folder,
 * preceded by any {@link Adaptation} the database in hand needs. Released migrations are never
 * edited in a way that changes what an upgraded database ends with; a change is a new version.
 */
public record Migration(int version, String name, List<Adaptation> adaptations) {

    /** Every migration, oldest first. Add new ones at the end, for both backends. */
    public static final List<Migration> ALL = List.of(
            new Migration(1, "base_schema"),
            new Migration(2, "dead_letters"),
            new Migration(3, "workflow_runtime"),
            new Migration(4, "step_checkpoints"),
            new Migration(5, "shared_layout", List.of(
                    // pgqrs (Rust) 0.15.0/0.15.1 identified workers by hostname and port, with no name.
                    new Adaptation("legacy_workers", catalog -> catalog.hasColumn("pgqrs_workers", "hostname")
                            && !catalog.hasColumn("pgqrs_workers", "name")))),
            new Migration(6, "worker_edition"),
            new Migration(7, "source_offsets_and_idempotency_keys"),
            new Migration(8, "flow_control"),
            new Migration(9, "queue_settings"),
            new Migration(10, "schedules"),
            new Migration(11, "workflow_lineage_and_limits"),
            new Migration(12, "message_headers"),
            new Migration(13, "retention_and_leadership"),
            new Migration(14, "queue_limits"),
            new Migration(15, "queue_state_statistics"));

    public Migration(int version, String name) {
        this(version, name, List.of());
    }

    public static int latestVersion() {
        return ALL.get(ALL.size() - 1).version();
    }

    public String resource(Dialect dialect) {
        return dialect.migrationsFolder() + "/V" + version + "__" + name + ".sql";
    }

    /**
     * A script that only some databases need before a migration runs (a layout an older release of
     * the original left), in {@code <folder>/adaptations/<name>.sql}. SQL has no portable "if"
     * for DDL; the condition is read from the catalog instead.
     */
    public record Adaptation(String name, Condition neededWhen) {

        public String resource(Dialect dialect) {
            return dialect.migrationsFolder() + "/adaptations/" + name + ".sql";
        }
    }

    /** What the catalog must show for an adaptation to run. */
    @FunctionalInterface
    public interface Condition {
        boolean holds(SchemaCatalog catalog) throws SQLException;
    }
}
