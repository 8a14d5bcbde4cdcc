package dev.pgqrs.bridge;

import dev.pgqrs.bridge.connect.ConnectorConfig;
import dev.pgqrs.bridge.store.ConnectorRecord;
import dev.pgqrs.bridge.store.ConnectorRepository;
import dev.pgqrs.bridge.store.TargetState;
import dev.pgqrs.bridge.validate.ConfigValidation;
import dev.pgqrs.bridge.validate.ConfigValidator;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The designs folder: a Karavan project folder whose every {@code NAME.camel.yaml} is the connector {@code NAME},
 * applied to the store when the bridge starts. Or a Camel resource pattern
 * ({@code classpath:karavan/orders-intake/*.camel.yaml} inside a self-contained jar, {@code file:designs/*.camel.yaml}):
 * each {@code NAME.camel.yaml} it matches is the connector {@code NAME}, with no properties of its own (those of the
 * host's context resolve its placeholders). A folder's configuration is the project's {@code application.properties}:
 * the keys outside {@code camel.*} are given to every design as properties ({@code {{refunds.outbox}}}), and
 * {@code bridge.connector.NAME.KEY} sets {@code KEY} of connector {@code NAME} alone ({@code errors.tolerance}, …).
 *
 * <p>The upgrade rule: a file is applied when it is new, or when it (or its properties) changed since it was
 * last applied — the store keeps the hash of what it last applied. An unchanged file leaves the stored
 * connector alone, whatever was changed over REST since (its target state is never touched: a paused connector
 * stays paused across an upgrade). A connector whose file is gone is deleted only with
 * {@code bridge.designs.prune=true}.
 */
final class DesignsFolder {

    private static final Logger LOG = LoggerFactory.getLogger(DesignsFolder.class);
    static final String SUFFIX = ".camel.yaml";
    static final String CONNECTOR_PREFIX = "bridge.connector.";

    private final Path folder;
    private final String pattern;
    private final CamelContext context;

    DesignsFolder(Path folder) {
        this.folder = folder;
        this.pattern = null;
        this.context = null;
    }

    /** The designs a resource pattern matches, found as Camel finds routes ({@code routes-include-pattern}). */
    DesignsFolder(CamelContext context, String pattern) {
        this.folder = null;
        this.pattern = pattern;
        this.context = context;
    }

    /** The designs of the bridge's settings (a folder or a pattern). */
    static DesignsFolder of(CamelContext context, BridgeSettings settings) {
        return settings.designs() != null ? new DesignsFolder(settings.designs()) : new DesignsFolder(context, settings.designsPattern());
    }

    /** The connectors the folder (or the pattern) defines, by name. */
    Map<String, Map<String, String>> connectors() throws IOException {
        return folder != null ? folderConnectors() : patternConnectors();
    }

    private Map<String, Map<String, String>> patternConnectors() throws IOException {
        Collection<Resource> resources;
        try {
            resources = PluginHelper.getPackageScanResourceResolver(context).findResources(pattern);
        } catch (Exception e) {
            throw new BridgeStartupException("cannot read the designs " + pattern + ": " + e.getMessage());
        }
        Map<String, Map<String, String>> out = new TreeMap<>();
        for (Resource r : resources) {
            String location = r.getLocation();
            String file = location.substring(Math.max(location.lastIndexOf('/'), location.lastIndexOf(':')) + 1);
            if (!file.endsWith(SUFFIX)) {
                continue;
            }
            String name = file.substring(0, file.length() - SUFFIX.length());
            try (InputStream in = r.getInputStream()) {
                Map<String, String> config = new LinkedHashMap<>();
                config.put(ConnectorConfig.DESIGN, new String(in.readAllBytes(), StandardCharsets.UTF_8));
                if (out.put(name, config) != null) {
                    throw new BridgeStartupException("the designs " + pattern + " have two files named " + file
                            + " (one connector each): rename one");
                }
            }
        }
        if (out.isEmpty()) {
            throw new BridgeStartupException("the designs " + pattern + " match no " + SUFFIX + " file");
        }
        return out;
    }

    private Map<String, Map<String, String>> folderConnectors() throws IOException {
        Properties props = new Properties();
        Path propsFile = folder.resolve("application.properties");
        if (Files.isRegularFile(propsFile)) {
            try (Reader r = Files.newBufferedReader(propsFile, StandardCharsets.UTF_8)) {
                props.load(r);
            }
        }
        Map<String, String> common = new TreeMap<>();
        for (String key : props.stringPropertyNames()) {
            if (!key.startsWith("camel.") && !key.startsWith(CONNECTOR_PREFIX)) {
                common.put(key, props.getProperty(key).trim());
            }
        }
        Map<String, Map<String, String>> out = new TreeMap<>();
        List<Path> files;
        try (Stream<Path> s = Files.list(folder)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(SUFFIX)).sorted().toList();
        }
        for (Path f : files) {
            String file = f.getFileName().toString();
            String name = file.substring(0, file.length() - SUFFIX.length());
            Map<String, String> config = new LinkedHashMap<>(common);
            String prefix = CONNECTOR_PREFIX + name + ".";
            for (String key : new java.util.TreeSet<>(props.stringPropertyNames())) {
                if (key.startsWith(prefix)) {
                    config.put(key.substring(prefix.length()), props.getProperty(key).trim());
                }
            }
            config.put(ConnectorConfig.DESIGN, Files.readString(f, StandardCharsets.UTF_8));
            out.put(name, config);
        }
        return out;
    }

    /** Applies the folder to the store (see the class comment). */
    void apply(ConnectorRepository repository, ConfigValidator validator, boolean prune) throws IOException {
        if (folder != null && !Files.isDirectory(folder)) {
            throw new BridgeStartupException("the designs folder " + folder + " (bridge.designs, BRIDGE_DESIGNS) is not a folder");
        }
        Map<String, Map<String, String>> wanted = connectors();
        Map<String, ConnectorRecord> stored = new TreeMap<>();
        repository.list().forEach(r -> stored.put(r.name(), r));
        for (Map.Entry<String, Map<String, String>> e : wanted.entrySet()) {
            String name = e.getKey();
            Map<String, String> config = e.getValue();
            String origin = "folder:" + name + SUFFIX;
            String hash = hash(config);
            ConfigValidation v = validator.validate(name, config);
            if (v.errorCount() > 0) {
                LOG.warn("design {}{} has {} error(s), applied anyway (its status will say whether it runs): {}", name, SUFFIX,
                        v.errorCount(), v.messages());
            }
            ConnectorRecord r = stored.get(name);
            if (r == null) {
                if (repository.create(name, config, TargetState.RUNNING, origin, hash)) {
                    LOG.info("designs folder: connector {} created from {}", name, origin);
                }
            } else if (!hash.equals(r.originHash())) {
                repository.applyFromFolder(name, config, origin, hash);
                LOG.info("designs folder: connector {} updated from {} (version {} -> {}), target state {} kept", name, origin,
                        r.version(), r.version() + 1, r.targetState());
            }
        }
        Set<String> names = wanted.keySet();
        for (ConnectorRecord r : stored.values()) {
            if (r.origin() != null && r.origin().startsWith("folder:") && !names.contains(r.name())) {
                if (prune) {
                    repository.delete(r.name());
                    LOG.info("designs folder: connector {} deleted, its file {} is gone (bridge.designs.prune=true)", r.name(), r.origin());
                } else {
                    LOG.info("designs folder: connector {} came from {}, which is gone; it is kept (bridge.designs.prune=false)",
                            r.name(), r.origin());
                }
            }
        }
    }

    static String hash(Map<String, String> config) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            for (Map.Entry<String, String> e : new TreeMap<>(config).entrySet()) {
                d.update(e.getKey().getBytes(StandardCharsets.UTF_8));
                d.update((byte) 0);
                d.update(e.getValue().getBytes(StandardCharsets.UTF_8));
                d.update((byte) 0);
            }
            return HexFormat.of().formatHex(d.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
