package dev.pgqrs.config;

import dev.pgqrs.ConfigException;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One configuration setting: its {@code pgqrs.yaml} key, its environment variable and how its
 * text is applied to a builder. Durations accept {@code 250ms}, {@code 5s}, {@code 2m}, ISO-8601
 * ({@code PT5S}) or a bare number in the key's unit.
 */
public enum ConfigKey {
    DSN("dsn", (b, v) -> b.dsn(v)),
    SCHEMA("schema", (b, v) -> b.schema(v)),
    MAX_CONNECTIONS("max_connections", (b, v) -> b.maxConnections(parseInt("max_connections", v))),
    MAX_READ_CT("max_read_ct", (b, v) -> b.maxReadCount(parseInt("max_read_ct", v))),
    HEARTBEAT_INTERVAL("heartbeat_interval", (b, v) -> b.heartbeatInterval(parseDuration("heartbeat_interval", v, "s"))),
    POLL_INTERVAL_MS("poll_interval_ms", (b, v) -> b.pollInterval(parseDuration("poll_interval_ms", v, "ms"))),
    VISIBILITY_TIMEOUT("visibility_timeout", (b, v) -> b.visibilityTimeout(parseDuration("visibility_timeout", v, "s"))),
    STALE_WORKER_TIMEOUT("stale_worker_timeout", (b, v) -> b.staleWorkerTimeout(parseDuration("stale_worker_timeout", v, "s"))),
    REAPER_INTERVAL("reaper_interval", (b, v) -> b.reaperInterval(parseDuration("reaper_interval", v, "s"))),
    SQLITE_BUSY_TIMEOUT("sqlite_busy_timeout", (b, v) -> b.sqliteBusyTimeout(parseDuration("sqlite_busy_timeout", v, "s"))),
    CONNECTION_TIMEOUT("connection_timeout", (b, v) -> b.connectionTimeout(parseDuration("connection_timeout", v, "s"))),
    ARCHIVE_RETENTION("archive_retention", (b, v) -> b.archiveRetention(
            isOff(v) ? null : parseDuration("archive_retention", v, "s"))),
    ARCHIVE_MAX_COUNT("archive_max_count", (b, v) -> b.archiveMaxCount(parseCountOrOff("archive_max_count", v))),
    RUN_RETENTION("run_retention", (b, v) -> b.runRetention(
            isOff(v) ? null : parseDuration("run_retention", v, "s"))),
    RUN_MAX_COUNT("run_max_count", (b, v) -> b.runMaxCount(parseCountOrOff("run_max_count", v))),
    RETENTION_INTERVAL("retention_interval", (b, v) -> b.retentionInterval(parseDuration("retention_interval", v, "s"))),
    RETENTION_BATCH_SIZE("retention_batch_size", (b, v) -> b.retentionBatchSize(parseInt("retention_batch_size", v))),
    RETENTION_BATCH_PAUSE("retention_batch_pause", (b, v) -> b.retentionBatchPause(parseDuration("retention_batch_pause", v, "ms"))),
    RETENTION_SHARE("retention_share", (b, v) -> b.retentionShare(parseDouble("retention_share", v))),
    DEDUP_WINDOW("dedup_window", (b, v) -> b.dedupWindow(
            isOff(v) ? null : parseDuration("dedup_window", v, "s"))),
    IDEMPOTENCY_RETENTION("idempotency_retention", (b, v) -> b.idempotencyRetention(
            isOff(v) ? null : parseDuration("idempotency_retention", v, "s"))),
    NOTIFICATIONS("notifications", (b, v) -> b.notifications(parseBoolean("notifications", v))),
    NOTIFY_DEBOUNCE("notify_debounce", (b, v) -> b.notifyDebounce(parseDuration("notify_debounce", v, "ms"))),
    MAINTENANCE("maintenance", (b, v) -> b.maintenance(parseBoolean("maintenance", v))),
    INSTALL_ON_CONNECT("install_on_connect", (b, v) -> b.installOnConnect(parseBoolean("install_on_connect", v))),
    PAYLOAD_MAX_BYTES("payload_max_bytes", (b, v) -> b.payloadLimitsEdit(l -> l.withMaxBytes(parseInt("payload_max_bytes", v)))),
    PAYLOAD_MAX_DEPTH("payload_max_depth", (b, v) -> b.payloadLimitsEdit(l -> l.withMaxDepth(parseInt("payload_max_depth", v)))),
    PAYLOAD_MAX_STRING_BYTES("payload_max_string_bytes",
            (b, v) -> b.payloadLimitsEdit(l -> l.withMaxStringBytes(parseInt("payload_max_string_bytes", v)))),
    PAYLOAD_REQUIRED_KEYS("payload_required_keys", (b, v) -> b.payloadLimitsEdit(l -> l.withRequiredKeys(parseList(v))));

    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)?");

    private final String yamlKey;
    private final BiConsumer<LoadingBuilder, String> apply;

    ConfigKey(String yamlKey, BiConsumer<LoadingBuilder, String> apply) {
        this.yamlKey = yamlKey;
        this.apply = apply;
    }

    public String yamlKey() {
        return yamlKey;
    }

    public String envVar() {
        return "PGQRS_" + name();
    }

    void apply(LoadingBuilder builder, String value) {
        apply.accept(builder, value.trim());
    }

    static ConfigKey forYamlKey(String key) {
        for (ConfigKey k : values()) {
            if (k.yamlKey.equals(key)) {
                return k;
            }
        }
        return null;
    }

    static String yamlKeys() {
        return String.join(", ", Arrays.stream(values()).map(ConfigKey::yamlKey).toArray(String[]::new));
    }

    static int parseInt(String key, String value) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(key + ": '" + value + "' is not a whole number");
        }
    }

    /**
     * "No limit": {@code off} or {@code forever} — and {@code false} / {@code no}, which is what YAML 1.1 makes of
     * an unquoted {@code off} before the text reaches us.
     */
    static boolean isOff(String value) {
        String text = value.trim().toLowerCase(Locale.ROOT);
        return text.equals("off") || text.equals("forever") || text.equals("false") || text.equals("no");
    }

    /** A count limit: a whole number, or {@code off} / {@code forever} for none. */
    static Long parseCountOrOff(String key, String value) {
        String text = value.trim();
        if (isOff(text)) {
            return null;
        }
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new ConfigException(key + ": '" + value + "' is not a whole number (or off)");
        }
    }

    static double parseDouble(String key, String value) {
        try {
            return Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(key + ": '" + value + "' is not a number");
        }
    }

    static boolean parseBoolean(String key, String value) {
        switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "true": case "yes": case "on": case "1":
                return true;
            case "false": case "no": case "off": case "0":
                return false;
            default:
                throw new ConfigException(key + ": '" + value + "' is not a boolean (true/false)");
        }
    }

    /** Parses a duration; a bare number is read in {@code bareUnit} ("ms" or "s"). */
    public static Duration parseDuration(String key, String value, String bareUnit) {
        String text = value.trim();
        if (text.toUpperCase(Locale.ROOT).startsWith("PT") || text.toUpperCase(Locale.ROOT).startsWith("P")) {
            try {
                return Duration.parse(text.toUpperCase(Locale.ROOT));
            } catch (DateTimeParseException e) {
                throw new ConfigException(key + ": '" + value + "' is not a duration (e.g. 250ms, 5s, 2m, PT5S)");
            }
        }
        Matcher m = DURATION.matcher(text.toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new ConfigException(key + ": '" + value + "' is not a duration (e.g. 250ms, 5s, 2m, PT5S)");
        }
        double amount = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? bareUnit : m.group(2);
        double millis;
        switch (unit) {
            case "ms": millis = amount; break;
            case "s": millis = amount * 1_000; break;
            case "m": millis = amount * 60_000; break;
            case "h": millis = amount * 3_600_000; break;
            default: throw new AssertionError(unit);
        }
        return Duration.ofNanos(Math.round(millis * 1_000_000));
    }

    static List<String> parseList(String value) {
        String text = value.trim();
        if (text.startsWith("[") && text.endsWith("]")) {
            text = text.substring(1, text.length() - 1);
        }
        if (text.isBlank()) {
            return List.of();
        }
        return Arrays.stream(text.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
}
