package dev.pgqrs.interop;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

/** Small conveniences of the interop tests: raw SQL on the shared database, and the wait limit. */
final class Interop {

    /** Generous: the machine is shared; a condition that holds is seen long before this. */
    static final Duration AWAIT = Duration.ofSeconds(30);

    private Interop() {
    }

    static void sql(OriginalDatabase db, String statement) throws Exception {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }

    static List<String> rows(OriginalDatabase db, String query) throws Exception {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            return JavaUpgradeTest.rows(s, query);
        }
    }

    static String one(OriginalDatabase db, String query) throws Exception {
        List<String> rows = rows(db, query);
        if (rows.size() != 1) {
            throw new AssertionError("expected one row from " + query + ", got " + rows);
        }
        return rows.get(0);
    }
}
