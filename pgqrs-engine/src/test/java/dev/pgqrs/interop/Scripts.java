package dev.pgqrs.interop;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** Test resources as SQL: loading, and running a script the way each backend's tool does. */
final class Scripts {

    private Scripts() {
    }

    static String load(String resource) {
        try (InputStream in = Scripts.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** PostgreSQL runs the whole script in one call; SQLite one statement at a time (split on ';'). */
    static void run(Connection c, boolean postgres, String script) throws SQLException {
        try (Statement s = c.createStatement()) {
            if (postgres) {
                s.execute(script);
            } else {
                for (String statement : splitOnSemicolons(script)) {
                    s.execute(statement);
                }
            }
        }
    }

    /** Splits on every ';' outside quotes, as the original's Turso bootstrap does; comments are dropped. */
    static List<String> splitOnSemicolons(String script) {
        StringBuilder withoutComments = new StringBuilder();
        for (String line : script.split("\n")) {
            if (!line.strip().startsWith("--")) {
                withoutComments.append(line).append('\n');
            }
        }
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        for (char ch : withoutComments.toString().toCharArray()) {
            if (ch == '\'') {
                quoted = !quoted;
            }
            if (ch == ';' && !quoted) {
                if (!current.toString().isBlank()) {
                    out.add(current.toString().strip());
                }
                current.setLength(0);
            } else {
                current.append(ch);
            }
        }
        if (!current.toString().isBlank()) {
            out.add(current.toString().strip());
        }
        return out;
    }
}
