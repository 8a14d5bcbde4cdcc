package dev.pgqrs.interop;

import dev.pgqrs.testing.BackendKind;

import java.util.List;

/**
 * The releases of pgqrs (Rust) whose databases the Java edition must share (pgqrs-interop.md §1):
 * which migration files each embeds, per backend, and the checksums sqlx records for them. 0.15.2
 * has the schema and checksums of 0.15.3, so it is not listed apart.
 *
 * <p>The checksums are written here again, not taken from the engine, so a slip in the engine's
 * copy shows up as a VersionMismatch in the tests.
 */
enum OriginalRelease {
    V0_15_0("0.15.0", false, false),
    V0_15_1("0.15.1", false, false),
    V0_15_3("0.15.3", true, false),
    HEAD("HEAD", true, true);

    /** A migration file: sqlx version and description, our fixture's resource, the original's SHA-384. */
    record File(long version, String description, String resource, String sha384) {
    }

    private static final String PG_1 = "d2c9fdceef8a50d25d477ad3591c44d22523e3796c5d89f2185cdbbad5b744b50f4d33835e8282787566b2e72a92ed30";
    private static final String PG_2 = "0e249be0fa88e93f2389598a7846b14d2222e920125411f9c5b2a45ee7e4e502d0f66cec66ebf072519e63b9633c3839";
    private static final String PG_3_OLD = "7ebe13cef87f5344d6982f6b472aa78df286e95806fb3363f7f279236b50580da08dfbb9655665b664526678715dcd54";
    private static final String PG_3 = "4a8661ec5994583653419ede0358f6ebdd1afc7007badc2df474cb61453a0c06c95c787770cf74902ae350991cc5eb59";
    private static final String PG_4 = "a6fb1fcb94e74fffd5d4a4a8167e6a79c494a169659fa29fb3d5a4ccdef5905b7387372875471eb7d9b6c23b19687fed";
    private static final String PG_6_0150 = "2c2bc5a7e78e483c393e818a205eb04589a32df61765110621e9611b71774b7bbc99c2b5dfb4dd5affc0bbfd2006b19a";
    private static final String PG_6 = "6df4919f0208ce174be4aef9e8752615426a1346b1f641a4de5389254b68d92da14a27c58e61aa81207d7263c61b9723";
    private static final String PG_6_HEAD = "da7689e4422499597ca8397871fe99892fe7b8b6747ae4a264cdb347afe49f71f5d6750db4f5b02b000888a1669adaf6";
    private static final String SQLITE_1 = "19d17ed610253df43bced388b7b223b20f45a494bf73488f6c7713e72eddafef568d89aa619c615cd0949f9750e67e2f";
    private static final String SQLITE_2_OLD = "3f6f2d826c6b6cd85b50cfd35e0028267c31c1b4466ba7d0a1808ea074127dbdf67d5ab39f24c79b091b4b33b709b16d";
    private static final String SQLITE_2 = "02e116c0786679575c984bf42cd404442a93f9a5dd9be9b1b269bf6b990c40a4d075872223d3bbac2ce26af988ea4cee";
    private static final String SQLITE_3 = "1200c75c0a8f57f50914a6efd7ada7716bc3035cf3c9030b634944d42d5ec1f0b45b4b42b3b826e55395f4ff70a0a58b";
    private static final String SQLITE_5 = "49f7b205e24569ed301d1cc7f8f745428838bc8555eefe554d8c456df703005c633316d067ff3b5fb7e70280d641c414";

    private final String label;
    private final boolean namedWorkers;
    private final boolean cancellation;

    OriginalRelease(String label, boolean namedWorkers, boolean cancellation) {
        this.label = label;
        this.namedWorkers = namedWorkers;
        this.cancellation = cancellation;
    }

    String label() {
        return label;
    }

    /** 0.15.2 onwards: workers have a unique name; before, (hostname, port). */
    boolean namedWorkers() {
        return namedWorkers;
    }

    /** HEAD: CANCELLING and CANCELLED, and the cancel operation. */
    boolean cancellation() {
        return cancellation;
    }

    List<File> files(BackendKind kind) {
        return kind == BackendKind.POSTGRES ? postgresFiles() : sqliteFiles();
    }

    private List<File> postgresFiles() {
        String dir = "interop/postgres/";
        File f1 = new File(1, "create worker status enum", dir + "0001_create_worker_status_enum.sql", PG_1);
        File f2 = new File(2, "create queue table", dir + "0002_create_queue_table.sql", PG_2);
        File f3 = namedWorkers
                ? new File(3, "create worker table", dir + "0003_create_worker_table.sql", PG_3)
                : new File(3, "create worker table", dir + "0003_create_worker_table-0.15.0.sql", PG_3_OLD);
        File f4 = new File(4, "create messages table", dir + "0004_create_messages_table.sql", PG_4);
        File f6 = switch (this) {
            case V0_15_0 -> new File(6, "create workflow tables", dir + "0006_create_workflow_tables-0.15.0.sql", PG_6_0150);
            case V0_15_1, V0_15_3 -> new File(6, "create workflow tables", dir + "0006_create_workflow_tables.sql", PG_6);
            case HEAD -> new File(6, "create workflow tables", dir + "0006_create_workflow_tables-head.sql", PG_6_HEAD);
        };
        return List.of(f1, f2, f3, f4, f6);
    }

    private List<File> sqliteFiles() {
        String dir = "interop/sqlite/";
        File f2 = namedWorkers
                ? new File(2, "create workers", dir + "02_create_workers.sql", SQLITE_2)
                : new File(2, "create workers", dir + "02_create_workers-0.15.0.sql", SQLITE_2_OLD);
        return List.of(
                new File(1, "create queues", dir + "01_create_queues.sql", SQLITE_1),
                f2,
                new File(3, "create messages", dir + "03_create_messages.sql", SQLITE_3),
                new File(5, "create workflows", dir + "05_create_workflows.sql", SQLITE_5));
    }

    /** The label {@code verify()} gives for this release's records. */
    String recordsLabel(BackendKind kind) {
        if (kind == BackendKind.SQLITE) {
            return namedWorkers ? "0.15.2 to unreleased HEAD (3965b6a)" : "0.15.0 to 0.15.1";
        }
        return switch (this) {
            case V0_15_0 -> "0.15.0";
            case V0_15_1 -> "0.15.1";
            case V0_15_3 -> "0.15.2 to 0.15.3";
            case HEAD -> "unreleased HEAD (3965b6a)";
        };
    }

    @Override
    public String toString() {
        return label;
    }
}
