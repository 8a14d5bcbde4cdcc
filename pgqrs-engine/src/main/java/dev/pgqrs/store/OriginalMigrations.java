package dev.pgqrs.store;

import dev.pgqrs.config.Backend;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.zip.CRC32;

/**
 * The migration records pgqrs (Rust/Python) keeps in {@code _sqlx_migrations}, as sqlx 0.8 writes
 * and checks them: one row per applied migration file, with the SHA-384 of the file's bytes.
 *
 * <p>Its migrator skips a file only when its version is recorded with exactly that checksum; a
 * different checksum stops it ("previously applied but has been modified"), an unknown version too.
 * The original edited files in place between releases, so each release family has its own set, and
 * one database can serve one set only. A Java install records {@link #served} (the 0.15.3 set), so
 * pgqrs 0.15.2/0.15.3 finds its migrations applied on a database Java created. It never changes a
 * row the original wrote; it only completes a set it can tell is the served one.
 */
public final class OriginalMigrations {

    /** One migration file of the original: version, sqlx description, SHA-384 of its bytes. */
    public record File(long version, String description, String sha384) {

        byte[] checksum() {
            return HexFormat.of().parseHex(sha384);
        }
    }

    /** The files one or more releases of the original embed (they share every checksum). */
    public record Release(String label, List<File> files) {

        File file(long version) {
            return files.stream().filter(f -> f.version() == version).findFirst().orElse(null);
        }
    }

    private static final File PG_1 = new File(1, "create worker status enum",
            "d2c9fdceef8a50d25d477ad3591c44d22523e3796c5d89f2185cdbbad5b744b50f4d33835e8282787566b2e72a92ed30");
    private static final File PG_2 = new File(2, "create queue table",
            "0e249be0fa88e93f2389598a7846b14d2222e920125411f9c5b2a45ee7e4e502d0f66cec66ebf072519e63b9633c3839");
    private static final File PG_3_HOSTNAME = new File(3, "create worker table",
            "7ebe13cef87f5344d6982f6b472aa78df286e95806fb3363f7f279236b50580da08dfbb9655665b664526678715dcd54");
    private static final File PG_3_NAME = new File(3, "create worker table",
            "4a8661ec5994583653419ede0358f6ebdd1afc7007badc2df474cb61453a0c06c95c787770cf74902ae350991cc5eb59");
    private static final File PG_4 = new File(4, "create messages table",
            "a6fb1fcb94e74fffd5d4a4a8167e6a79c494a169659fa29fb3d5a4ccdef5905b7387372875471eb7d9b6c23b19687fed");
    private static final File PG_6_0150 = new File(6, "create workflow tables",
            "2c2bc5a7e78e483c393e818a205eb04589a32df61765110621e9611b71774b7bbc99c2b5dfb4dd5affc0bbfd2006b19a");
    private static final File PG_6_0151 = new File(6, "create workflow tables",
            "6df4919f0208ce174be4aef9e8752615426a1346b1f641a4de5389254b68d92da14a27c58e61aa81207d7263c61b9723");
    private static final File PG_6_HEAD = new File(6, "create workflow tables",
            "da7689e4422499597ca8397871fe99892fe7b8b6747ae4a264cdb347afe49f71f5d6750db4f5b02b000888a1669adaf6");

    private static final File SQLITE_1 = new File(1, "create queues",
            "19d17ed610253df43bced388b7b223b20f45a494bf73488f6c7713e72eddafef568d89aa619c615cd0949f9750e67e2f");
    private static final File SQLITE_2_HOSTNAME = new File(2, "create workers",
            "3f6f2d826c6b6cd85b50cfd35e0028267c31c1b4466ba7d0a1808ea074127dbdf67d5ab39f24c79b091b4b33b709b16d");
    private static final File SQLITE_2_NAME = new File(2, "create workers",
            "02e116c0786679575c984bf42cd404442a93f9a5dd9be9b1b269bf6b990c40a4d075872223d3bbac2ce26af988ea4cee");
    private static final File SQLITE_3 = new File(3, "create messages",
            "1200c75c0a8f57f50914a6efd7ada7716bc3035cf3c9030b634944d42d5ec1f0b45b4b42b3b826e55395f4ff70a0a58b");
    private static final File SQLITE_5 = new File(5, "create workflows",
            "49f7b205e24569ed301d1cc7f8f745428838bc8555eefe554d8c456df703005c633316d067ff3b5fb7e70280d641c414");

    public static final String HEAD = "unreleased HEAD (3965b6a)";

    public static final Release PG_0_15_0 = new Release("0.15.0", List.of(PG_1, PG_2, PG_3_HOSTNAME, PG_4, PG_6_0150));
    public static final Release PG_0_15_1 = new Release("0.15.1", List.of(PG_1, PG_2, PG_3_HOSTNAME, PG_4, PG_6_0151));
    public static final Release PG_0_15_3 = new Release("0.15.2 to 0.15.3", List.of(PG_1, PG_2, PG_3_NAME, PG_4, PG_6_0151));
    public static final Release PG_HEAD = new Release(HEAD, List.of(PG_1, PG_2, PG_3_NAME, PG_4, PG_6_HEAD));

    public static final Release SQLITE_0_15_0 = new Release("0.15.0 to 0.15.1", List.of(SQLITE_1, SQLITE_2_HOSTNAME, SQLITE_3, SQLITE_5));
    public static final Release SQLITE_0_15_3 = new Release("0.15.2 to " + HEAD, List.of(SQLITE_1, SQLITE_2_NAME, SQLITE_3, SQLITE_5));

    private static final String TABLE_POSTGRES = """
            CREATE TABLE IF NOT EXISTS _sqlx_migrations (
                version         bigint PRIMARY KEY,
                description     text NOT NULL,
                installed_on    timestamptz NOT NULL DEFAULT now(),
                success         boolean NOT NULL,
                checksum        bytea NOT NULL,
                execution_time  bigint NOT NULL
            )""";

    private static final String TABLE_SQLITE = """
            CREATE TABLE IF NOT EXISTS _sqlx_migrations (
                version         BIGINT PRIMARY KEY,
                description     TEXT NOT NULL,
                installed_on    TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
                success         BOOLEAN NOT NULL,
                checksum        BLOB NOT NULL,
                execution_time  BIGINT NOT NULL
            )""";

    private static final String ROWS = "SELECT version, checksum, success FROM _sqlx_migrations ORDER BY version";

    // execution_time is what sqlx measured; 0 says nothing ran (the Java install created the objects).
    private static final String INSERT = """
            INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time)
            VALUES (?, ?, TRUE, ?, 0)""";

    /** sqlx's migration lock key factor: the key is this times the CRC-32 of the database name. */
    private static final long LOCK_KEY_FACTOR = 0x3d32ad9eL;

    private OriginalMigrations() {
    }

    /** Every release family of the original on a backend, oldest first. */
    public static List<Release> releases(Backend backend) {
        return backend == Backend.POSTGRES ? List.of(PG_0_15_0, PG_0_15_1, PG_0_15_3, PG_HEAD)
                : List.of(SQLITE_0_15_0, SQLITE_0_15_3);
    }

    /** The set a Java install records: the one of the released 0.15.3. */
    public static Release served(Backend backend) {
        return backend == Backend.POSTGRES ? PG_0_15_3 : SQLITE_0_15_3;
    }

    /**
     * The key of the session advisory lock sqlx's migrator takes on PostgreSQL: per database (not
     * per schema), 0x3d32ad9e times the CRC-32 (ISO-HDLC) of the database name.
     */
    public static long lockKey(String databaseName) {
        CRC32 crc = new CRC32();
        crc.update(databaseName.getBytes(StandardCharsets.UTF_8));
        return LOCK_KEY_FACTOR * crc.getValue();
    }

    /** What {@code _sqlx_migrations} says, as far as this edition can tell. */
    public record Records(State state, String release, String detail) {

        public enum State {
            /** No table, or no row. */
            NONE,
            /** Exactly the set of {@link #release}. */
            COMPLETE,
            /** Some rows of {@link #release}'s set, not all (a bootstrap stopped part-way). */
            PARTIAL,
            /** A row with success = false: the original's migrator refuses the database ("Dirty"). */
            DIRTY,
            /** Versions or checksums no single known release has. */
            UNKNOWN
        }
    }

    public static Records read(Connection c, Backend backend) throws SQLException {
        if (!SchemaCatalog.of(c, backend).hasTable("_sqlx_migrations")) {
            return new Records(Records.State.NONE, null, "no _sqlx_migrations table");
        }
        record Row(long version, byte[] checksum, boolean success) { }
        List<Row> rows = Jdbc.query(c, ROWS, StatementBinder.NONE,
                rs -> new Row(rs.getLong(1), rs.getBytes(2), rs.getBoolean(3)));
        if (rows.isEmpty()) {
            return new Records(Records.State.NONE, null, "_sqlx_migrations is empty");
        }
        for (Row r : rows) {
            if (!r.success()) {
                return new Records(Records.State.DIRTY, null, "version " + r.version() + " is recorded as failed (success = false)");
            }
        }
        Map<Long, byte[]> recorded = new TreeMap<>();
        rows.forEach(r -> recorded.put(r.version(), r.checksum()));
        List<Release> candidates = new ArrayList<>(releases(backend));
        // Prefer the served set when a partial record fits several (row 1 alone fits all of them).
        candidates.remove(served(backend));
        candidates.add(0, served(backend));
        for (Release release : candidates) {
            if (fits(recorded, release) && recorded.size() == release.files().size()) {
                return new Records(Records.State.COMPLETE, release.label(), "the migrations of pgqrs " + release.label());
            }
        }
        for (Release release : candidates) {
            if (fits(recorded, release)) {
                String missing = release.files().stream().filter(f -> !recorded.containsKey(f.version()))
                        .map(f -> String.valueOf(f.version())).collect(Collectors.joining(", "));
                return new Records(Records.State.PARTIAL, release.label(),
                        "versions " + recorded.keySet() + " of pgqrs " + release.label() + ", without " + missing);
            }
        }
        return new Records(Records.State.UNKNOWN, null, describeUnknown(recorded, backend));
    }

    /**
     * Records the served set where that is safe: when there are no records, or only some of the
     * served set's (for example after the original's bootstrap stopped at "relation already exists").
     * Any other record is the original's own and is left as it is. Returns the versions added.
     */
    public static List<Long> recordServed(Connection c, Backend backend) throws SQLException {
        Records records = read(c, backend);
        Release served = served(backend);
        boolean completable = records.state() == Records.State.NONE
                || (records.state() == Records.State.PARTIAL && served.label().equals(records.release()));
        if (!completable) {
            return List.of();
        }
        try (Statement s = c.createStatement()) {
            s.execute(backend == Backend.POSTGRES ? TABLE_POSTGRES : TABLE_SQLITE);
        }
        List<Long> present = Jdbc.query(c, ROWS, StatementBinder.NONE, rs -> rs.getLong(1));
        List<Long> added = new ArrayList<>();
        for (File f : served.files()) {
            if (present.contains(f.version())) {
                continue;
            }
            Jdbc.update(c, INSERT, ps -> {
                ps.setLong(1, f.version());
                ps.setString(2, f.description());
                ps.setBytes(3, f.checksum());
            });
            added.add(f.version());
        }
        return added;
    }

    private static boolean fits(Map<Long, byte[]> recorded, Release release) {
        for (Map.Entry<Long, byte[]> e : recorded.entrySet()) {
            File f = release.file(e.getKey());
            if (f == null || !Arrays.equals(f.checksum(), e.getValue())) {
                return false;
            }
        }
        return true;
    }

    private static String describeUnknown(Map<Long, byte[]> recorded, Backend backend) {
        List<String> odd = new ArrayList<>();
        for (Map.Entry<Long, byte[]> e : recorded.entrySet()) {
            List<String> owners = releases(backend).stream()
                    .filter(r -> r.file(e.getKey()) != null && Arrays.equals(r.file(e.getKey()).checksum(), e.getValue()))
                    .map(Release::label).toList();
            boolean known = releases(backend).stream().anyMatch(r -> r.file(e.getKey()) != null);
            if (!known) {
                odd.add("version " + e.getKey() + " belongs to no pgqrs 0.15 release (a newer pgqrs?)");
            } else if (owners.isEmpty()) {
                odd.add("version " + e.getKey() + " has a checksum of no known release (an edited migration?)");
            } else {
                odd.add("version " + e.getKey() + " is from " + String.join(" / ", owners));
            }
        }
        return "records that fit no single pgqrs release: " + String.join("; ", odd);
    }
}
