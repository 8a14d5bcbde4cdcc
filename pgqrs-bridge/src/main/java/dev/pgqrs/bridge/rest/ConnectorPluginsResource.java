package dev.pgqrs.bridge.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgqrs.bridge.connect.ConnectorConfig;
import dev.pgqrs.bridge.validate.ConfigValidator;
import dev.pgqrs.bridge.validate.KameletCatalog;
import dev.pgqrs.bridge.validate.KameletDefinition;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code /connector-plugins}: Kafka Connect's {@code ConnectorPluginsResource}. The plugins are {@code design}
 * (a connector written as a Camel YAML design) and the Kamelets the bridge can load (class path and designs
 * folder): a source or sink Kamelet is a connector of its own, joined to a pgqrs queue.
 */
public final class ConnectorPluginsResource {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final String VERSION = "0.1.0-SNAPSHOT";

    private final KameletCatalog kamelets;
    private final ConfigValidator validator;

    public ConnectorPluginsResource(KameletCatalog kamelets, ConfigValidator validator) {
        this.kamelets = kamelets;
        this.validator = validator;
    }

    /** {@code GET /connector-plugins[?connectorsOnly=false]}: with connectorsOnly (the default) the action Kamelets are left out. */
    HttpAnswer list(boolean connectorsOnly) {
        ArrayNode out = JSON.arrayNode();
        out.addObject().put("class", ConnectorConfig.DESIGN_CLASS).put("type", "design").put("version", VERSION)
                .put("title", "Camel YAML design").put("description", "Routes or a Kamelet Pipe, as Karavan writes them");
        for (KameletDefinition k : kamelets.all().values()) {
            if (connectorsOnly && !k.type().equals("source") && !k.type().equals("sink")) {
                continue;
            }
            out.addObject().put("class", k.name()).put("type", k.type()).put("version", k.version())
                    .put("title", k.title()).put("description", k.description()).put("location", k.location());
        }
        return HttpAnswer.of(200, out);
    }

    /** {@code GET /connector-plugins/{plugin}/config}: the plugin's configuration keys. */
    HttpAnswer config(String plugin) {
        ArrayNode out = JSON.arrayNode();
        if (ConnectorConfig.DESIGN_CLASS.equals(plugin)) {
            key(out, ConnectorConfig.DESIGN, "STRING", true, null, "the Camel YAML design: routes, or a Kamelet Pipe");
        } else {
            KameletDefinition k = kamelets.find(plugin).orElseThrow(() -> new HttpProblem(404, "Unknown plugin " + plugin));
            key(out, ConnectorConfig.QUEUE, "STRING", true, null, "the pgqrs queue the Kamelet feeds (source) or drains (sink)");
            for (KameletDefinition.Property p : k.properties().values()) {
                key(out, p.name(), p.type().toUpperCase(java.util.Locale.ROOT), k.isRequired(p.name()), p.defaultValue(), p.description());
            }
        }
        key(out, ConnectorConfig.ERRORS_TOLERANCE, "STRING", false, "none", "none or all");
        key(out, ConnectorConfig.ERRORS_RETRY_TIMEOUT, "LONG", false, "0", "retry window of a failed record, ms (-1: for ever)");
        key(out, ConnectorConfig.ERRORS_RETRY_DELAY_MAX, "LONG", false, "60000", "longest back-off between retries, ms");
        key(out, ConnectorConfig.ERRORS_DLQ, "STRING", false, "NAME-dlq", "the dead-letter queue");
        key(out, ConnectorConfig.ERRORS_LOG, "BOOLEAN", false, "false", "log each failed record");
        key(out, ConnectorConfig.SOURCE_INSTANCES, "STRING", false, "auto", "auto, one or all");
        return HttpAnswer.of(200, out);
    }

    /** {@code PUT /connector-plugins/{plugin}/config/validate}: per-field errors, Connect's ConfigInfos. */
    HttpAnswer validate(String plugin, JsonNode body) {
        Map<String, String> config = new LinkedHashMap<>(ConnectorsResource.stringMap(body, "the body"));
        String included = config.get(ConnectorConfig.CONNECTOR_CLASS);
        if (included != null && !included.isBlank() && !included.trim().equals(plugin)) {
            throw new HttpProblem(400, "Included connector type " + included + " does not match request type " + plugin);
        }
        if (!ConnectorConfig.DESIGN_CLASS.equals(plugin)) {
            if (kamelets.find(plugin).isEmpty()) {
                throw new HttpProblem(404, "Unknown plugin " + plugin);
            }
            config.put(ConnectorConfig.CONNECTOR_CLASS, plugin);
        }
        return HttpAnswer.of(200, validator.validate(config.get(ConnectorConfig.NAME), config).toJson());
    }

    private static void key(ArrayNode out, String name, String type, boolean required, String defaultValue, String doc) {
        ObjectNode k = out.addObject();
        k.put("name", name);
        k.put("type", type);
        k.put("required", required);
        k.put("default_value", defaultValue);
        k.put("importance", required ? "HIGH" : "MEDIUM");
        k.put("documentation", doc);
        k.put("group", name.startsWith("errors.") ? "Error Handling" : "Common");
        k.put("width", "NONE");
        k.put("display_name", name);
        k.putArray("dependents");
        k.put("order", out.size());
    }
}
