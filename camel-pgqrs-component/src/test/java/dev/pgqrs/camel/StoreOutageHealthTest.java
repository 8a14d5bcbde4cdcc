package dev.pgqrs.camel;

import dev.pgqrs.Pgqrs;
import dev.pgqrs.Store;
import dev.pgqrs.config.PgqrsConfig;
import dev.pgqrs.testing.PostgresServer;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.health.HealthCheckRepository;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The readiness of a consumer and of a producer while their PostgreSQL server is stopped and started
 * again under them, with the store's default settings (a 10 s connection timeout): DOWN soon after the
 * server goes, every answer within a second meanwhile, UP again once it is back. It starts a server of its
 * own to stop, so it runs once, not per backend.
 */
@PostgresOnly("an SQLite store is a file in the process, with no server to lose")
class StoreOutageHealthTest {

    private static final String CONSUMER = "consumer:worker";
    private static final String PRODUCER = "producer:intake:pgqrs:orders";

    @TempDir
    Path dataDir;

    @Test
    void readinessFollowsTheDatabaseAndAnswersAtOnceWhileItIsAway() throws Exception {
        EmbeddedPostgres server = PostgresServer.startEmbedded(dataDir, 0);
        int port = server.getPort();
        Store store = Pgqrs.connect(PgqrsConfig.builder().dsn("postgres://postgres:postgres@localhost:" + port + "/postgres").build());
        CamelContext context = new DefaultCamelContext();
        try {
            store.admin().install();
            store.queues().create("orders");
            context.getRegistry().bind("pgqrsStore", store);
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("pgqrs:orders").routeId("worker").to("log:worker?level=OFF");
                    from("direct:intake").routeId("intake").to("pgqrs:orders");
                }
            });
            enableHealthChecks(context);
            context.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> states(context), s -> s.get(CONSUMER) == HealthCheck.State.UP
                    && s.get(PRODUCER) == HealthCheck.State.UP);

            server.close();
            await().atMost(Duration.ofSeconds(60)).until(() -> states(context), s -> s.get(CONSUMER) == HealthCheck.State.DOWN
                    && s.get(PRODUCER) == HealthCheck.State.DOWN);
            HealthCheck.Result down = HealthCheckHelper.invokeReadiness(context, "full").stream()
                    .filter(r -> r.getCheck().getId().equals(PRODUCER)).findFirst().orElseThrow();
            assertThat(down.getMessage()).hasValueSatisfying(m -> assertThat(m).startsWith("pgqrs store unreachable for"));

            server = PostgresServer.startEmbedded(dataDir, port);
            await().atMost(Duration.ofSeconds(60)).until(() -> states(context), s -> s.get(CONSUMER) == HealthCheck.State.UP
                    && s.get(PRODUCER) == HealthCheck.State.UP);
            context.createProducerTemplate().sendBody("direct:intake", "{\"after\":\"the outage\"}");
            await().atMost(Duration.ofSeconds(30)).until(() -> store.queues().metrics("orders").archived() == 1);
        } finally {
            context.stop();
            store.close();
            server.close();
        }
    }

    /** Consumer and producer checks on, as camel.health.consumersEnabled / producersEnabled = true do in Camel Main. */
    private static void enableHealthChecks(CamelContext context) {
        HealthCheckRegistry registry = HealthCheckRegistry.get(context);
        registry.setEnabled(true);
        for (String id : List.of("consumers", "producers")) {
            HealthCheckRepository repo = registry.getRepository(id).orElseGet(() -> (HealthCheckRepository) registry.resolveById(id));
            repo.setEnabled(true);
            registry.register(repo);
        }
    }

    /** The readiness states by check id, asserting the call answered within a second. */
    private static Map<String, HealthCheck.State> states(CamelContext context) {
        long start = System.nanoTime();
        Map<String, HealthCheck.State> states = HealthCheckHelper.invokeReadiness(context, "full").stream()
                .collect(Collectors.toMap(r -> r.getCheck().getId(), HealthCheck.Result::getState));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("readiness answered").isLessThan(Duration.ofSeconds(1));
        return states;
    }
}
