package dev.pgqrs.bridge.validate;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The answer of a configuration check, in Kafka Connect's {@code ConfigInfos} shape: the plugin, the number
 * of errors, the groups, and one entry per field with its definition and its value's errors. Besides the
 * connector's own keys, a design's endpoint options and Kamelet properties are fields of their own, named
 * {@code design.ROUTE.STEP.OPTION}.
 */
public final class ConfigValidation {

    /** One field: a key of the configuration, or an option of an endpoint of the design. */
    public record Field(String name, String group, String type, boolean required, String defaultValue,
                        String documentation, String value, List<String> errors) {
    }

    private final String plugin;
    private final List<Field> fields = new ArrayList<>();

    ConfigValidation(String plugin) {
        this.plugin = plugin;
    }

    void add(Field field) {
        fields.add(field);
    }

    public List<Field> fields() {
        return fields;
    }

    public int errorCount() {
        return fields.stream().mapToInt(f -> f.errors().size()).sum();
    }

    /** Every error as "field: message", for an answer to a create or update that was refused. */
    public List<String> messages() {
        List<String> out = new ArrayList<>();
        for (Field f : fields) {
            for (String e : f.errors()) {
                out.add(f.name() + ": " + e);
            }
        }
        return out;
    }

    public ObjectNode toJson() {
        JsonNodeFactory json = JsonNodeFactory.instance;
        ObjectNode root = json.objectNode();
        root.put("name", plugin);
        root.put("error_count", errorCount());
        Set<String> groups = new LinkedHashSet<>();
        fields.forEach(f -> groups.add(f.group()));
        ArrayNode g = root.putArray("groups");
        groups.forEach(g::add);
        ArrayNode configs = root.putArray("configs");
        int order = 0;
        for (Field f : fields) {
            ObjectNode entry = configs.addObject();
            ObjectNode def = entry.putObject("definition");
            def.put("name", f.name());
            def.put("type", f.type());
            def.put("required", f.required());
            def.put("default_value", f.defaultValue());
            def.put("importance", f.required() ? "HIGH" : "MEDIUM");
            def.put("documentation", f.documentation());
            def.put("group", f.group());
            def.put("width", "NONE");
            def.put("display_name", f.name());
            def.putArray("dependents");
            def.put("order", ++order);
            ObjectNode value = entry.putObject("value");
            value.put("name", f.name());
            value.put("value", f.value());
            value.putArray("recommended_values");
            ArrayNode errors = value.putArray("errors");
            f.errors().forEach(errors::add);
            value.put("visible", true);
        }
        return root;
    }
}
