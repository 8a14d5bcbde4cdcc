package dev.pgqrs.config;

import dev.pgqrs.ConfigException;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A parsed data source name. Accepted forms:
 * <ul>
 *   <li>{@code postgres://user:password@host:port/database?param=value} (also {@code postgresql://})</li>
 *   <li>{@code jdbc:postgresql://host:port/database?user=...}</li>
 *   <li>{@code sqlite://PATH}, {@code sqlite:PATH}, {@code jdbc:sqlite:PATH}</li>
 *   <li>{@code sqlite::memory:} (one shared in-memory database per store)</li>
 * </ul>
 * The password is never part of {@link #toString()} or of an error message.
 */
public final class Dsn {

    public static final String ACCEPTED_FORMS = "postgres://user:password@host:port/database, "
            + "postgresql://…, jdbc:postgresql://…, sqlite://PATH, sqlite:PATH, jdbc:sqlite:PATH or sqlite::memory:";

    // userinfo is everything up to the last '@' before the path, so passwords may contain '@' if percent-encoded or not.
    private static final Pattern PG_URL = Pattern.compile(
            "(?i)(postgres|postgresql)://(?:(?<userinfo>[^/?#]*)@)?(?<hosts>[^/?#]*)(?:/(?<db>[^?#]*))?(?:\\?(?<query>[^#]*))?");
    private static final Pattern HOST_PORT = Pattern.compile("(?<host>\\[[0-9A-Fa-f:.]+\\]|[^:,\\[\\]]+)(?::(?<port>[^,]*))?");

    private final Backend backend;
    private final String jdbcUrl;
    private final String user;
    private final String password;
    private final String sqlitePath;
    private final String redacted;

    private Dsn(Backend backend, String jdbcUrl, String user, String password, String sqlitePath, String redacted) {
        this.backend = backend;
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
        this.sqlitePath = sqlitePath;
        this.redacted = redacted;
    }

    public static Dsn parse(String dsn) {
        if (dsn == null || dsn.isBlank()) {
            throw new ConfigException("DSN is empty; expected one of: " + ACCEPTED_FORMS);
        }
        String text = dsn.trim();
        String lower = text.toLowerCase(Locale.ROOT);
        if (lower.startsWith("postgres://") || lower.startsWith("postgresql://")) {
            return parsePostgresUrl(text);
        }
        if (lower.startsWith("jdbc:postgresql:")) {
            return new Dsn(Backend.POSTGRES, text, null, null, null, redactJdbc(text));
        }
        if (lower.startsWith("jdbc:sqlite:")) {
            return sqlite(text.substring("jdbc:sqlite:".length()), text);
        }
        if (lower.startsWith("sqlite://")) {
            return sqlite(text.substring("sqlite://".length()), text);
        }
        if (lower.startsWith("sqlite:")) {
            return sqlite(text.substring("sqlite:".length()), text);
        }
        throw new ConfigException("unsupported DSN '" + redactUnknown(text) + "'; expected one of: " + ACCEPTED_FORMS);
    }

    private static Dsn sqlite(String path, String original) {
        if (path.isEmpty()) {
            throw new ConfigException("SQLite DSN '" + original + "' names no file; use sqlite:PATH or sqlite::memory:");
        }
        if (path.equals(":memory:")) {
            return new Dsn(Backend.SQLITE, null, null, null, ":memory:", original);
        }
        int query = path.indexOf('?');
        String file = query >= 0 ? path.substring(0, query) : path;
        if (file.isEmpty()) {
            throw new ConfigException("SQLite DSN '" + original + "' names no file; use sqlite:PATH or sqlite::memory:");
        }
        return new Dsn(Backend.SQLITE, null, null, null, file, original);
    }

    private static Dsn parsePostgresUrl(String text) {
        Matcher m = PG_URL.matcher(text);
        if (!m.matches()) {
            throw malformed(text, "it is not of the form postgres://user:password@host:port/database");
        }
        String hosts = m.group("hosts");
        if (hosts == null || hosts.isEmpty()) {
            throw malformed(text, "the host is missing");
        }
        for (String hostPort : hosts.split(",", -1)) {
            Matcher hp = HOST_PORT.matcher(hostPort);
            if (!hp.matches()) {
                throw malformed(text, "'" + hostPort + "' is not a host[:port]");
            }
            String port = hp.group("port");
            if (port != null) {
                int p;
                try {
                    p = Integer.parseInt(port);
                } catch (NumberFormatException e) {
                    throw malformed(text, "port '" + port + "' is not a number");
                }
                if (p < 1 || p > 65535) {
                    throw malformed(text, "port " + p + " is outside 1-65535");
                }
            }
        }
        String user = null;
        String password = null;
        String userinfo = m.group("userinfo");
        if (userinfo != null && !userinfo.isEmpty()) {
            int colon = userinfo.indexOf(':');
            user = decode(colon >= 0 ? userinfo.substring(0, colon) : userinfo, text);
            password = colon >= 0 ? decode(userinfo.substring(colon + 1), text) : null;
        }
        String db = m.group("db");
        StringBuilder url = new StringBuilder("jdbc:postgresql://").append(hosts).append('/');
        if (db != null) {
            url.append(db);
        }
        String query = m.group("query");
        if (query != null && !query.isEmpty()) {
            url.append('?').append(query);
        }
        String redacted = userinfo == null || password == null ? text : text.replace(userinfo + "@", user + ":***@");
        return new Dsn(Backend.POSTGRES, url.toString(), user, password, null, redacted);
    }

    private static String decode(String s, String text) {
        try {
            return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw malformed(text, "the user or password has a bad percent-encoding");
        }
    }

    private static ConfigException malformed(String text, String why) {
        return new ConfigException("malformed PostgreSQL DSN '" + redactUnknown(text) + "': " + why);
    }

    private static String redactJdbc(String text) {
        return text.replaceAll("(?i)(password=)[^&]*", "$1***");
    }

    private static String redactUnknown(String text) {
        return redactJdbc(text).replaceAll("(//[^:/@]*:)[^@/]*@", "$1***@");
    }

    public Backend backend() {
        return backend;
    }

    /** The JDBC URL for PostgreSQL; null for SQLite. */
    public String jdbcUrl() {
        return jdbcUrl;
    }

    public String user() {
        return user;
    }

    public String password() {
        return password;
    }

    /** The SQLite file path, or {@code :memory:}; null for PostgreSQL. */
    public String sqlitePath() {
        return sqlitePath;
    }

    public boolean isInMemory() {
        return ":memory:".equals(sqlitePath);
    }

    @Override
    public String toString() {
        return redacted;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Dsn && ((Dsn) o).redacted.equals(redacted) && Objects.equals(((Dsn) o).password, password);
    }

    @Override
    public int hashCode() {
        return redacted.hashCode();
    }
}
