package dev.pgqrs.camel;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgqrs.payload.Json;
import org.apache.camel.spi.UriParam;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The generated component metadata (what Karavan and Camel tooling read) lists every option and
 * header with a description: a new option without one, or a stale src/generated, fails here.
 * No database involved.
 */
class ComponentMetadataTest {

    private static JsonNode metadata() throws Exception {
        try (InputStream in = ComponentMetadataTest.class.getResourceAsStream("/META-INF/dev/pgqrs/camel/pgqrs.json")) {
            assertThat(in).as("generated pgqrs.json on the classpath").isNotNull();
            return Json.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void everyEndpointOptionIsListedWithADescription() throws Exception {
        JsonNode properties = metadata().get("properties");
        List<String> options = new ArrayList<>();
        for (Field f : PgqrsConfiguration.class.getDeclaredFields()) {
            if (f.isAnnotationPresent(UriParam.class)) {
                options.add(f.getName());
            }
        }
        options.add("queueName");
        assertThat(options).hasSizeGreaterThan(20);
        for (String option : options) {
            assertThat(properties.has(option)).as("option %s in pgqrs.json", option).isTrue();
        }
        properties.fields().forEachRemaining(p ->
                assertThat(p.getValue().path("description").asText()).as("description of %s", p.getKey()).isNotBlank());
        metadata().get("componentProperties").fields().forEachRemaining(p ->
                assertThat(p.getValue().path("description").asText()).as("description of component option %s", p.getKey()).isNotBlank());
        assertThat(metadata().get("componentProperties").has("store")).isTrue();
        assertThat(metadata().get("componentProperties").get("store").get("autowired").asBoolean()).isTrue();
    }

    @Test
    void everyHeaderConstantIsListedWithADescription() throws Exception {
        JsonNode headers = metadata().get("headers");
        int constants = 0;
        for (Field f : PgqrsConstants.class.getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
                String name = (String) f.get(null);
                assertThat(headers.has(name)).as("header %s in pgqrs.json", name).isTrue();
                assertThat(headers.get(name).path("description").asText()).as("description of %s", name).isNotBlank();
                constants++;
            }
        }
        assertThat(headers.size()).isEqualTo(constants);
    }
}
