package dev.pgqrs.bridge.validate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.CamelContext;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * A Camel component's endpoint options, from the JSON metadata its build generated
 * ({@code META-INF/<package>/<scheme>.json}: the pgqrs component's {@code META-INF/dev/pgqrs/camel/pgqrs.json},
 * Camel's own in each component jar), and the check of the options a design gives an endpoint: unknown
 * options (unless the component takes any), values that are not of the option's type or not one of its
 * values, required options left out.
 */
final class ComponentOptions {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern DURATION = Pattern.compile("(?i)(\\d+(\\.\\d+)?(ms|s|m|h|d)?)+|P.*");

    private final String scheme;
    private final boolean lenient;
    private final Map<String, JsonNode> options = new java.util.LinkedHashMap<>();

    private ComponentOptions(String scheme, JsonNode metadata) {
        this.scheme = scheme;
        this.lenient = metadata.path("component").path("lenientProperties").asBoolean(false);
        for (Iterator<Map.Entry<String, JsonNode>> it = metadata.path("properties").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            options.put(e.getKey(), e.getValue());
        }
    }

    /** The options of {@code scheme}'s component, or null if no component of that scheme is on the class path. */
    static ComponentOptions of(CamelContext context, String scheme) {
        String json = null;
        try {
            if (context instanceof org.apache.camel.CatalogCamelContext catalog) {
                json = catalog.getComponentParameterJsonSchema(scheme);
            }
        } catch (IOException ignored) {
            // looked for below
        }
        if (json == null) {
            json = fromComponentPackage(context, scheme);
        }
        if (json == null) {
            return null;
        }
        try {
            return new ComponentOptions(scheme, JSON.readTree(json));
        } catch (IOException e) {
            return null;
        }
    }

    /** The metadata beside the component's class, as camel-component-maven-plugin writes it. */
    private static String fromComponentPackage(CamelContext context, String scheme) {
        ClassLoader cl = context.getApplicationContextClassLoader() != null ? context.getApplicationContextClassLoader()
                : ComponentOptions.class.getClassLoader();
        try (InputStream in = cl.getResourceAsStream("META-INF/services/org/apache/camel/component/" + scheme)) {
            if (in == null) {
                return null;
            }
            Properties p = new Properties();
            p.load(in);
            String cls = p.getProperty("class");
            if (cls == null || cls.lastIndexOf('.') < 0) {
                return null;
            }
            String path = "META-INF/" + cls.substring(0, cls.lastIndexOf('.')).replace('.', '/') + "/" + scheme + ".json";
            try (InputStream json = cl.getResourceAsStream(path)) {
                return json == null ? null : new String(json.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            return null;
        }
    }

    /** The errors of the given endpoint options (their values as written), each naming the option. */
    Map<String, List<String>> check(Map<String, String> given) {
        Map<String, List<String>> errors = new java.util.LinkedHashMap<>();
        for (Map.Entry<String, String> e : given.entrySet()) {
            String name = e.getKey();
            String value = e.getValue();
            JsonNode option = options.get(name);
            if (option == null || "path".equals(option.path("kind").asText())) {
                if (option == null && !lenient && !matchesPrefix(name)) {
                    add(errors, name, "unknown option '" + name + "' of component " + scheme + suggestion(name));
                }
                continue;
            }
            if (value == null || value.contains("{{") || value.startsWith("#") || value.startsWith("RAW(")) {
                continue; // a placeholder or a bean reference: known when the route is built
            }
            String type = option.path("type").asText();
            String problem = switch (type) {
                case "boolean" -> value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false") ? null : "is not a boolean (true or false)";
                case "integer" -> isLong(value) ? null : "is not a whole number";
                case "number" -> isDouble(value) ? null : "is not a number";
                case "duration" -> DURATION.matcher(value.trim()).matches() ? null : "is not a duration (500, 500ms, 5s, 1m30s, PT1M)";
                default -> null;
            };
            if (problem == null && option.has("enum")) {
                List<String> values = new ArrayList<>();
                option.get("enum").forEach(v -> values.add(v.asText()));
                if (!values.contains(value)) {
                    problem = "is not one of " + values;
                }
            }
            if (problem != null) {
                add(errors, name, "option " + name + "='" + value + "' " + problem);
            }
        }
        for (Map.Entry<String, JsonNode> o : options.entrySet()) {
            JsonNode option = o.getValue();
            if ("parameter".equals(option.path("kind").asText()) && option.path("required").asBoolean(false)
                    && !given.containsKey(o.getKey())) {
                add(errors, o.getKey(), "required option '" + o.getKey() + "' of component " + scheme + " is missing");
            }
        }
        return errors;
    }

    private boolean matchesPrefix(String name) {
        for (JsonNode option : options.values()) {
            String prefix = option.path("prefix").asText("");
            if (!prefix.isEmpty() && name.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    private String suggestion(String name) {
        for (String known : options.keySet()) {
            if (known.equalsIgnoreCase(name) || distance(known.toLowerCase(), name.toLowerCase()) <= 2) {
                return " (did you mean '" + known + "'?)";
            }
        }
        return "";
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            int[] cur = new int[b.length() + 1];
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
            }
            prev = cur;
        }
        return prev[b.length()];
    }

    private static boolean isLong(String v) {
        try {
            Long.parseLong(v.trim());
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static boolean isDouble(String v) {
        try {
            Double.parseDouble(v.trim());
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static void add(Map<String, List<String>> errors, String key, String message) {
        errors.computeIfAbsent(key, k -> new ArrayList<>()).add(message);
    }
}
