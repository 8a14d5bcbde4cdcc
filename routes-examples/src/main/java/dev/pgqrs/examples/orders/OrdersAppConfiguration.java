package dev.pgqrs.examples.orders;

import dev.pgqrs.Pgqrs;
import dev.pgqrs.Store;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.support.service.ServiceSupport;

/**
 * Runs before the routes are built: reads the settings, checks that the HTTP port is free (and sets
 * up the server's JSON error answers), creates the folders, opens the pgqrs store and binds it in the
 * registry, where the {@code pgqrs:} component autowires it (so the Java routes, the Karavan designs
 * and the Kamelets share one store and one connection pool).
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
        context.getRegistry().bind(INVENTORY, Inventory.fromClasspath("catalog.json"));
        try {
            // Services stop after the routes, so the store outlives every consumer that uses it.
            context.addService(new StoreCloser(store), true, true);
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
