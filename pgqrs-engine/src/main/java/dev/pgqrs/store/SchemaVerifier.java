package dev.pgqrs.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Compares the database with {@link SharedSchema} and reads the original's migration records:
 * one sentence per mismatch, each saying what is wrong and what to do.
 */
public final class SchemaVerifier {

    private static final String INSTALL = "run admin().install()";

    /**
     * @param problems         one sentence each; empty when the layout is complete
     * @param coreTablesExist  whether the queue tables exist, so row-level checks can run
     * @param originalRelease  the pgqrs release whose migration records the database carries, or null
     */
    public record Findings(List<String> problems, boolean coreTablesExist, String originalRelease) {
    }

    private final Connection c;
    private final SchemaDialect schema;
    private final SchemaCatalog catalog;
    private final SharedSchema.Layout layout;

    public SchemaVerifier(Connection c, SchemaDialect schema) {
        this.c = c;
        this.schema = schema;
        this.catalog = schema.catalog(c);
        this.layout = schema.sharedLayout();
    }

    public Findings check() throws SQLException {
        List<String> problems = new ArrayList<>();
        List<String> missingTables = new ArrayList<>();
        for (SharedSchema.Table t : SharedSchema.TABLES) {
            if (!catalog.hasTable(t.name())) {
                missingTables.add(t.name());
            }
        }
        boolean core = catalog.hasTable("pgqrs_queues") && catalog.hasTable("pgqrs_workers") && catalog.hasTable("pgqrs_messages");
        if (!missingTables.isEmpty()) {
            problems.add("missing tables: " + String.join(", ", missingTables) + "; " + INSTALL);
        }
        if (!core) {
            // Nothing installed yet: the table list says it all.
            return new Findings(problems, false, null);
        }
        checkColumns(problems);
        checkIndexes(problems);
        // Empty on a backend without enum types or foreign-key names (SQLite): nothing to find there.
        checkEnums(problems);
        checkForeignKeys(problems);
        String release = checkOriginalRecords(problems);
        return new Findings(problems, true, release);
    }

    private void checkColumns(List<String> problems) throws SQLException {
        for (SharedSchema.Table t : SharedSchema.TABLES) {
            List<String> present = catalog.columns(t.name());
            if (present.isEmpty()) {
                continue;
            }
            List<String> missing = t.columns().stream().filter(col -> !present.contains(col)).toList();
            if (!missing.isEmpty()) {
                problems.add("table " + t.name() + " lacks column(s) " + String.join(", ", missing) + "; " + INSTALL);
            }
        }
    }

    private void checkIndexes(List<String> problems) throws SQLException {
        Map<String, SchemaCatalog.IndexShape> present = catalog.indexes();
        List<String> missing = new ArrayList<>();
        for (SharedSchema.Index expected : layout.indexes()) {
            SchemaCatalog.IndexShape shape = present.get(expected.name());
            if (shape == null) {
                if (catalog.hasTable(expected.table())) {
                    missing.add(expected.name());
                }
            } else if (!shape.table().equals(expected.table()) || !shape.columns().equals(expected.columns())) {
                problems.add("index " + expected.name() + " is on " + shape.table() + " " + shape.columns() + ", expected "
                        + expected.table() + " " + expected.columns() + "; drop it and " + INSTALL);
            }
        }
        if (!missing.isEmpty()) {
            problems.add("missing indexes: " + String.join(", ", missing) + "; " + INSTALL);
        }
        List<String> duplicates = new ArrayList<>();
        layout.supersededIndexes().forEach((old, replacement) -> {
            if (present.containsKey(old)) {
                duplicates.add(old + " (duplicates " + replacement + ")");
            }
        });
        if (!duplicates.isEmpty()) {
            duplicates.sort(null);
            problems.add("duplicate indexes of older Java installs: " + String.join(", ", duplicates) + "; " + INSTALL
                    + " drops them");
        }
    }

    private void checkEnums(List<String> problems) throws SQLException {
        for (Map.Entry<String, List<String>> e : layout.enums().entrySet()) {
            List<String> present = catalog.enumValues(e.getKey());
            if (present.isEmpty()) {
                problems.add("missing enum type " + e.getKey() + "; " + INSTALL);
                continue;
            }
            List<String> missing = e.getValue().stream().filter(v -> !present.contains(v)).toList();
            if (!missing.isEmpty()) {
                problems.add("enum " + e.getKey() + " lacks value(s) " + String.join(", ", missing)
                        + " (runs in those states cannot be stored); " + INSTALL);
            }
        }
    }

    private void checkForeignKeys(List<String> problems) throws SQLException {
        if (layout.foreignKeys().isEmpty()) {
            return;
        }
        var present = catalog.foreignKeys();
        List<String> missing = layout.foreignKeys().stream().filter(fk -> !present.contains(fk)).toList();
        if (!missing.isEmpty()) {
            problems.add("missing foreign keys: " + String.join(", ", missing)
                    + " (rows may point at nothing; older Java installs named them otherwise, which " + INSTALL + " renames)");
        }
    }

    /** Problems with the records pgqrs (Rust/Python) reads before it touches the database. */
    private String checkOriginalRecords(List<String> problems) throws SQLException {
        OriginalMigrations.Records records = OriginalMigrations.read(c, schema);
        switch (records.state()) {
            case COMPLETE -> {
                return records.release();
            }
            case NONE -> problems.add("no migration records of pgqrs (Rust/Python) in _sqlx_migrations ("
                    + records.detail() + "): its bootstrap would fail on this database ('relation already exists'); " + INSTALL);
            case PARTIAL -> problems.add("the migration records of pgqrs (Rust/Python) in _sqlx_migrations are incomplete ("
                    + records.detail() + "): its bootstrap would fail here"
                    + (schema.originalReleases().served().label().equals(records.release())
                            ? "; " + INSTALL + " completes them" : "; let that release's bootstrap finish them"));
            case DIRTY -> problems.add("pgqrs (Rust/Python) left a failed migration in _sqlx_migrations (" + records.detail()
                    + "): its bootstrap refuses this database until the row is resolved; pgqrs for Java never changes it");
            case UNKNOWN -> problems.add("_sqlx_migrations holds " + records.detail()
                    + ": pgqrs (Rust/Python) may refuse this database (VersionMismatch/VersionMissing)");
            default -> throw new IllegalStateException(records.state().name());
        }
        return null;
    }
}
