package dev.pgqrs.bridge.validate;

import java.util.List;
import java.util.Map;

/**
 * A Kamelet as its definition describes it: what {@code GET /connector-plugins} lists and what a connector's
 * Kamelet properties are checked against.
 *
 * @param type       {@code source}, {@code sink} or {@code action} (the label {@code camel.apache.org/kamelet.type})
 * @param location   where it was read from (the class path or a file of the designs folder)
 */
public record KameletDefinition(String name, String type, String title, String description, List<String> required,
                                Map<String, Property> properties, String version, String location) {

    /** One property of the Kamelet: its JSON-schema type ({@code string}, {@code integer}, {@code boolean}, ...). */
    public record Property(String name, String title, String description, String type, String defaultValue, String format) {
    }

    public boolean isRequired(String property) {
        return required.contains(property);
    }
}
