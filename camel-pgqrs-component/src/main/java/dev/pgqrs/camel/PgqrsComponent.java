package dev.pgqrs.camel;

import dev.pgqrs.Pgqrs;
import dev.pgqrs.Store;
import dev.pgqrs.config.Dsn;
import dev.pgqrs.config.PgqrsConfig;
import org.apache.camel.Endpoint;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.PropertyConfigurer;
import org.apache.camel.spi.annotations.Component;
import org.apache.camel.support.HealthCheckComponent;
import org.apache.camel.util.URISupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The {@code pgqrs:} component: owns the stores its endpoints use. A store (and its connection
 * pool) is shared by every endpoint on the same database: the registry's {@link Store}, else a
 * store over the registry's {@link DataSource}, else one per DSN.
 */
@Component("pgqrs")
public class PgqrsComponent extends HealthCheckComponent {

    private static final Logger LOG = LoggerFactory.getLogger(PgqrsComponent.class);
    static final String WORKFLOW_PREFIX = "workflow:";
    static final String SCHEDULE_PREFIX = "schedule:";

    static {
        // Camel masks the values of secret-looking options wherever it prints a URI (errors, route
        // start logs); a DSN carries a password but its name does not say so.
        URISupport.addSanitizeKeywords("dsn");
    }

    @Metadata(label = "common", autowired = true, description = "The pgqrs store to use; autowired when the registry "
            + "holds exactly one. It takes precedence over dataSource and dsn.")
    private Store store;

    @Metadata(label = "common", autowired = true, description = "A DataSource of the pgqrs database (PostgreSQL or "
            + "SQLite); autowired when the registry holds exactly one and no store is given. The application owns "
            + "and closes it. On PostgreSQL its connections must resolve tables in the configured schema.")
    private DataSource dataSource;

    @Metadata(label = "common", description = "DSN of the pgqrs database when neither store nor dataSource is given, "
            + "a postgres:// URL (user, password, host, port, database) or sqlite:PATH. Shown with its password masked "
            + "in logs and errors.", secret = true)
    private String dsn;

    @Metadata(label = "common", defaultValue = "public", description = "PostgreSQL schema of the pgqrs tables, for "
            + "stores the component opens (dsn or dataSource): an ASCII letter or '_', then ASCII letters, digits, '_' or "
            + "'$', at most 63 bytes. Case-sensitive: the name is quoted (MyApp is not myapp).")
    private String schema = "public";

    @Metadata(label = "common", defaultValue = "true", description = "Wake consumers with LISTEN/NOTIFY on PostgreSQL, "
            + "for stores the component opens. Turn off behind PgBouncer in transaction pooling mode: consumers then "
            + "poll (every delay) and enqueues send no NOTIFY.")
    private boolean notifications = true;

    @Metadata(label = "common", defaultValue = "false", description = "Install or upgrade the pgqrs schema when a store "
            + "is first used (idempotent, safe with several processes). Off by default, as the engine's "
            + "install_on_connect: schema changes are a deployment step, not a side effect of starting a route.")
    private boolean installSchema;

    @Metadata(description = "Default endpoint options, copied by every endpoint.")
    private PgqrsConfiguration configuration = new PgqrsConfiguration();

    private final Map<String, Store> openedStores = new LinkedHashMap<>();
    private final Set<Store> installed = Collections.newSetFromMap(new IdentityHashMap<>());
    private Store adoptedStore;
    private volatile CheckedConfigurer componentConfigurer;
    private volatile CheckedConfigurer endpointConfigurer;

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        PgqrsConfiguration conf = configuration.copy();
        String queueName = remaining;
        if (remaining.startsWith(WORKFLOW_PREFIX)) {
            queueName = remaining.substring(WORKFLOW_PREFIX.length());
            conf.setWorkflow(true);
        }
        String scheduleName = null;
        if (remaining.startsWith(SCHEDULE_PREFIX)) {
            // The queue (or workflow) is the schedule's target, known once the options are set (doInit).
            scheduleName = remaining.substring(SCHEDULE_PREFIX.length());
            queueName = scheduleName;
        }
        PgqrsEndpoint endpoint = new PgqrsEndpoint(uri, this, conf);
        endpoint.setQueueName(queueName);
        endpoint.scheduleName(scheduleName);
        setProperties(endpoint, parameters);
        return endpoint;
    }

    /** The generated configurer, checking the text of typed options first (see {@link CheckedOptionConfigurer}). */
    @Override
    public PropertyConfigurer getComponentPropertyConfigurer() {
        CheckedConfigurer c = checked(componentConfigurer, super.getComponentPropertyConfigurer());
        componentConfigurer = c;
        return c.checked();
    }

    /** The generated endpoint configurer, checking the text of typed options first. */
    @Override
    public PropertyConfigurer getEndpointPropertyConfigurer() {
        CheckedConfigurer c = checked(endpointConfigurer, super.getEndpointPropertyConfigurer());
        endpointConfigurer = c;
        return c.checked();
    }

    /** A generated configurer and its checking proxy, made once per generated configurer. */
    private record CheckedConfigurer(PropertyConfigurer generated, PropertyConfigurer checked) {
    }

    private static CheckedConfigurer checked(CheckedConfigurer known, PropertyConfigurer generated) {
        return known != null && known.generated() == generated ? known
                : new CheckedConfigurer(generated, CheckedOptionConfigurer.wrap(generated));
    }

    /**
     * The store for an endpoint: its own DSN's if it names one, else the component's store,
     * DataSource or DSN, in that order. Stores the component opens are shared and closed with it.
     */
    synchronized Store storeFor(String endpointDsn) {
        if (endpointDsn != null) {
            return openedStores.computeIfAbsent(endpointDsn, this::open);
        }
        if (store != null) {
            return prepared(store);
        }
        if (dataSource != null) {
            if (adoptedStore == null) {
                adoptedStore = prepared(Pgqrs.connect(dataSource, storeConfig(null)));
            }
            return adoptedStore;
        }
        if (dsn != null) {
            return openedStores.computeIfAbsent(dsn, this::open);
        }
        throw new IllegalArgumentException("pgqrs: no store to use. Bind a dev.pgqrs.Store or a javax.sql.DataSource "
                + "in the registry, set the component's dsn (camel.component.pgqrs.dsn), or the endpoint's "
                + "(pgqrs:orders?dsn=postgres://user:password@host:5432/db)");
    }

    private Store open(String dsn) {
        LOG.debug("opening pgqrs store for {}", Dsn.parse(dsn)); // the parsed form hides the password
        return prepared(Pgqrs.connect(storeConfig(dsn)));
    }

    private PgqrsConfig storeConfig(String dsn) {
        return PgqrsConfig.builder().dsn(dsn).schema(schema).notifications(notifications).build();
    }

    private Store prepared(Store s) {
        if (installSchema && installed.add(s)) {
            s.admin().install();
        }
        return s;
    }

    @Override
    protected void doStop() throws Exception {
        synchronized (this) {
            for (Store s : openedStores.values()) {
                s.close();
            }
            openedStores.clear();
            if (adoptedStore != null) {
                adoptedStore.close(); // closes the store's workers, not the application's DataSource
                adoptedStore = null;
            }
            installed.clear();
        }
        super.doStop();
    }

    public Store getStore() {
        return store;
    }

    public void setStore(Store store) {
        this.store = store;
    }

    public DataSource getDataSource() {
        return dataSource;
    }

    public void setDataSource(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public String getDsn() {
        return dsn;
    }

    public void setDsn(String dsn) {
        this.dsn = dsn;
    }

    public String getSchema() {
        return schema;
    }

    public void setSchema(String schema) {
        this.schema = schema;
    }

    public boolean isNotifications() {
        return notifications;
    }

    public void setNotifications(boolean notifications) {
        this.notifications = notifications;
    }

    public boolean isInstallSchema() {
        return installSchema;
    }

    public void setInstallSchema(boolean installSchema) {
        this.installSchema = installSchema;
    }

    public PgqrsConfiguration getConfiguration() {
        return configuration;
    }

    public void setConfiguration(PgqrsConfiguration configuration) {
        this.configuration = configuration;
    }
}
