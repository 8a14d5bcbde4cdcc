package dev.pgqrs.camel;

import dev.pgqrs.Store;
import org.apache.camel.CamelContext;

/** The store a pgqrs bean works on: the one it was given, or the pgqrs component's. */
final class StoreBean {

    private StoreBean() {
    }

    static Store resolve(Store given, CamelContext camelContext, String bean) {
        if (given != null) {
            return given;
        }
        if (camelContext == null) {
            throw new IllegalStateException(bean + " has neither a store nor a CamelContext to take the pgqrs component's store from");
        }
        return camelContext.getComponent("pgqrs", PgqrsComponent.class).storeFor(null);
    }
}
