package dev.pgqrs.examples.orders;

import dev.pgqrs.ConfigException;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes a {@code postgres://} DSN whose password is a query parameter
 * ({@code postgres://app@db/app?password=secret}) with the password in the userinfo instead
 * ({@code postgres://app:secret@db/app}): the same connection, in the form every message of the store
 * prints as {@code app:***@}. (The store redacts a userinfo password, and {@code password=} in a
 * {@code jdbc:postgresql:} URL, but not a {@code ?password=} of a {@code postgres://} DSN.)
 */
final class RedactableDsn {

    private static final Pattern PG_URL = Pattern.compile(
            "(?i)(?<scheme>postgres|postgresql)://(?:(?<userinfo>[^/?#]*)@)?(?<rest>[^?#]*)(?:\\?(?<query>[^#]*))?");

    private RedactableDsn() {
    }

    static String of(String dsn) {
        Matcher m = dsn == null ? null : PG_URL.matcher(dsn.trim());
        if (m == null || !m.matches() || m.group("query") == null) {
            return dsn;
        }
        String password = null;
        List<String> kept = new ArrayList<>();
        for (String param : m.group("query").split("&")) {
            if (param.toLowerCase(Locale.ROOT).startsWith("password=")) {
                password = param.substring("password=".length());
            } else if (!param.isEmpty()) {
                kept.add(param);
            }
        }
        if (password == null) {
            return dsn;
        }
        String userinfo = m.group("userinfo");
        if (userinfo == null || userinfo.isEmpty()) {
            throw new ConfigException("the PostgreSQL DSN has a password but no user: write postgres://USER:PASSWORD@host/db");
        }
        if (userinfo.contains(":")) {
            throw new ConfigException("the PostgreSQL DSN has two passwords (user:PASSWORD@ and ?password=): keep one");
        }
        // The query value is percent-encoded already, as the userinfo must be; ':' and '@' must be encoded there.
        String encoded = password.replace(":", URLEncoder.encode(":", StandardCharsets.UTF_8))
                .replace("@", URLEncoder.encode("@", StandardCharsets.UTF_8));
        return m.group("scheme") + "://" + userinfo + ":" + encoded + "@" + m.group("rest")
                + (kept.isEmpty() ? "" : "?" + String.join("&", kept));
    }
}
