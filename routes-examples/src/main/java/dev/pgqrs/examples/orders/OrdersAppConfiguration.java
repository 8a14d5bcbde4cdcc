package dev.pgqrs.examples.orders;

import dev.pgqrs.Pgqrs;
import dev.pgqrs.Store;
import dev.pgqrs.bridge.BridgeConfiguration;
import dev.pgqrs.bridge.BridgeSettings;
import dev.pgqrs.bridge.BridgeStartupException;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.support.service.ServiceSupport;

/**
 * Runs before the routes are built: reads the settings, checks that the HTTP port is free (and sets
 * up the server's JSON error answers), creates the folders, opens the pgqrs store and binds it in the
 * registry, where the {@code pgqrs:} component autowires it (so the Java routes, the Karavan designs
 * and the Kamelets share one store and one connection pool), registers the fulfilment workflow
 * and the worker that executes its runs, and embeds the bridge's connector runtime: the Karavan designs
 * ({@code app.designs}) are the store's connectors, operated over {@code /connectors} on the app's port.
 */
public final class OrdersAppConfiguration implements CamelConfiguration {

    /** Registry names. */
    public static final String STORE = "pgqrsStore";
    public static final String INVENTORY = "inventory";

    @Override
    public void configure(CamelContext context) throws Exception {
        AppSettings settings = AppSettings.resolve(context);
        if (settings.httpEnabled()) {
            HttpPortCheck.requireFree(settings.httpPort());
            context.addStartupListener(new HttpServerErrors(settings.httpPort()));
        }
        settings.createFolders();
        Store store = Pgqrs.connect(settings.storeConfig());
        try {
            store.admin().install(); // idempotent; upgrades an older schema
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        context.getRegistry().bind(AppSettings.BEAN, settings);
        context.getRegistry().bind(STORE, store);
        Inventory inventory = Inventory.fromClasspath("catalog.json");
        context.getRegistry().bind(INVENTORY, inventory);
        OrderClaims claims = new OrderClaims(store);
        FulfilmentWorkflow fulfilment = new FulfilmentWorkflow(store, claims, inventory, new Payments(),
                new Shipping(settings.outbox()), StepPolicies.resolve(context.getPropertiesComponent()), settings.kafkaEnabled());
        context.getRegistry().bind(OrderIntake.BEAN, new OrderIntake(store, claims));
        // The designs run as connectors of this store, on this HTTP server: one store, one port, one context.
        BridgeSettings bridge = BridgeSettings.embedded(context, settings.storeConfig(), settings.home(), settings.httpPort(),
                settings.designs(), null);
        try {
            // Services stop after the routes, so the store outlives every consumer that uses it; the
            // fulfilment worker, added after it, stops before it.
            context.addService(new StoreCloser(store), true, true);
            context.addService(new FulfilmentWorker(store, store.workflows().register(fulfilment.definition()),
                    settings.fulfilmentWorkerOptions()), true, true);
            // Its runtime, added last, stops first: the connectors' routes finish before the store closes.
            BridgeConfiguration.embed(context, store, bridge);
        } catch (BridgeStartupException e) {
            store.close();
            throw new AppStartupException(e.getMessage());
        } catch (Exception e) {
            store.close();
            throw new IllegalStateException("cannot register the store with the Camel context", e);
        }
    }

    /** Closes the app's store when the Camel context stops. */
    static final class StoreCloser extends ServiceSupport {
        private final Store store;

        StoreCloser(Store store) {
            this.store = store;
        }

        @Override
        protected void doStop() {
            store.close();
        }
    }
}
