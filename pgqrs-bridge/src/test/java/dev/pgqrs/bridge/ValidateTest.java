package dev.pgqrs.bridge;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgqrs.testing.ConformanceTest;
import dev.pgqrs.testing.TestBackend;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code PUT /connector-plugins/{plugin}/config/validate} and {@code GET /connector-plugins}: a design's endpoint
 * options checked against the components' generated metadata, its Kamelets' properties against their definitions,
 * answered per field; a create with such a configuration refused (400) with the same errors.
 */
class ValidateTest {

    private static final String BAD_DESIGN = """
            - route:
                id: intake
                from:
                  id: from-orders
                  uri: pgqrs
                  parameters:
                    queueName: orders
                    maxMesagesPerPoll: 5
                    visibilityTimeout: banana
                  steps:
                    - to:
                        id: to-audit
                        uri: kamelet:pgqrs-sink
                        parameters:
                          deliveryDelay: 1s
                    - to:
                        id: to-nowhere
                        uri: nosuch:thing
            """;

    @ConformanceTest
    void aDesignsEndpointOptionsAndKameletPropertiesAreCheckedPerField(TestBackend backend) throws Exception {
        try (RunningBridge b = RunningBridge.start(backend)) {
            JsonNode plugins = b.get("/connector-plugins").json();
            assertThat(plugins.findValuesAsText("class")).contains("design", "pgqrs-source", "pgqrs-sink");
            assertThat(plugins.findValuesAsText("type")).contains("design", "source", "sink");
            assertThat(b.get("/connector-plugins/pgqrs-sink/config").json().findValuesAsText("name")).contains("queue", "pgqrs.queue");

            var answer = b.put("/connector-plugins/design/config/validate",
                    Map.of("name", "intake", "design", BAD_DESIGN, "errors.tolerance", "maybe"));
            assertThat(answer.status()).isEqualTo(200);
            JsonNode v = answer.json();
            assertThat(v.path("name").asText()).isEqualTo("design");
            Map<String, List<String>> errors = errorsByField(v);
            assertThat(errors.get("design.intake.from-orders.maxMesagesPerPoll")).singleElement().asString()
                    .contains("unknown option 'maxMesagesPerPoll' of component pgqrs").contains("did you mean 'maxMessagesPerPoll'");
            assertThat(errors.get("design.intake.from-orders.visibilityTimeout")).singleElement().asString()
                    .contains("visibilityTimeout='banana'").contains("is not a duration");
            assertThat(errors.get("design.intake.to-audit.queue")).singleElement().asString()
                    .isEqualTo("missing required property 'queue' of Kamelet pgqrs-sink");
            assertThat(errors.get("design.intake.to-nowhere")).singleElement().asString()
                    .contains("no Camel component 'nosuch'");
            assertThat(errors.get("errors.tolerance")).singleElement().asString().contains("must be none or all");
            assertThat(v.path("error_count").asInt()).isEqualTo(5);
            assertThat(v.path("groups").toString()).contains("Design", "Error Handling");

            // the same configuration is refused at create, naming every error, and nothing is stored
            var refused = b.post("/connectors", Map.of("name", "intake", "config", Map.of("design", BAD_DESIGN)));
            assertThat(refused.status()).isEqualTo(400);
            assertThat(refused.json().path("message").asText())
                    .startsWith("Connector configuration is invalid and contains the following 4 error(s):")
                    .contains("design.intake.from-orders.maxMesagesPerPoll: unknown option");
            assertThat(refused.json().path("validation").path("error_count").asInt()).isEqualTo(4);
            assertThat(b.get("/connectors/intake").status()).isEqualTo(404);

            // a Kamelet plugin: its properties, and the queue it is joined to
            JsonNode sink = b.put("/connector-plugins/pgqrs-sink/config/validate", Map.of("name", "s", "batch", "3")).json();
            Map<String, List<String>> sinkErrors = errorsByField(sink);
            assertThat(sinkErrors.get("pgqrs.queue")).singleElement().asString().contains("missing");
            assertThat(sinkErrors.get("queue")).singleElement().asString().isEqualTo("missing required property 'queue' of Kamelet pgqrs-sink");
            assertThat(sinkErrors.get("batch")).singleElement().asString().startsWith("unknown property 'batch' of Kamelet pgqrs-sink");

            assertThat(b.put("/connector-plugins/pgqrs-sink/config/validate", Map.of("connector.class", "pgqrs-source")).status())
                    .isEqualTo(400);
            assertThat(b.put("/connector-plugins/nope/config/validate", Map.of("name", "x")).status()).isEqualTo(404);

            JsonNode good = b.put("/connector-plugins/design/config/validate",
                    Map.of("name", "relay", "design", Designs.relay("in", "out"), "errors.tolerance", "all")).json();
            assertThat(good.path("error_count").asInt()).as(good.toString()).isZero();
        }
    }

    static Map<String, List<String>> errorsByField(JsonNode validation) {
        Map<String, List<String>> out = new java.util.LinkedHashMap<>();
        for (JsonNode c : validation.path("configs")) {
            List<String> errors = new ArrayList<>();
            c.path("value").path("errors").forEach(e -> errors.add(e.asText()));
            if (!errors.isEmpty()) {
                out.put(c.path("value").path("name").asText(), errors);
            }
        }
        return out;
    }
}
