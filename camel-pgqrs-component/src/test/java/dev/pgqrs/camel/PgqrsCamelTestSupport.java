package dev.pgqrs.camel;

import dev.pgqrs.Store;
import dev.pgqrs.config.PgqrsConfig;
import dev.pgqrs.testing.BackendKind;
import dev.pgqrs.testing.ConformanceTest;
import dev.pgqrs.testing.TestBackend;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.Registry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A CamelContext on a fresh pgqrs database for each run of a test. Tests are {@link ConformanceTest}s, as
 * in the engine: written once, each runs once per enabled backend ({@code [postgres]}, {@code [sqlite]};
 * {@code PGQRS_TEST_BACKENDS} narrows the set) and receives that run's {@link TestBackend} here. The store
 * is bound in the registry as {@code pgqrsStore}, so the component autowires it, and the {@code pgqrs}
 * component creates the queues the tests name ({@code autoCreateQueue=true}), as a deployment would have.
 *
 * <p>What the tests used of camel-test-junit5's CamelTestSupport, and nothing more: {@link #context},
 * {@link #template}, {@link #getMockEndpoint}, and the hooks {@link #bindToRegistry},
 * {@link #createRouteBuilder} (routes added before the context starts) and {@link #doPostSetup} (after).
 * A class marked {@link PostgresOnly} skips its SQLite runs.
 */
public abstract class PgqrsCamelTestSupport {

    protected TestBackend backend;
    protected Store store;
    protected CamelContext context;
    protected ProducerTemplate template;

    /** Adjusts the test store's configuration. */
    protected PgqrsConfig.Builder storeConfig(PgqrsConfig.Builder builder) {
        return builder;
    }

    /** Binds what the routes refer to; call super to keep the store and the component. */
    protected void bindToRegistry(Registry registry) throws Exception {
        registry.bind("pgqrsStore", store);
        PgqrsComponent component = new PgqrsComponent();
        component.getConfiguration().setAutoCreateQueue(true);
        registry.bind("pgqrs", component);
    }

    /** Routes added before the context starts; none by default. */
    protected RoutesBuilder createRouteBuilder() throws Exception {
        return null;
    }

    /** Runs once the context has started. */
    protected void doPostSetup() throws Exception {
    }

    @BeforeEach
    final void startCamel(TestBackend backend) throws Exception {
        PostgresOnly postgresOnly = getClass().getAnnotation(PostgresOnly.class);
        assumeTrue(postgresOnly == null || backend.kind() == BackendKind.POSTGRES,
                () -> "PostgreSQL only: " + postgresOnly.value());
        this.backend = backend;
        store = backend.open(this::storeConfig);
        context = new DefaultCamelContext();
        // As CamelTestSupport does: no JMX, and a shutdown that does not wait 45 s for a stuck exchange.
        context.disableJMX();
        context.getShutdownStrategy().setTimeout(10);
        bindToRegistry(context.getRegistry());
        RoutesBuilder routes = createRouteBuilder();
        if (routes != null) {
            context.addRoutes(routes);
        }
        context.start();
        template = context.createProducerTemplate();
        doPostSetup();
    }

    @AfterEach
    final void stopCamel() throws Exception {
        // Routes first: the store must outlive the consumers that use it (the backend closes it after this).
        if (template != null) {
            template.stop();
        }
        if (context != null) {
            context.stop();
        }
    }

    /** The mock endpoint of that URI, created if the routes do not name it yet. */
    protected MockEndpoint getMockEndpoint(String uri) {
        return context.getEndpoint(uri, MockEndpoint.class);
    }
}
