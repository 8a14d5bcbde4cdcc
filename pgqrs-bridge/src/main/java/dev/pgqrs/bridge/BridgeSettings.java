package dev.pgqrs.bridge;

import dev.pgqrs.config.Dsn;
import dev.pgqrs.config.PgqrsConfig;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.PropertiesComponent;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The bridge's settings, read once from Camel's properties: {@code application.properties} in the jar, then the
 * file named by {@code BRIDGE_CONFIG_FILE} (default {@code ./bridge.properties}, if present), each key overridable
 * by an environment variable (upper case, {@code .} and {@code -} as {@code _}: {@code bridge.http.port} is
 * {@code BRIDGE_HTTP_PORT}) or a {@code -Dkey=value}.
 */
public record BridgeSettings(Path home, int httpPort, PgqrsConfig storeConfig, Path designs, String designsPattern,
                             boolean pruneDesigns, List<Path> kameletFolders, String instanceId, Duration pollInterval,
                             Duration leaseDuration, Duration instanceTimeout) {

    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)?");

    public static BridgeSettings resolve(CamelContext context) {
        PropertiesComponent pc = context.getPropertiesComponent();
        Path home = Path.of(required(pc, "bridge.home")).toAbsolutePath().normalize();
        int port = port(required(pc, "bridge.http.port"));
        PgqrsConfig loaded = PgqrsConfig.load();
        String dsn = first(pc, "camel.component.pgqrs.dsn", "pgqrs.dsn")
                .orElse(loaded.dsn() != null ? loaded.dsn() : "sqlite:" + home.resolve("bridge.db"));
        String schema = first(pc, "camel.component.pgqrs.schema", "pgqrs.schema").orElse(loaded.schema());
        PgqrsConfig store = loaded.toBuilder().dsn(dsn).schema(schema).build();
        return of(pc, home, port, store, first(pc, "bridge.designs").orElse(null), null);
    }

    /**
     * The settings of a bridge embedded in a host application's Camel context: the host's store, home, HTTP port
     * and designs ({@code designs}: a folder, or a pattern such as {@code classpath:karavan/orders-intake/*.camel.yaml};
     * null for none), and, when not null, its instance id. The other keys ({@code bridge.poll-interval}, ...) are
     * read from the host's properties, with the same defaults as the bridge's own.
     */
    public static BridgeSettings embedded(CamelContext context, PgqrsConfig store, Path home, int httpPort, String designs,
                                          String instanceId) {
        return of(context.getPropertiesComponent(), home.toAbsolutePath().normalize(), httpPort, store, designs, instanceId);
    }

    private static BridgeSettings of(PropertiesComponent pc, Path home, int port, PgqrsConfig store, String designsSetting,
                                     String instanceId) {
        String given = designsSetting == null || designsSetting.isBlank() ? null : designsSetting.trim();
        String pattern = given != null && isPattern(given) ? given : null;
        Path designs = given != null && pattern == null ? Path.of(given).toAbsolutePath().normalize() : null;
        List<Path> kamelets = new ArrayList<>();
        Path folder = designs != null ? designs : patternFolder(pattern);
        if (folder != null) {
            kamelets.add(folder);
            kamelets.add(folder.resolve("kamelets"));
            if (folder.getParent() != null) {
                kamelets.add(folder.getParent().resolve("kamelets")); // Karavan's project of custom Kamelets, beside
            }
        }
        first(pc, "bridge.kamelets").ifPresent(list -> {
            for (String p : list.split(",")) {
                if (!p.isBlank()) {
                    kamelets.add(Path.of(p.trim()).toAbsolutePath().normalize());
                }
            }
        });
        String instance = instanceId != null && !instanceId.isBlank() ? instanceId
                : first(pc, "bridge.instance-id").orElseGet(() -> hostName() + ":" + port);
        return new BridgeSettings(home, port, store, designs, pattern,
                Boolean.parseBoolean(first(pc, "bridge.designs.prune").orElse("false")), List.copyOf(kamelets), instance,
                duration(pc, "bridge.poll-interval", "1s"), duration(pc, "bridge.lease-duration", "10s"),
                duration(pc, "bridge.instance-timeout", "15s"));
    }

    /** Whether there are designs to apply at start (a folder or a pattern). */
    public boolean hasDesigns() {
        return designs != null || designsPattern != null;
    }

    /** Where the designs come from, as the banner says it. */
    public String designsDescription() {
        return designs != null ? designs.toString() : designsPattern;
    }

    /** A Camel resource pattern ({@code classpath:...}, {@code file:...}, or a name with a wildcard), not a folder. */
    static boolean isPattern(String designs) {
        return designs.startsWith("classpath:") || designs.startsWith("file:") || designs.contains("*");
    }

    /** The folder of a {@code file:} pattern (where its Kamelets may be), or null. */
    private static Path patternFolder(String pattern) {
        if (pattern == null || pattern.startsWith("classpath:")) {
            return null;
        }
        String path = pattern.startsWith("file:") ? pattern.substring("file:".length()) : pattern;
        int slash = path.lastIndexOf('/');
        String dir = slash < 0 ? "." : path.substring(0, slash);
        if (dir.contains("*")) {
            return null;
        }
        return Path.of(dir.isEmpty() ? "/" : dir).toAbsolutePath().normalize();
    }

    public Dsn dsn() {
        return Dsn.parse(storeConfig.dsn());
    }

    public String url() {
        return "http://" + hostName() + ":" + httpPort;
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "localhost";
        }
    }

    static Duration parseDuration(String key, String value) {
        Matcher m = DURATION.matcher(value.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new BridgeStartupException(key + " (" + env(key) + ") must be a duration such as 500ms, 1s or 2m, got '" + value + "'");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "ms" : m.group(2);
        Duration d = switch (unit) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofMillis(n);
        };
        if (d.isZero()) {
            throw new BridgeStartupException(key + " (" + env(key) + ") must be more than 0, got '" + value + "'");
        }
        return d;
    }

    private static Duration duration(PropertiesComponent pc, String key, String fallback) {
        return parseDuration(key, first(pc, key).orElse(fallback));
    }

    private static int port(String value) {
        try {
            int port = Integer.parseInt(value.trim());
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new BridgeStartupException("bridge.http.port (BRIDGE_HTTP_PORT) must be a port number 0-65535, got '" + value + "'");
    }

    private static String required(PropertiesComponent pc, String key) {
        return first(pc, key).orElseThrow(() -> new BridgeStartupException(
                "property " + key + " is not set: set it in bridge.properties or as the environment variable " + env(key)));
    }

    static String env(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    private static Optional<String> first(PropertiesComponent pc, String... keys) {
        for (String key : keys) {
            Optional<String> v = pc.resolveProperty(key).map(String::trim).filter(s -> !s.isEmpty());
            if (v.isPresent()) {
                return v;
            }
        }
        return Optional.empty();
    }
}
