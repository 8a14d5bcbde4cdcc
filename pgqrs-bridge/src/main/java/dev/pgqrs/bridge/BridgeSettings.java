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
public record BridgeSettings(Path home, int httpPort, PgqrsConfig storeConfig, Path designs, boolean pruneDesigns,
                             List<Path> kameletFolders, String instanceId, Duration pollInterval, Duration leaseDuration,
                             Duration instanceTimeout) {

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
        Path designs = first(pc, "bridge.designs").map(p -> Path.of(p).toAbsolutePath().normalize()).orElse(null);
        List<Path> kamelets = new ArrayList<>();
        if (designs != null) {
            kamelets.add(designs);
            kamelets.add(designs.resolve("kamelets"));
            if (designs.getParent() != null) {
                kamelets.add(designs.getParent().resolve("kamelets")); // Karavan's project of custom Kamelets, beside
            }
        }
        first(pc, "bridge.kamelets").ifPresent(list -> {
            for (String p : list.split(",")) {
                if (!p.isBlank()) {
                    kamelets.add(Path.of(p.trim()).toAbsolutePath().normalize());
                }
            }
        });
        String instance = first(pc, "bridge.instance-id").orElseGet(() -> hostName() + ":" + port);
        return new BridgeSettings(home, port, store, designs,
                Boolean.parseBoolean(first(pc, "bridge.designs.prune").orElse("false")), List.copyOf(kamelets), instance,
                duration(pc, "bridge.poll-interval", "1s"), duration(pc, "bridge.lease-duration", "10s"),
                duration(pc, "bridge.instance-timeout", "15s"));
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
