package dev.pgqrs.camel;

import dev.pgqrs.Store;
import dev.pgqrs.config.PgqrsConfig;
import dev.pgqrs.testing.BackendKind;
import dev.pgqrs.testing.TestBackend;
import org.apache.camel.spi.Registry;
import org.apache.camel.test.junit5.CamelTestSupport;

/**
 * CamelTestSupport on a fresh pgqrs database per test. Tests are written once in an abstract
 * class; a subclass per backend picks PostgreSQL or SQLite. The store is bound in the registry,
 * so the component autowires it.
 */
public abstract class PgqrsCamelTestSupport extends CamelTestSupport {

    protected TestBackend backend;
    protected Store store;

    protected abstract BackendKind backendKind();

    /** Adjusts the test store's configuration. */
    protected PgqrsConfig.Builder storeConfig(PgqrsConfig.Builder builder) {
        return builder;
    }

    @Override
    protected void doPreSetup() throws Exception {
        backend = TestBackend.create(backendKind());
        store = backend.open(this::storeConfig);
        super.doPreSetup();
    }

    @Override
    protected void bindToRegistry(Registry registry) throws Exception {
        registry.bind("pgqrsStore", store);
        // Tests name their queues in the URI and expect them to exist, as a deployment would have created them.
        PgqrsComponent component = new PgqrsComponent();
        component.getConfiguration().setAutoCreateQueue(true);
        registry.bind("pgqrs", component);
    }

    @Override
    protected void doPostTearDown() throws Exception {
        super.doPostTearDown();
        // Routes first: the store must outlive the consumers that use it.
        if (context != null) {
            context.stop();
        }
        if (backend != null) {
            backend.close();
        }
    }
}
