package dev.pgqrs.config;

import dev.pgqrs.ConfigException;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A parsed data source name. Accepted forms:
 * <ul>
 *   <li>{@code postgres://user:password@host:port/database?param=value} (also {@code postgresql://});
 *       the user and password may also be given as {@code ?user=…&password=…}</li>
 *   <li>{@code jdbc:postgresql://host:port/database?user=…&password=…}</li>
 *   <li>{@code sqlite://PATH}, {@code sqlite:PATH}, {@code jdbc:sqlite:PATH}</li>
 *   <li>{@code sqlite::memory:} (one shared in-memory database per store)</li>
 * </ul>
 *
 * <p>The password is kept apart: it is not part of {@link #jdbcUrl()} (it goes to the driver as a
 * property), of {@link #toString()} or of any error message. Every form is redacted: the password
 * of the user info, any query parameter whose name contains "password" (in any case, so
 * {@code sslpassword} too); and a DSN that does not parse is shown as its scheme and host only.
 */
public final class Dsn {

    public static final String ACCEPTED_FORMS = "postgres://user:password@host:port/database, "
            + "postgresql://…, jdbc:postgresql://…, sqlite://PATH, sqlite:PATH, jdbc:sqlite:PATH or sqlite::memory:";

    private static final String MASK = "***";
    // The user info ends at the last '@' before the first '/', '?' or '#': a '/', '?' or '#' in a
    // password must be percent-encoded (as in libpq and every URL parser).
    private static final Pattern PG_URL = Pattern.compile(
            "(?i)(?<scheme>postgres|postgresql)://(?:(?<userinfo>[^/?#]*)@)?(?<hosts>[^/?#]*)(?:/(?<db>[^?#]*))?(?:\\?(?<query>[^#]*))?");
    private static final Pattern JDBC_URL = Pattern.compile("(?i)(?<base>jdbc:postgresql:[^?#]*)(?:\\?(?<query>[^#]*))?");
    private static final Pattern HOST_PORT = Pattern.compile("(?<host>\\[[0-9A-Fa-f:.]+\\]|[^:,\\[\\]]+)(?::(?<port>[^,]*))?");
    private static final Pattern SECRET_PARAMETER = Pattern.compile("(?i)([?&;][^=&;#?]*password[^=&;#?]*=)[^&;#]*");
    private static final Pattern PLAIN_HOST = Pattern.compile("[A-Za-z0-9._\\-\\[\\]:,%]*");

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
            return parseJdbcUrl(text);
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
        throw new ConfigException("unsupported DSN '" + redact(text) + "'; expected one of: " + ACCEPTED_FORMS);
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
        String userinfo = m.group("userinfo");
        String db = m.group("db");
        // Without user info, an '@' in the path means a user info whose password has an unencoded
        // '/': what looks like the host is then the user and part of the password, so it is not shown.
        boolean hostMayBeSecret = userinfo == null && text.indexOf('@', m.end("hosts")) >= 0;
        if (hostMayBeSecret && db != null && db.indexOf('@') >= 0) {
            throw malformed(text, "an '@' follows the host: if it ends a user:password, percent-encode any '/', '?' "
                    + "or '#' in them (%2F, %3F, %23)");
        }
        String hosts = m.group("hosts");
        if (hosts == null || hosts.isEmpty()) {
            throw malformed(text, "the host is missing");
        }
        boolean echo = userinfo != null; // with user info parsed, the host part holds no secret
        for (String hostPort : hosts.split(",", -1)) {
            Matcher hp = HOST_PORT.matcher(hostPort);
            if (!hp.matches()) {
                throw malformed(text, (echo ? "'" + hostPort + "' is" : "a host is") + " not a host[:port]"
                        + (echo ? "" : SECRET_HINT));
            }
            String port = hp.group("port");
            if (port != null) {
                int p;
                try {
                    p = Integer.parseInt(port);
                } catch (NumberFormatException e) {
                    throw malformed(text, (echo ? "port '" + port + "' is" : "the port is") + " not a number"
                            + (echo ? "" : SECRET_HINT));
                }
                if (p < 1 || p > 65535) {
                    throw malformed(text, "port " + p + " is outside 1-65535");
                }
            }
        }
        String user = null;
        String password = null;
        if (userinfo != null && !userinfo.isEmpty()) {
            int colon = userinfo.indexOf(':');
            user = decode(colon >= 0 ? userinfo.substring(0, colon) : userinfo, text);
            password = colon >= 0 ? decode(userinfo.substring(colon + 1), text) : null;
        }
        String shownUserinfo = user == null ? "" : user + (password == null ? "" : ":" + MASK) + "@";
        Query query = Query.of(m.group("query"), text);
        user = user != null ? user : query.user;
        password = password != null ? password : query.password;
        StringBuilder url = new StringBuilder("jdbc:postgresql://").append(hosts).append('/');
        if (db != null) {
            url.append(db);
        }
        url.append(query.rest());
        String shown = m.group("scheme") + "://" + shownUserinfo + hosts + (db == null ? "" : "/" + db) + query.redacted();
        return new Dsn(Backend.POSTGRES, url.toString(), user, password, null, shown);
    }

    private static final String SECRET_HINT = " (if this part is a user:password, it needs an '@' before the host, "
            + "and any '/', '?' or '#' in it percent-encoded)";

    private static Dsn parseJdbcUrl(String text) {
        Matcher m = JDBC_URL.matcher(text);
        if (!m.matches()) {
            throw malformed(text, "it is not of the form jdbc:postgresql://host:port/database?user=…&password=…");
        }
        Query query = Query.of(m.group("query"), text);
        return new Dsn(Backend.POSTGRES, m.group("base") + query.rest(), query.user, query.password, null,
                m.group("base") + query.redacted());
    }

    /** The query of a PostgreSQL URL: user and password taken out, the rest kept for the driver. */
    private record Query(String user, String password, List<String> kept, List<String> shown) {

        static Query of(String query, String text) {
            String user = null;
            String password = null;
            List<String> kept = new ArrayList<>();
            List<String> shown = new ArrayList<>();
            if (query != null && !query.isEmpty()) {
                for (String pair : query.split("&")) {
                    if (pair.isEmpty()) {
                        continue;
                    }
                    int eq = pair.indexOf('=');
                    String key = eq >= 0 ? pair.substring(0, eq) : pair;
                    String value = eq >= 0 ? pair.substring(eq + 1) : "";
                    if (key.equalsIgnoreCase("password")) {
                        password = decode(value, text);
                        shown.add(key + "=" + MASK);
                    } else if (key.equalsIgnoreCase("user")) {
                        user = decode(value, text);
                        shown.add(pair);
                    } else {
                        kept.add(pair);
                        shown.add(key.toLowerCase(Locale.ROOT).contains("password") ? key + "=" + MASK : pair);
                    }
                }
            }
            return new Query(user, password, kept, shown);
        }

        String rest() {
            return kept.isEmpty() ? "" : "?" + String.join("&", kept);
        }

        String redacted() {
            return shown.isEmpty() ? "" : "?" + String.join("&", shown);
        }
    }

    private static String decode(String s, String text) {
        try {
            return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw malformed(text, "the user or password has a bad percent-encoding");
        }
    }

    private static ConfigException malformed(String text, String why) {
        return new ConfigException("malformed PostgreSQL DSN '" + redact(text) + "': " + why);
    }

    /**
     * A DSN that did not parse, as it may be shown: its scheme and host, and {@code ***@} where it has
     * user info; only its scheme when even the host is in doubt. Password parameters never show.
     */
    static String redact(String text) {
        int schemeEnd = text.indexOf("://");
        if (schemeEnd < 0) {
            int colon = text.indexOf(':');
            return colon > 0 && PLAIN_HOST.matcher(text.substring(0, colon)).matches() ? text.substring(0, colon) + ":…" : "…";
        }
        String scheme = text.substring(0, schemeEnd + 3);
        String rest = text.substring(schemeEnd + 3);
        int at = rest.lastIndexOf('@');
        String afterUserinfo = at >= 0 ? rest.substring(at + 1) : rest;
        int hostEnd = afterUserinfo.length();
        for (char c : new char[] {'/', '?', '#'}) {
            int i = afterUserinfo.indexOf(c);
            if (i >= 0) {
                hostEnd = Math.min(hostEnd, i);
            }
        }
        String host = afterUserinfo.substring(0, hostEnd);
        if (!PLAIN_HOST.matcher(host).matches() || !PLAIN_HOST.matcher(scheme.substring(0, schemeEnd)).matches()) {
            return "…";
        }
        return scheme + (at >= 0 ? MASK + "@" : "") + hostsShown(host) + (hostEnd < afterUserinfo.length() ? "/…" : "");
    }

    /** Hosts with their ports, where a "port" that is not a number (maybe a password after a user) is cut. */
    private static String hostsShown(String hosts) {
        StringBuilder out = new StringBuilder();
        for (String hostPort : hosts.split(",", -1)) {
            int colon = hostPort.lastIndexOf(':');
            boolean bracketed = hostPort.startsWith("[") && hostPort.lastIndexOf(']') > colon;
            String port = colon >= 0 && !bracketed ? hostPort.substring(colon + 1) : null;
            out.append(out.length() == 0 ? "" : ",")
                    .append(port == null || port.chars().allMatch(Character::isDigit) ? hostPort : hostPort.substring(0, colon) + ":…");
        }
        return out.toString();
    }

    /** Masks password parameters in text that may carry a JDBC URL (e.g. a driver's message). */
    public static String redactParameters(String text) {
        return text == null ? null : SECRET_PARAMETER.matcher(text).replaceAll("$1" + MASK);
    }

    public Backend backend() {
        return backend;
    }

    /** The JDBC URL for PostgreSQL, without user and password (see {@link #user()}, {@link #password()}); null for SQLite. */
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
        return o instanceof Dsn d && d.redacted.equals(redacted) && Objects.equals(d.jdbcUrl, jdbcUrl)
                && Objects.equals(d.password, password);
    }

    @Override
    public int hashCode() {
        return redacted.hashCode();
    }
}
