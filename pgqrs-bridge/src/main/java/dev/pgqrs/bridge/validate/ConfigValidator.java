package dev.pgqrs.bridge.validate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.pgqrs.bridge.connect.ConnectorConfig;
import org.apache.camel.CamelContext;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a connector's configuration without running it: the bridge's own keys; for a design, that it is
 * Camel YAML, and every endpoint it names — its component on the class path, its options against the
 * component's generated metadata — and every Kamelet it uses — known, its required properties given, no
 * property it does not define; for a Kamelet connector, the Kamelet's properties. What cannot be known
 * before the routes are built (a {@code {{placeholder}}}, a bean reference) is left to the start.
 */
public final class ConfigValidator {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    /** Where an endpoint can appear in a route, and the Pipe's ends. */
    private static final Set<String> ENDPOINT_KEYS = Set.of("from", "to", "toD", "wireTap", "enrich", "pollEnrich",
            "source", "sink", "poll");
    private static final Map<String, String> FRAMEWORK_DOCS = Map.of(
            ConnectorConfig.CONNECTOR_CLASS, "design (a Camel YAML design in 'design') or the name of a source or sink Kamelet",
            ConnectorConfig.DESIGN, "the Camel YAML design: routes, or a Kamelet Pipe (source, steps, sink)",
            ConnectorConfig.QUEUE, "the pgqrs queue a Kamelet connector feeds (source) or drains (sink)",
            ConnectorConfig.ERRORS_TOLERANCE, "none: a failed record stops its task (FAILED); all: it goes to the dead-letter queue",
            ConnectorConfig.ERRORS_RETRY_TIMEOUT, "how long a failed record is retried, in ms (0: never, -1: for ever)",
            ConnectorConfig.ERRORS_RETRY_DELAY_MAX, "longest back-off between retries, in ms",
            ConnectorConfig.ERRORS_DLQ, "the dead-letter queue of errors.tolerance=all (default NAME-dlq)",
            ConnectorConfig.ERRORS_LOG, "log each failed record at WARN",
            ConnectorConfig.SOURCE_INSTANCES, "auto, one or all: where sources run when instances share the store",
            ConnectorConfig.NAME, "the connector's name");

    private final CamelContext context;
    private final KameletCatalog kamelets;

    public ConfigValidator(CamelContext context, KameletCatalog kamelets) {
        this.context = context;
        this.kamelets = kamelets;
    }

    /** Checks {@code values} as the configuration of connector {@code name} (of the plugin the configuration names). */
    public ConfigValidation validate(String name, Map<String, String> values) {
        ConnectorConfig config = new ConnectorConfig(name, values);
        ConfigValidation result = new ConfigValidation(config.connectorClass());
        Map<String, List<String>> framework = config.frameworkErrors();
        Map<String, KameletDefinition> known = kamelets.all();
        if (!config.isDesign() && !known.containsKey(config.connectorClass())) {
            framework.computeIfAbsent(ConnectorConfig.CONNECTOR_CLASS, k -> new ArrayList<>())
                    .add("no plugin named '" + config.connectorClass() + "': use design, or one of the Kamelets " + known.keySet());
        }
        for (String key : List.of(ConnectorConfig.NAME, ConnectorConfig.CONNECTOR_CLASS, ConnectorConfig.DESIGN,
                ConnectorConfig.QUEUE, ConnectorConfig.ERRORS_TOLERANCE, ConnectorConfig.ERRORS_RETRY_TIMEOUT,
                ConnectorConfig.ERRORS_RETRY_DELAY_MAX, ConnectorConfig.ERRORS_DLQ, ConnectorConfig.ERRORS_LOG,
                ConnectorConfig.SOURCE_INSTANCES)) {
            boolean required = key.equals(ConnectorConfig.DESIGN) ? config.isDesign()
                    : key.equals(ConnectorConfig.QUEUE) && !config.isDesign();
            String value = key.equals(ConnectorConfig.NAME) ? name : values.get(key);
            if (!values.containsKey(key) && !required && !framework.containsKey(key) && !key.equals(ConnectorConfig.NAME)) {
                continue;
            }
            result.add(new ConfigValidation.Field(key, key.startsWith("errors.") ? "Error Handling" : "Common",
                    key.startsWith("errors.retry") ? "LONG" : "STRING", required, null, FRAMEWORK_DOCS.get(key),
                    key.equals(ConnectorConfig.DESIGN) ? summary(value) : value, framework.getOrDefault(key, List.of())));
        }
        if (config.isDesign()) {
            String design = values.get(ConnectorConfig.DESIGN);
            if (design != null && !design.isBlank()) {
                checkDesign(design, known, result);
            }
        } else if (known.containsKey(config.connectorClass())) {
            checkKamelet(known.get(config.connectorClass()), config.properties(), "", result, "Kamelet");
        }
        return result;
    }

    private void checkDesign(String design, Map<String, KameletDefinition> known, ConfigValidation result) {
        List<JsonNode> documents = new ArrayList<>();
        try (var parser = YAML.getFactory().createParser(design)) {
            YAML.readValues(parser, JsonNode.class).forEachRemaining(documents::add);
        } catch (IOException | RuntimeException e) {
            result.add(designField("design", design, List.of("not YAML: " + e.getMessage())));
            return;
        }
        int route = 0;
        for (JsonNode doc : documents) {
            if (doc == null) {
                continue;
            }
            if (doc.isArray()) {
                for (JsonNode element : doc) {
                    JsonNode r = element.get("route");
                    if (r != null) {
                        walk(r, "design." + idOr(r, "route" + route++), known, result);
                    }
                }
            } else if (doc.has("kind")) { // a Pipe (or KameletBinding): spec.source, spec.steps, spec.sink
                String id = doc.path("metadata").path("name").asText("pipe" + route++);
                walk(doc.path("spec"), "design." + id, known, result);
            }
        }
    }

    /** Visits every endpoint below {@code node}; {@code path} names where it is. */
    private void walk(JsonNode node, String path, Map<String, KameletDefinition> known, ConfigValidation result) {
        if (node.isArray()) {
            int i = 0;
            for (JsonNode child : node) {
                walk(child, path, known, result);
                i++;
            }
            return;
        }
        if (!node.isObject()) {
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode value = e.getValue();
            if (ENDPOINT_KEYS.contains(e.getKey())) {
                String where = path + "." + (value.isObject() ? idOr(value, e.getKey()) : e.getKey());
                checkEndpoint(value, where, known, result);
            }
            if (value.isContainerNode()) {
                walk(value, path, known, result);
            }
        }
    }

    private void checkEndpoint(JsonNode endpoint, String where, Map<String, KameletDefinition> known, ConfigValidation result) {
        String uri;
        Map<String, String> options = new LinkedHashMap<>();
        if (endpoint.isTextual()) {
            uri = endpoint.asText();
        } else if (endpoint.has("ref")) { // a Pipe end: ref {kind: Kamelet, name}, properties
            JsonNode ref = endpoint.get("ref");
            uri = ("Kamelet".equalsIgnoreCase(ref.path("kind").asText("Kamelet")) ? "kamelet:" : "") + ref.path("name").asText();
            endpoint.path("properties").fields().forEachRemaining(p -> options.put(p.getKey(), p.getValue().asText()));
        } else if (endpoint.has("uri")) {
            uri = endpoint.get("uri").asText();
            endpoint.path("parameters").fields().forEachRemaining(p -> options.put(p.getKey(), p.getValue().asText()));
        } else {
            return;
        }
        int q = uri.indexOf('?');
        if (q >= 0) {
            for (String pair : uri.substring(q + 1).split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    options.putIfAbsent(decode(pair.substring(0, eq)), decode(pair.substring(eq + 1)));
                }
            }
            uri = uri.substring(0, q);
        }
        int colon = uri.indexOf(':');
        String scheme = colon < 0 ? uri : uri.substring(0, colon);
        if (scheme.contains("{{")) {
            return;
        }
        if (scheme.equals("kamelet")) {
            String name = uri.substring(colon + 1);
            int slash = name.indexOf('/');
            name = slash >= 0 ? name.substring(0, slash) : name;
            if (name.equals("source") || name.equals("sink")) {
                return; // inside a Kamelet's own template
            }
            KameletDefinition k = known.get(name);
            if (k == null) {
                result.add(designField(where, uri, List.of("no Kamelet named '" + name + "' (known: " + known.keySet() + ")")));
                return;
            }
            options.keySet().removeAll(Set.of("routeId", "templateId", "location", "uuid", "noErrorHandler", "bridgeErrorHandler"));
            checkKamelet(k, options, where + ".", result, "Design");
            return;
        }
        ComponentOptions component = ComponentOptions.of(context, scheme);
        if (component == null) {
            result.add(designField(where, uri, List.of("no Camel component '" + scheme + "' on the bridge's class path")));
            return;
        }
        Map<String, List<String>> errors = component.check(options);
        errors.forEach((option, messages) -> result.add(designField(where + "." + option, options.get(option), messages)));
    }

    private static void checkKamelet(KameletDefinition k, Map<String, String> given, String prefix, ConfigValidation result,
                                     String group) {
        for (KameletDefinition.Property p : k.properties().values()) {
            List<String> errors = new ArrayList<>();
            String value = given.get(p.name());
            if (k.isRequired(p.name()) && (value == null || value.isBlank()) && p.defaultValue() == null) {
                errors.add("missing required property '" + p.name() + "' of Kamelet " + k.name());
            } else if (value != null && !value.contains("{{")) {
                if ("integer".equals(p.type()) && !value.trim().matches("-?\\d+")) {
                    errors.add("property " + p.name() + "='" + value + "' of Kamelet " + k.name() + " is not a whole number");
                } else if ("boolean".equals(p.type()) && !value.trim().matches("(?i)true|false")) {
                    errors.add("property " + p.name() + "='" + value + "' of Kamelet " + k.name() + " is not a boolean");
                }
            }
            if (value != null || k.isRequired(p.name()) || !errors.isEmpty()) {
                boolean secret = "password".equals(p.format());
                result.add(new ConfigValidation.Field(prefix + p.name(), group, p.type().toUpperCase(java.util.Locale.ROOT),
                        k.isRequired(p.name()), p.defaultValue(), p.description(), secret && value != null ? "[hidden]" : value, errors));
            }
        }
        for (String given1 : given.keySet()) {
            if (!k.properties().containsKey(given1)) {
                result.add(new ConfigValidation.Field(prefix + given1, group, "STRING", false, null, null, given.get(given1),
                        List.of("unknown property '" + given1 + "' of Kamelet " + k.name() + " (its properties: "
                                + k.properties().keySet() + ")")));
            }
        }
    }

    private static ConfigValidation.Field designField(String name, String value, List<String> errors) {
        return new ConfigValidation.Field(name, "Design", "STRING", false, null, null, value, errors);
    }

    private static String idOr(JsonNode node, String fallback) {
        JsonNode id = node.get("id");
        return id != null && id.isTextual() ? id.asText() : fallback;
    }

    private static String summary(String design) {
        if (design == null) {
            return null;
        }
        return design.length() <= 80 ? design : design.substring(0, 80) + "... (" + design.length() + " characters)";
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }
}
