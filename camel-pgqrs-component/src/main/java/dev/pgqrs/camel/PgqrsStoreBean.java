package dev.pgqrs.camel;

import dev.pgqrs.Store;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.support.service.ServiceSupport;

/**
 * A bean of the pgqrs component that works on a store: the one it was given ({@link #setStore}), or else the pgqrs
 * component's store of its CamelContext, looked up when first needed so the bean can be declared before the
 * component is configured.
 */
public abstract class PgqrsStoreBean extends ServiceSupport implements CamelContextAware {

    private Store store;
    private CamelContext camelContext;

    protected PgqrsStoreBean() {
    }

    protected PgqrsStoreBean(Store store) {
        this.store = store;
    }

    /** The store to work on; {@code bean} names this bean in the error when there is none. */
    protected Store store(String bean) {
        if (store != null) {
            return store;
        }
        if (camelContext == null) {
            throw new IllegalStateException(bean + " has neither a store nor a CamelContext to take the pgqrs component's store from");
        }
        return camelContext.getComponent("pgqrs", PgqrsComponent.class).storeFor(null);
    }

    /** Takes the context of the route the bean is used in, unless one was set. */
    protected void adoptContext(CamelContext routeContext) {
        if (camelContext == null) {
            camelContext = routeContext;
        }
    }

    public Store getStore() {
        return store;
    }

    /** The store this bean works on; by default the pgqrs component's store. */
    public void setStore(Store store) {
        this.store = store;
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
    }
}
