package dev.pgqrs.bridge.connect;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A connector's configuration: a flat map of strings, as Kafka Connect's. The keys the bridge reads are below;
 * every other key is a property of the design (its {@code {{placeholders}}}) or of the Kamelet the connector is
 * made of.
 *
 * <ul>
 *   <li>{@code connector.class}: {@code design} (the default: the Camel YAML design in {@code design}) or the name
 *       of a source or sink Kamelet, which the bridge joins to the pgqrs queue {@code pgqrs.queue};</li>
 *   <li>{@code errors.tolerance}: {@code none} (a failed record stops its route, FAILED) or {@code all} (it goes to
 *       the dead-letter queue and the route goes on);</li>
 *   <li>{@code errors.retry.timeout} (ms, 0 = no retry, -1 = forever) and {@code errors.retry.delay.max.ms}: retries
 *       of a failed record, with back-off from 300 ms doubling up to the maximum, before tolerance decides;</li>
 *   <li>{@code errors.deadletterqueue.queue.name}: the dead-letter queue (default {@code NAME-dlq});</li>
 *   <li>{@code errors.log.enable}: a WARN line per failed record;</li>
 *   <li>{@code source.instances}: {@code auto}, {@code one} or {@code all} (see {@link SourcePlacement}).</li>
 * </ul>
 */
public final class ConnectorConfig {

    public static final String NAME = "name";
    public static final String CONNECTOR_CLASS = "connector.class";
    public static final String DESIGN = "design";
    public static final String QUEUE = "pgqrs.queue";
    public static final String ERRORS_TOLERANCE = "errors.tolerance";
    public static final String ERRORS_RETRY_TIMEOUT = "errors.retry.timeout";
    public static final String ERRORS_RETRY_DELAY_MAX = "errors.retry.delay.max.ms";
    public static final String ERRORS_DLQ = "errors.deadletterqueue.queue.name";
    public static final String ERRORS_LOG = "errors.log.enable";
    public static final String SOURCE_INSTANCES = "source.instances";

    /** The plugin of connectors written as Camel YAML designs. */
    public static final String DESIGN_CLASS = "design";

    /** The keys the bridge itself reads (not properties of a design or Kamelet). */
    public static final Set<String> FRAMEWORK_KEYS = Set.of(NAME, CONNECTOR_CLASS, DESIGN, QUEUE, ERRORS_TOLERANCE,
            ERRORS_RETRY_TIMEOUT, ERRORS_RETRY_DELAY_MAX, ERRORS_DLQ, ERRORS_LOG, SOURCE_INSTANCES);

    /** Connector names: they prefix route ids and appear in URLs, so letters, digits, '.', '_' and '-' only. */
    private static final Pattern VALID_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

    /** Kafka Connect's first retry back-off (RetryWithToleranceOperator), doubled after each further failure. */
    static final Duration FIRST_RETRY_DELAY = Duration.ofMillis(300);

    public enum Tolerance { NONE, ALL }

    private final String name;
    private final Map<String, String> values;

    public ConnectorConfig(String name, Map<String, String> values) {
        this.name = name;
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    public String name() {
        return name;
    }

    public Map<String, String> values() {
        return values;
    }

    public String get(String key) {
        return values.get(key);
    }

    public String connectorClass() {
        String c = values.get(CONNECTOR_CLASS);
        return c == null || c.isBlank() ? DESIGN_CLASS : c.trim();
    }

    public boolean isDesign() {
        return DESIGN_CLASS.equals(connectorClass());
    }

    public Tolerance tolerance() {
        return "all".equalsIgnoreCase(values.getOrDefault(ERRORS_TOLERANCE, "none").trim()) ? Tolerance.ALL : Tolerance.NONE;
    }

    /** How long a failing record is retried: zero for no retry, negative for ever. */
    public Duration retryTimeout() {
        return Duration.ofMillis(Long.parseLong(values.getOrDefault(ERRORS_RETRY_TIMEOUT, "0").trim()));
    }

    public Duration maxRetryDelay() {
        return Duration.ofMillis(Long.parseLong(values.getOrDefault(ERRORS_RETRY_DELAY_MAX, "60000").trim()));
    }

    public String deadLetterQueue() {
        String q = values.get(ERRORS_DLQ);
        return q == null || q.isBlank() ? name + "-dlq" : q.trim();
    }

    public boolean logErrors() {
        return Boolean.parseBoolean(values.getOrDefault(ERRORS_LOG, "false").trim());
    }

    public SourcePlacement sourcePlacement() {
        return SourcePlacement.valueOf(values.getOrDefault(SOURCE_INSTANCES, "auto").trim().toUpperCase(java.util.Locale.ROOT));
    }

    /** Properties of the design or Kamelet: every key the bridge does not read itself. */
    public Map<String, String> properties() {
        Map<String, String> out = new LinkedHashMap<>();
        values.forEach((k, v) -> {
            if (!FRAMEWORK_KEYS.contains(k)) {
                out.put(k, v);
            }
        });
        return out;
    }

    public static boolean isValidName(String name) {
        return name != null && VALID_NAME.matcher(name).matches();
    }

    /** Errors of the keys the bridge reads, per key (the design and Kamelet properties are checked elsewhere). */
    public Map<String, List<String>> frameworkErrors() {
        Map<String, List<String>> errors = new LinkedHashMap<>();
        if (name == null || name.isBlank()) {
            add(errors, NAME, "missing: the connector's name");
        } else if (!isValidName(name)) {
            add(errors, NAME, "a connector name is 1 to 100 letters, digits, '.', '_' or '-', starting with a letter or digit; got '"
                    + name + "'");
        }
        String inConfig = values.get(NAME);
        if (inConfig != null && name != null && !inConfig.equals(name)) {
            add(errors, NAME, "the name in the configuration ('" + inConfig + "') differs from the connector's ('" + name + "')");
        }
        String tolerance = values.getOrDefault(ERRORS_TOLERANCE, "none").trim();
        if (!tolerance.equalsIgnoreCase("none") && !tolerance.equalsIgnoreCase("all")) {
            add(errors, ERRORS_TOLERANCE, "must be none or all, got '" + tolerance + "'");
        }
        checkLong(errors, ERRORS_RETRY_TIMEOUT, -1);
        checkLong(errors, ERRORS_RETRY_DELAY_MAX, 0);
        String log = values.get(ERRORS_LOG);
        if (log != null && !log.trim().equalsIgnoreCase("true") && !log.trim().equalsIgnoreCase("false")) {
            add(errors, ERRORS_LOG, "must be true or false, got '" + log + "'");
        }
        String placement = values.get(SOURCE_INSTANCES);
        if (placement != null) {
            try {
                SourcePlacement.valueOf(placement.trim().toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                add(errors, SOURCE_INSTANCES, "must be auto, one or all, got '" + placement + "'");
            }
        }
        if (isDesign()) {
            String design = values.get(DESIGN);
            if (design == null || design.isBlank()) {
                add(errors, DESIGN, "missing: the Camel YAML design of the connector (routes, or a Kamelet Pipe)");
            }
        } else {
            String queue = values.get(QUEUE);
            if (queue == null || queue.isBlank()) {
                add(errors, QUEUE, "missing: the pgqrs queue the " + connectorClass() + " Kamelet is joined to");
            }
        }
        return errors;
    }

    private void checkLong(Map<String, List<String>> errors, String key, long min) {
        String v = values.get(key);
        if (v == null) {
            return;
        }
        try {
            if (Long.parseLong(v.trim()) < min) {
                add(errors, key, "must be at least " + min + ", got " + v);
            }
        } catch (NumberFormatException e) {
            add(errors, key, "must be a whole number of milliseconds, got '" + v + "'");
        }
    }

    static void add(Map<String, List<String>> errors, String key, String message) {
        errors.computeIfAbsent(key, k -> new ArrayList<>()).add(message);
    }

    @Override
    public String toString() {
        return "ConnectorConfig{" + name + ", " + connectorClass() + "}";
    }
}
