package dev.pgqrs.camel;

import dev.pgqrs.payload.Json;
import dev.pgqrs.testing.ConformanceTest;
import org.apache.camel.Endpoint;
import org.apache.camel.Route;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Routes as Karavan writes them: YAML DSL, the endpoint in its {@code uri: pgqrs} +
 * {@code parameters} form, the pgqrs Kamelets, and a durable step as {@code policy: ref}.
 */
class YamlAndKameletTest extends PgqrsCamelTestSupport {

    private static final String ROUTES = """
            - route:
                id: from-parameters
                from:
                  uri: pgqrs
                  parameters:
                    queueName: yaml-in
                    maxMessagesPerPoll: 5
                    visibilityTimeout: 45s
                  steps:
                    - to:
                        uri: "kamelet:pgqrs-sink"
                        parameters:
                          queue: yaml-out
            - route:
                id: from-kamelet
                from:
                  uri: "kamelet:pgqrs-source"
                  parameters:
                    queue: yaml-out
                    batch: 3
                  steps:
                    - policy:
                        ref: enrichStep
                        steps:
                          - setHeader:
                              name: enriched
                              constant: "yes"
                    - to: mock:yaml
            """;

    @Override
    protected void bindToRegistry(Registry registry) throws Exception {
        super.bindToRegistry(registry);
        registry.bind("enrichStep", new PgqrsStepPolicy("enrich", "enriched"));
    }

    @Override
    protected void doPostSetup() throws Exception {
        PluginHelper.getRoutesLoader(context).loadRoutes(ResourceHelper.fromString("pgqrs-routes.yaml", ROUTES));
    }

    @ConformanceTest
    void aMessageFlowsThroughTheYamlRoutesAndTheKamelets() throws Exception {
        MockEndpoint out = getMockEndpoint("mock:yaml");
        out.expectedMessageCount(1);

        template.sendBody("pgqrs:yaml-in", Map.of("order", 5));

        out.assertIsSatisfied(10_000);
        assertThat(Json.parse(out.getReceivedExchanges().get(0).getIn().getBody(String.class)))
                .isEqualTo(Json.parse("{\"order\":5}"));
        assertThat(out.getReceivedExchanges().get(0).getIn().getHeader("enriched")).isEqualTo("yes");
        // Acknowledged once the exchange is done, just after the mock saw it.
        await().atMost(5, TimeUnit.SECONDS).until(() -> store.queues().metrics("yaml-out").archived() == 1);
    }

    @ConformanceTest
    void theParametersFormAndTheKameletBuildTheSameEndpointsAsUris() {
        PgqrsEndpoint fromParameters = consumerEndpoint("from-parameters");
        assertThat(fromParameters.getQueueName()).isEqualTo("yaml-in");
        assertThat(fromParameters.getConfiguration().getMaxMessagesPerPoll()).isEqualTo(5);
        assertThat(fromParameters.getConfiguration().getVisibilityTimeout()).isEqualTo(45_000);

        PgqrsEndpoint sameAsUri = context.getEndpoint("pgqrs:yaml-in?maxMessagesPerPoll=5&visibilityTimeout=45s", PgqrsEndpoint.class);
        assertThat(sameAsUri.getQueueName()).isEqualTo(fromParameters.getQueueName());
        assertThat(sameAsUri.getConfiguration().getMaxMessagesPerPoll()).isEqualTo(5);
        assertThat(sameAsUri.getConfiguration().getVisibilityTimeout()).isEqualTo(45_000);

        PgqrsEndpoint kamelet = context.getEndpoints().stream()
                .filter(e -> e instanceof PgqrsEndpoint p && p.getQueueName().equals("yaml-out")
                        && p.getConfiguration().getMaxMessagesPerPoll() == 3)
                .map(PgqrsEndpoint.class::cast).findFirst().orElseThrow();
        assertThat(kamelet.getConfiguration().getVisibilityTimeout()).isEqualTo(30_000);
        assertThat(kamelet.getConfiguration().getMaxAttempts()).isEqualTo(5);
        assertThat(kamelet.getConfiguration().getDsn()).as("an unset optional dsn leaves the component's store").isNull();
    }

    private PgqrsEndpoint consumerEndpoint(String routeId) {
        Route route = context.getRoute(routeId);
        Endpoint endpoint = route.getEndpoint();
        assertThat(endpoint).isInstanceOf(PgqrsEndpoint.class);
        return (PgqrsEndpoint) endpoint;
    }
}
