package dev.pgqrs.camel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's option and header tables are rendered from the generated pgqrs.json (what Karavan and
 * Camel's tooling read), so they cannot drift from the code. A change to an option's annotation fails
 * here until the README is regenerated: {@code mvn -pl camel-pgqrs-component -am test
 * -Dtest=ReadmeOptionTablesTest -Dsurefire.failIfNoSpecifiedTests=false -Dpgqrs.readme.update=true}.
 */
class ReadmeOptionTablesTest {

    private static final Path README = Path.of("README.md");
    private static final List<String> SECTIONS = List.of("endpoint-options", "component-options", "headers");

    @Test
    void theReadmeTablesAreTheGeneratedMetadata() throws Exception {
        JsonNode metadata;
        try (InputStream in = getClass().getResourceAsStream("/META-INF/dev/pgqrs/camel/pgqrs.json")) {
            metadata = new ObjectMapper().readTree(in);
        }
        String readme = Files.readString(README, StandardCharsets.UTF_8);
        String expected = readme;
        expected = replaceSection(expected, "endpoint-options", optionTable(metadata.get("properties")));
        expected = replaceSection(expected, "component-options", optionTable(metadata.get("componentProperties")));
        expected = replaceSection(expected, "headers", headerTable(metadata.get("headers")));
        if (Boolean.getBoolean("pgqrs.readme.update")) {
            Files.writeString(README, expected, StandardCharsets.UTF_8);
            readme = expected;
        }
        assertThat(readme).as("README.md tables match pgqrs.json (regenerate them, see this test's javadoc)")
                .isEqualTo(expected);
    }

    private static String replaceSection(String readme, String name, String table) {
        String start = "<!-- generated:" + name + " -->\n";
        String end = "<!-- /generated:" + name + " -->";
        int from = readme.indexOf(start);
        int to = readme.indexOf(end);
        assertThat(from).as("marker %s in README.md", start.trim()).isNotNegative();
        assertThat(to).as("marker %s in README.md", end).isGreaterThan(from);
        return readme.substring(0, from + start.length()) + table + readme.substring(to);
    }

    private static String optionTable(JsonNode properties) {
        StringBuilder out = new StringBuilder("| option | label | type | default | description |\n|---|---|---|---|---|\n");
        for (Iterator<Map.Entry<String, JsonNode>> it = properties.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> p = it.next();
            JsonNode v = p.getValue();
            out.append("| `").append(p.getKey()).append("` | ").append(v.path("label").asText()).append(" | ")
                    .append(type(v)).append(" | ").append(defaultValue(v)).append(" | ")
                    .append(cell(v.path("description").asText())).append(" |\n");
        }
        return out.toString();
    }

    private static String headerTable(JsonNode headers) {
        StringBuilder out = new StringBuilder("| header | used by | type | description |\n|---|---|---|---|\n");
        for (Iterator<Map.Entry<String, JsonNode>> it = headers.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> h = it.next();
            JsonNode v = h.getValue();
            String label = v.path("label").asText();
            out.append("| `").append(h.getKey()).append("` | ").append(label.isEmpty() ? "consumer, producer" : label)
                    .append(" | `").append(v.path("javaType").asText()).append("` | ")
                    .append(cell(v.path("description").asText())).append(" |\n");
        }
        return out.toString();
    }

    private static String type(JsonNode v) {
        String javaType = v.path("javaType").asText();
        String simple = javaType.replaceAll("<.*>", "");
        simple = simple.substring(simple.lastIndexOf('.') + 1);
        return switch (v.path("type").asText()) {
            case "duration" -> "duration";
            case "enum" -> simple + " (" + String.join(", ", values(v.path("enum"))) + ")";
            default -> simple;
        };
    }

    private static List<String> values(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(e -> out.add(e.asText()));
        return out;
    }

    private static String defaultValue(JsonNode v) {
        JsonNode d = v.path("defaultValue");
        if (d.isMissingNode() || d.isNull()) {
            return "";
        }
        return v.path("type").asText().equals("duration") ? d.asText() + " ms" : d.asText();
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }
}
