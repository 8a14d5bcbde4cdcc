package dev.pgqrs.bridge.connect;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Camel YAML a connector runs: its {@code design} as written, or, for a connector made of one Kamelet, the
 * route joining that Kamelet to the pgqrs queue {@code pgqrs.queue}, as Kafka Connect joins a connector to a topic:
 * a source Kamelet feeds the queue ({@code kamelet:NAME → pgqrs:QUEUE}), a sink Kamelet drains it
 * ({@code pgqrs:QUEUE → kamelet:NAME}). Every key that is not the bridge's is a property of the Kamelet.
 */
final class DesignSource {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER));

    private DesignSource() {
    }

    static String yaml(ConnectorConfig config, String kameletType) {
        if (config.isDesign()) {
            return config.get(ConnectorConfig.DESIGN);
        }
        Map<String, Object> kamelet = endpoint("kamelet:" + config.connectorClass(), new LinkedHashMap<>(config.properties()));
        Map<String, Object> queue = endpoint("pgqrs", new LinkedHashMap<>(Map.of("queueName", config.get(ConnectorConfig.QUEUE))));
        boolean sink = "sink".equals(kameletType);
        Map<String, Object> from = new LinkedHashMap<>(sink ? queue : kamelet);
        from.put("steps", List.of(Map.of("to", sink ? kamelet : queue)));
        Map<String, Object> route = new LinkedHashMap<>();
        route.put("id", sink ? "sink" : "source");
        route.put("from", from);
        try {
            return YAML.writeValueAsString(List.of(Map.of("route", route)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the route of connector " + config.name(), e);
        }
    }

    private static Map<String, Object> endpoint(String uri, Map<String, Object> parameters) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("uri", uri);
        if (!parameters.isEmpty()) {
            e.put("parameters", parameters);
        }
        return e;
    }
}
