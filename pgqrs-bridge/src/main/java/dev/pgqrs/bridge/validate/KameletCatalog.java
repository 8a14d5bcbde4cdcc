package dev.pgqrs.bridge.validate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The Kamelets a connector can use: those on the class path ({@code kamelets/*.kamelet.yaml}, where
 * camel-kamelet looks: the pgqrs Kamelets of the component) and those of the designs folder (its
 * {@code *.kamelet.yaml}, and those of a {@code kamelets/} folder in it or beside it, Karavan's project of
 * custom Kamelets). Read again on every call: a Kamelet dropped into the folder is seen at once.
 */
public final class KameletCatalog {

    private static final Logger LOG = LoggerFactory.getLogger(KameletCatalog.class);
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final CamelContext context;
    private final List<Path> folders;

    public KameletCatalog(CamelContext context, List<Path> folders) {
        this.context = context;
        this.folders = List.copyOf(folders);
    }

    /** Every Kamelet by name; a folder's Kamelet replaces the class path's of the same name. */
    public Map<String, KameletDefinition> all() {
        Map<String, KameletDefinition> out = new TreeMap<>();
        try {
            Collection<Resource> resources = PluginHelper.getPackageScanResourceResolver(context)
                    .findResources("classpath:kamelets/*.kamelet.yaml");
            for (Resource r : resources) {
                try (InputStream in = r.getInputStream()) {
                    read(in, "classpath:kamelets/" + fileName(r.getLocation())).ifPresent(k -> out.put(k.name(), k));
                }
            }
        } catch (Exception e) {
            LOG.warn("cannot list the Kamelets on the class path: {}", e.toString());
        }
        for (Path folder : folders) {
            if (!Files.isDirectory(folder)) {
                continue;
            }
            try (Stream<Path> files = Files.list(folder)) {
                for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".kamelet.yaml")).sorted().toList()) {
                    try (InputStream in = Files.newInputStream(f)) {
                        read(in, f.toString()).ifPresent(k -> out.put(k.name(), k));
                    }
                }
            } catch (IOException e) {
                LOG.warn("cannot list the Kamelets of {}: {}", folder, e.toString());
            }
        }
        return out;
    }

    private static String fileName(String location) {
        int slash = Math.max(location.lastIndexOf('/'), location.lastIndexOf('!'));
        return location.substring(slash + 1);
    }

    public Optional<KameletDefinition> find(String name) {
        return Optional.ofNullable(all().get(name));
    }

    /** The folders (as {@code file:} locations) camel-kamelet should load Kamelets from, after the class path. */
    public List<Path> folders() {
        return folders;
    }

    static Optional<KameletDefinition> read(InputStream in, String location) {
        try {
            JsonNode root = YAML.readTree(in);
            if (root == null || !"Kamelet".equals(root.path("kind").asText())) {
                return Optional.empty();
            }
            String name = root.path("metadata").path("name").asText(null);
            if (name == null) {
                return Optional.empty();
            }
            JsonNode labels = root.path("metadata").path("labels");
            JsonNode annotations = root.path("metadata").path("annotations");
            JsonNode definition = root.path("spec").path("definition");
            List<String> required = new ArrayList<>();
            definition.path("required").forEach(n -> required.add(n.asText()));
            Map<String, KameletDefinition.Property> properties = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = definition.path("properties").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> p = it.next();
                JsonNode v = p.getValue();
                properties.put(p.getKey(), new KameletDefinition.Property(p.getKey(), v.path("title").asText(null),
                        v.path("description").asText(null), v.path("type").asText("string"),
                        v.has("default") ? v.get("default").asText() : null, v.path("format").asText(null)));
            }
            return Optional.of(new KameletDefinition(name, labels.path("camel.apache.org/kamelet.type").asText("action"),
                    definition.path("title").asText(name), definition.path("description").asText(null), List.copyOf(required),
                    properties, annotations.path("camel.apache.org/catalog.version").asText(null), location));
        } catch (IOException e) {
            LOG.warn("cannot read the Kamelet {}: {}", location, e.getMessage());
            return Optional.empty();
        }
    }
}
