package dev.pgqrs.store;

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
 * one database can serve one set only. A Java install records the served set ({@link Releases#served()},
 * the 0.15.3 one), so pgqrs 0.15.2/0.15.3 finds its migrations applied on a database Java created. It
 * never changes a row the original wrote; it only completes a set it can tell is the served one. The
 * files and checksums differ per backend: each {@link SchemaDialect} holds its backend's
 * ({@link SchemaDialect#originalReleases()}).
 */
public final class OriginalMigrations {

    /** One migration file of the original: version, sqlx description, SHA-384 of its bytes. */
    public record File(long version, String description, String sha384) {

        public byte[] checksum() {
            return HexFormat.of().parseHex(sha384);
        }
    }

    /** The files one or more releases of the original embed (they share every checksum). */
    public record Release(String label, List<File> files) {

        public File file(long version) {
            return files.stream().filter(f -> f.version() == version).findFirst().orElse(null);
        }
    }

    /** The label of the original's unreleased HEAD, whose files some databases carry. */
    public static final String HEAD = "unreleased HEAD (3965b6a)";

    /**
     * One backend's release families of the original, oldest first, and the one a Java install records
     * (the set of the released 0.15.3). Each backend's {@link SchemaDialect} holds its own.
     */
    public record Releases(List<Release> all, Release served) {
    }

    private static final String ROWS = "SELECT version, checksum, success FROM _sqlx_migrations ORDER BY version";

    // execution_time is what sqlx measured; 0 says nothing ran (the Java install created the objects).
    private static final String INSERT = """
            INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time)
            VALUES (?, ?, TRUE, ?, 0)""";

    /** sqlx's migration lock key factor: the key is this times the CRC-32 of the database name. */
    private static final long LOCK_KEY_FACTOR = 0x3d32ad9eL;

    private OriginalMigrations() {
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

    public static Records read(Connection c, SchemaDialect schema) throws SQLException {
        Releases releases = schema.originalReleases();
        if (!schema.catalog(c).hasTable("_sqlx_migrations")) {
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
        List<Release> candidates = new ArrayList<>(releases.all());
        // Prefer the served set when a partial record fits several (row 1 alone fits all of them).
        candidates.remove(releases.served());
        candidates.add(0, releases.served());
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
        return new Records(Records.State.UNKNOWN, null, describeUnknown(recorded, releases.all()));
    }

    /**
     * Records the served set where that is safe: when there are no records, or only some of the
     * served set's (for example after the original's bootstrap stopped at "relation already exists").
     * Any other record is the original's own and is left as it is. Returns the versions added.
     */
    public static List<Long> recordServed(Connection c, SchemaDialect schema) throws SQLException {
        Records records = read(c, schema);
        Release served = schema.originalReleases().served();
        boolean completable = records.state() == Records.State.NONE
                || (records.state() == Records.State.PARTIAL && served.label().equals(records.release()));
        if (!completable) {
            return List.of();
        }
        try (Statement s = c.createStatement()) {
            s.execute(schema.createOriginalMigrationsTable());
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

    private static String describeUnknown(Map<Long, byte[]> recorded, List<Release> releases) {
        List<String> odd = new ArrayList<>();
        for (Map.Entry<Long, byte[]> e : recorded.entrySet()) {
            List<String> owners = releases.stream()
                    .filter(r -> r.file(e.getKey()) != null && Arrays.equals(r.file(e.getKey()).checksum(), e.getValue()))
                    .map(Release::label).toList();
            boolean known = releases.stream().anyMatch(r -> r.file(e.getKey()) != null);
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
